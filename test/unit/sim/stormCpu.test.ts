/**
 * A storm reaches no further than its guest's CPU drives it (model spec §5, §7, §8): the device
 * ops a storming guest is served, each at the guest CPU its mode charges per op, never add up to
 * more cores than the guest was granted. A guest cannot submit, and take the completions of, more
 * I/O than its vCPUs have time for; nor send a flood faster than they drive its network stack.
 */
import { describe, expect, it } from 'vitest';
import type { ModeSpec, Scenario } from '../../../shared/commands.js';
import { createEngine, resolveMode } from '../../../server/sim/index.js';
import { DEFAULT_PARAMS } from '../../../server/sim/params.js';
import { vpsOf, web } from './helpers.js';

const MODES: ModeSpec[] = [
  'full',
  'hosted',
  'para',
  // Dom0 sized with a 16-core host, as Xen practice does: Dom0 does not hold the storm back.
  { base: 'para', dom0Vcpus: 4 },
  // Capped guests (Xen's credit cap): a storming guest's CPU, not Dom0's, is what runs short.
  { base: 'para', dom0Vcpus: 4, cpuCaps: true },
  'container',
  { base: 'container', containerLimits: false },
];

/**
 * Hosts where one vCPU cannot keep up with what a storm could be served: flash disks, 1-vCPU
 * guests, each guest's web load `cpu` of its vCPU and `io` of its device plans (no guest short of
 * CPU before the storm, even where its I/O costs 5.5× native).
 */
const HOSTS = [
  // Few guests, a large plan each: the storm's path lets it ask far more than one vCPU drives.
  { label: 'SATA SSD, 5 guests', cores: 8, diskIops: 90_000, guests: 5, cpu: 0.3, io: 1 },
  // Many guests on a shared SSD (the device, not the plan, holds the storm under a fair share).
  { label: 'SATA SSD, 15 guests', cores: 16, diskIops: 78_000, guests: 15, cpu: 0.3, io: 1 },
  // NVMe behind two cores, and behind one.
  { label: 'NVMe, 4 guests', cores: 2, diskIops: 700_000, guests: 4, cpu: 0.3, io: 1 },
  { label: 'NVMe, 1 core, 4 guests', cores: 1, diskIops: 1_000_000, guests: 4, cpu: 0.05, io: 0.1 },
];

function stormScenario(
  mode: ModeSpec,
  h: (typeof HOSTS)[number],
  fault: 'io_storm' | 'net_flood' = 'io_storm',
): Scenario {
  const p = resolveMode(mode);
  const quota = p.cpuPolicy === 'quota';
  // A fixed quota's share of the cores; capped under a share, a little above the web's own CPU.
  const cap = quota ? Math.min(1, h.cores / h.guests) : h.cpu + 0.05;
  return {
    name: 'storm cpu',
    seed: 3,
    mode,
    host: { cores: h.cores, ramGiB: 4 * h.cores, diskIops: h.diskIops, netMbps: 2500, memBwGBs: 50 },
    vps: Array.from({ length: h.guests }, (_, k) =>
      web(`g${k}`, {
        vcpus: 1,
        ramGiB: (4 * h.cores) / h.guests,
        diskIops: (2 * h.diskIops) / h.guests,
        netMbps: (2 * 2500) / h.guests,
        ...(quota || p.cpuCaps ? { cpuCapCores: cap } : {}),
        load: { cpu: h.cpu, mem: 0.5, disk: 0.002 * h.io, net: 0.05 * h.io },
      }),
    ),
    events: [{ atS: 1, type: 'startFault', vps: `g${h.guests - 1}`, fault }],
  };
}

/** What a storm or flood moves beyond its service, and the guest CPU one unit of it costs. */
interface Reach {
  fault: 'io_storm' | 'net_flood';
  what: string;
  /** The guest's own load of that resource (its service's ops or Mbit/s). */
  service: (v: Scenario['vps'][number]) => number;
  served: (v: ReturnType<typeof vpsOf>) => number;
  cpuPerUnit: number;
}

const REACHES: { title: string; reach: Reach }[] = [
  {
    title: 'a storming guest is served no more I/O than its granted CPU drives',
    // The storm's ops: what the guest was served beyond what its service asks (at least that
    // many), each a part of a large request, at the guest CPU its mode charges per op.
    reach: {
      fault: 'io_storm',
      what: 'storm IOPS',
      service: (v) => (v.load?.disk ?? 0) * v.diskIops,
      served: (v) => v.diskServedIops,
      cpuPerUnit: DEFAULT_PARAMS.diskOpCpuS / DEFAULT_PARAMS.ioStormRequestOps,
    },
  },
  {
    title: 'a flooding guest sends no more than its granted CPU drives',
    // The flood's traffic: what the guest sent beyond what its service asks, at the guest CPU its
    // mode charges per Mbit/s.
    reach: {
      fault: 'net_flood',
      what: 'Mbit/s of flood',
      service: (v) => (v.load?.net ?? 0) * v.netMbps,
      served: (v) => v.netServedMbps,
      cpuPerUnit: DEFAULT_PARAMS.netMbitCpu,
    },
  },
];

for (const { title, reach } of REACHES) {
  describe(title, () => {
    for (const mode of MODES) {
      const name = typeof mode === 'string' ? mode : JSON.stringify(mode);
      for (const h of HOSTS) {
        it(`${name}, ${h.label}`, () => {
          const s = stormScenario(mode, h, reach.fault);
          const p = resolveMode(mode);
          // The guest's own CPU per unit (a host OS runs its share outside the guest's quota).
          const own = p.ioCpuFactor * (1 - p.hostOsIoShare);
          const bad = `g${h.guests - 1}`;
          const e = createEngine(s);
          e.advance(30);
          const service = reach.service(s.vps[0]);
          let most = 0;
          for (let k = 0; k < 50; k++) {
            const v = vpsOf(e.step(), bad);
            const moved = Math.max(0, reach.served(v) - service);
            most = Math.max(most, moved);
            expect(
              own * moved * reach.cpuPerUnit,
              `tick ${30 + k}: ${moved.toFixed(0)} ${reach.what} on ${v.cpuGranted} cores`,
            ).toBeLessThanOrEqual(v.cpuGranted * 1.01 + 1e-6);
          }
          // The storm or flood moves something: the test is about one that runs.
          expect(most).toBeGreaterThan(0);
        });
      }
    }
  });
}
