/**
 * A VM alone under a type-2 hypervisor (hosted, model spec §2, §7): its isolated counterfactual is
 * itself, so its degradation is 0 and its isolated p99 is its p99, even where its quota fills the
 * host and the host OS's part of its own I/O has no idle core to run on. Alone, the host OS still
 * does that work, out of the same cores as in the shared run.
 */
import { describe, expect, it } from 'vitest';
import type { ModeSpec, Scenario } from '../../../shared/commands.js';
import { createEngine } from '../../../server/sim/index.js';

const alone = (mode: ModeSpec, cores: number, cap: number, cpu = 0.3): Scenario => ({
  name: 'hosted VM alone',
  seed: 1,
  mode,
  host: { cores, ramGiB: 64, diskIops: 100_000, netMbps: 100_000 },
  vps: [
    {
      id: 'web',
      vcpus: 4,
      ramGiB: 4,
      diskIops: 5000,
      netMbps: 100,
      cpuCapCores: cap,
      load: { cpu, mem: 0, disk: 0.2, net: 0.7 },
    },
  ],
});

const CASES: { label: string; s: Scenario }[] = [
  // Its quota is the whole core: the host OS's work for it squeezes its grant.
  { label: 'quota filling a 1-core host', s: alone('hosted', 1, 1) },
  { label: 'a busy quota filling a 4-core host', s: alone('hosted', 4, 4, 1) },
  // Its own I/O asks the host OS for more than the host has: the VM and its host-OS work are
  // scaled alike, on the whole of that work.
  {
    label: 'host-OS work past the host',
    s: {
      ...alone('hosted', 3, 3, 0),
      host: { cores: 3, ramGiB: 64, diskIops: 10_000_000, netMbps: 100_000 },
      vps: [{ ...alone('hosted', 3, 3, 0).vps[0]!, diskIops: 1_000_000, load: { cpu: 0, disk: 0.9 } }],
    },
  },
  // Under a share the host OS's work comes off the cores before the VM's.
  { label: 'share on a 1-core host', s: alone({ base: 'hosted', cpuPolicy: 'share' }, 1, 1) },
];

describe('a hosted VM alone reads no degradation', () => {
  for (const { label, s } of CASES) {
    it(label, () => {
      const e = createEngine(s);
      for (let t = 0; t < 30; t++) {
        const v = e.step().vps[0]!;
        expect(v.degradation, `tick ${t}`).toBeLessThan(1e-9);
        expect(v.latencyP99IsolatedMs, `tick ${t}`).toBeCloseTo(v.latencyP99Ms, 6);
      }
    });
  }
});
