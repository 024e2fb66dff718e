/**
 * A guest alone whose traffic asks Dom0 for more than its vCPUs (para, model spec §5, §7): Dom0
 * carries what its vCPUs pay for and the rest waits in the guest's ring. Its isolated
 * counterfactual is itself, so the NIC's queue it waits in holds what Dom0 forwards, alone as in the
 * shared run, a backend Dom0 carries in full may grow to Dom0's max-min level among its backends,
 * and its isolated p99 is its p99.
 */
import { describe, expect, it } from 'vitest';
import type { ModeSpec, Scenario } from '../../../shared/commands.js';
import { createEngine } from '../../../server/sim/index.js';

const flooder = (mode: ModeSpec, disk = 0, cores = 64): Scenario => ({
  name: 'Dom0 short of vCPUs alone',
  seed: 1,
  mode,
  host: { cores, ramGiB: 4, diskIops: 10_000_000, netMbps: 10_000 },
  vps: [
    {
      id: 'sender',
      vcpus: 8,
      ramGiB: 4,
      diskIops: 500,
      netMbps: 10_000,
      profile: 'steady',
      load: { cpu: 0, mem: 0, disk, net: 1 },
    },
  ],
});

const CASES: { label: string; s: Scenario }[] = [
  { label: "Dom0's one vCPU", s: flooder('para') },
  { label: 'two Dom0 vCPUs', s: flooder({ base: 'para', dom0Vcpus: 2 }) },
  // Its disk I/O beside: Dom0 carries its blkback in full, which may grow to the max-min level.
  { label: 'disk beside the traffic', s: flooder('para', 1) },
  // Fewer cores: its wake-ups wait behind Dom0, and it asks its own I/O CPU only for what Dom0 carries.
  { label: 'on 8 cores', s: flooder('para', 0, 8) },
];

describe('a guest alone beside a Dom0 that cannot carry all its traffic reads its own p99', () => {
  for (const { label, s } of CASES) {
    it(label, () => {
      const e = createEngine(s);
      for (let t = 0; t < 20; t++) {
        const v = e.step().vps[0]!;
        // Dom0 forwards less than the guest sends: the case this is about.
        expect(v.netServedMbps, `tick ${t}`).toBeLessThan(v.netDemandMbps);
        expect(v.latencyP99IsolatedMs, `tick ${t}`).toBeCloseTo(v.latencyP99Ms, 6);
        expect(v.degradation, `tick ${t}`).toBeLessThan(1e-9);
      }
    });
  }
});
