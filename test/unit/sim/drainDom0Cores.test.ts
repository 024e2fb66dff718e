/**
 * A backlog draining through Dom0 on a host whose cores are taken (para, model spec §3, §5): a
 * drained op costs Dom0 CPU like any other, and that CPU runs on a core. Dom0 drains on its vCPUs'
 * spare only as far as the cores the guests, the host OS and its own grant leave idle: the guests,
 * Dom0 and the host OS never run on more cores than the host has, through a drain either.
 */
import { describe, expect, it } from 'vitest';
import type { Scenario, VpsSpec } from '../../../shared/commands.js';
import { createEngine, resolveMode } from '../../../server/sim/index.js';

const vps = (id: string, vcpus: number, over: Partial<VpsSpec>): VpsSpec => ({
  id,
  vcpus,
  ramGiB: 0.5,
  diskIops: 10,
  netMbps: 10,
  profile: 'steady',
  ...over,
});

const CASES: { label: string; s: Scenario }[] = [
  {
    // Dom0 restarts beside a guest whose vCPUs ask more than the 3 cores: the web guest's requests
    // queued while Dom0 was down drain through it.
    label: 'after a Dom0 crash, beside a guest asking every core',
    s: {
      name: 'drain after a Dom0 crash',
      seed: 1,
      mode: 'para',
      host: { cores: 3, ramGiB: 1, diskIops: 1_000_000, netMbps: 1000 },
      vps: [
        vps('web', 4, { load: { cpu: 0, mem: 0, disk: 0, net: 1 } }),
        vps('busy', 4, { netMbps: 0.001, load: { cpu: 1, mem: 0, disk: 0, net: 0 } }),
      ],
      events: [{ atTick: 23, type: 'hostFault', fault: 'dom0_crash', durationS: 0.5 }],
    },
  },
  {
    // A hog held a disk guest's backlog on one core; once it stops the backlog drains through Dom0.
    label: 'after a CPU hog on a 1-core host',
    s: {
      name: 'drain after a hog',
      seed: 1,
      mode: { base: 'para', cpuWeighting: 'vcpu' },
      host: { cores: 1, ramGiB: 1, diskIops: 10_000_000, netMbps: 100 },
      vps: [
        vps('hog', 16, { diskIops: 0.001, netMbps: 1, load: { cpu: 0, mem: 0, disk: 0, net: 0 } }),
        vps('disk', 16, { diskIops: 5000, netMbps: 1, load: { cpu: 0, mem: 0, disk: 1, net: 0 } }),
      ],
      events: [{ atTick: 0, type: 'startFault', vps: 'hog', fault: 'cpu_hog', durationS: 1 }],
    },
  },
];

describe('a backlog draining through Dom0 runs on the cores there are', () => {
  for (const { label, s } of CASES) {
    it(label, () => {
      const cores = s.host!.cores!;
      const dom0Vcpus = resolveMode(s.mode).dom0Vcpus;
      const e = createEngine(s);
      for (let t = 0; t < 40; t++) {
        const f = e.step();
        const cpu = f.vps.reduce(
          (a, v) => a + v.cpuGranted,
          f.host.dom0CpuUtil * dom0Vcpus + f.host.hostOsCpuUtil * cores,
        );
        expect(cpu, `tick ${t}: guests, Dom0 and the host OS on ${cores} cores`).toBeLessThanOrEqual(
          cores + 1e-9,
        );
      }
    });
  }
});
