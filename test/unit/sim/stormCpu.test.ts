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

describe('a storming guest is served no more I/O than its granted CPU drives', () => {
  for (const mode of MODES) {
    const name = typeof mode === 'string' ? mode : JSON.stringify(mode);
    for (const h of HOSTS) {
      it(`${name}, ${h.label}`, () => {
        const s = stormScenario(mode, h);
        const p = resolveMode(mode);
        // The guest's own CPU per op (a host OS runs its share outside the guest's quota).
        const own = p.ioCpuFactor * (1 - p.hostOsIoShare);
        const bad = `g${h.guests - 1}`;
        const e = createEngine(s);
        e.advance(30);
        const { diskOpCpuS, ioStormRequestOps } = DEFAULT_PARAMS;
        // The storm's ops: what the guest was served beyond what its service asks (at least that
        // many), each a part of a large request, at the guest CPU its mode charges per op.
        const serviceOps = (s.vps[0].load?.disk ?? 0) * s.vps[0].diskIops;
        let served = 0;
        for (let k = 0; k < 50; k++) {
          const v = vpsOf(e.step(), bad);
          const stormOps = Math.max(0, v.diskServedIops - serviceOps);
          served = Math.max(served, stormOps);
          const stormCpu = (own * stormOps * diskOpCpuS) / ioStormRequestOps;
          expect(
            stormCpu,
            `tick ${30 + k}: ${stormOps.toFixed(0)} storm IOPS on ${v.cpuGranted} cores`,
          ).toBeLessThanOrEqual(v.cpuGranted * 1.01 + 1e-6);
        }
        // The storm is served something: the test is about a storm that runs.
        expect(served).toBeGreaterThan(0);
      });
    }
  }
});

describe('a flooding guest sends no more than its granted CPU drives', () => {
  for (const mode of MODES) {
    const name = typeof mode === 'string' ? mode : JSON.stringify(mode);
    for (const h of HOSTS) {
      it(`${name}, ${h.label}`, () => {
        const s = stormScenario(mode, h, 'net_flood');
        const p = resolveMode(mode);
        const own = p.ioCpuFactor * (1 - p.hostOsIoShare);
        const bad = `g${h.guests - 1}`;
        const e = createEngine(s);
        e.advance(30);
        // The flood's traffic: what the guest sent beyond what its service asks, at the guest CPU
        // its mode charges per Mbit/s.
        const serviceMbps = (s.vps[0].load?.net ?? 0) * s.vps[0].netMbps;
        let sent = 0;
        for (let k = 0; k < 50; k++) {
          const v = vpsOf(e.step(), bad);
          const floodMbps = Math.max(0, v.netServedMbps - serviceMbps);
          sent = Math.max(sent, floodMbps);
          const floodCpu = own * floodMbps * DEFAULT_PARAMS.netMbitCpu;
          expect(
            floodCpu,
            `tick ${30 + k}: ${floodMbps.toFixed(0)} Mbit/s of flood on ${v.cpuGranted} cores`,
          ).toBeLessThanOrEqual(v.cpuGranted * 1.01 + 1e-6);
        }
        expect(sent).toBeGreaterThan(0);
      });
    }
  }
});
