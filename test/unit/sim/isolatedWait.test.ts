/**
 * The scheduler wait of a guest alone beside the Dom0 work of its own I/O (para, model spec §3,
 * §7): its isolated counterfactual is itself, so its isolated p99 is its p99. Where its vCPUs ask
 * more than the host's cores, the cores are contended and its busy vCPUs run whole slices, alone
 * as in the shared run, whatever the cores grant them; its wake-ups and Dom0's wait accordingly.
 */
import { describe, expect, it } from 'vitest';
import type { ModeSpec, Scenario } from '../../../shared/commands.js';
import { createEngine } from '../../../server/sim/index.js';

const alone = (mode: ModeSpec, cores: number, vcpus: number, cpu: number): Scenario => ({
  name: 'a guest alone beside Dom0',
  seed: 1,
  mode,
  host: { cores, ramGiB: 16, diskIops: 100_000, netMbps: 10_000 },
  vps: [
    {
      id: 'busy',
      vcpus,
      ramGiB: 4,
      diskIops: 10,
      netMbps: 10,
      load: { cpu, mem: 0, disk: 0, net: 0.2 },
    },
  ],
});

const CASES: { label: string; s: Scenario }[] = [
  // Eight busy vCPUs on two cores, beside Dom0's netback work for its light traffic.
  { label: '8 vCPUs all busy on 2 cores', s: alone('para', 2, 8, 1) },
  { label: '8 vCPUs half busy on 2 cores', s: alone('para', 2, 8, 0.5) },
  { label: 'flat vCPU weighting', s: alone({ base: 'para', cpuWeighting: 'vcpu' }, 2, 8, 1) },
];

describe('a guest alone reads its own p99 as its isolated p99 where its vCPUs outnumber the cores', () => {
  for (const { label, s } of CASES) {
    it(label, () => {
      const e = createEngine(s);
      for (let t = 0; t < 30; t++) {
        const v = e.step().vps[0]!;
        expect(v.latencyP99IsolatedMs, `tick ${t}`).toBeCloseTo(v.latencyP99Ms, 6);
        expect(v.degradation, `tick ${t}`).toBeLessThan(1e-9);
      }
    });
  }
});
