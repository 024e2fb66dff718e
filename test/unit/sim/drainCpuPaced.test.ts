/**
 * A backlog its CPU paces, on a service that uses both the disk and the network (model spec §5,
 * §7): it drains at the pace of its CPU stage, and its disk and network stages wait at what those
 * devices have, not at the CPU's utilization. Alone on the host its isolated counterfactual is
 * itself: its isolated p99 is its p99 and it reads no degradation.
 */
import { describe, expect, it } from 'vitest';
import type { ModeSpec, Scenario } from '../../../shared/commands.js';
import { createEngine } from '../../../server/sim/index.js';

/** A web guest on a random walk, its CPU near its vCPUs, light disk and network use. */
const walker = (mode: ModeSpec, cores: number, vcpus: number, cpu: number): Scenario => ({
  name: 'a backlog its CPU paces',
  seed: 158_310,
  mode,
  host: { cores, ramGiB: 4, diskIops: 150, netMbps: 10 },
  vps: [
    {
      id: 'walker',
      vcpus,
      ramGiB: 0.5,
      diskIops: 1,
      netMbps: 1,
      profile: 'randomWalk',
      load: { cpu, mem: 0, disk: 0.2, net: 0.2 },
    },
  ],
});

const CASES: { label: string; s: Scenario }[] = [
  { label: 'full', s: walker('full', 2, 2, 1) },
  { label: 'container', s: walker('container', 2, 2, 1) },
  { label: 'para', s: walker('para', 4, 2, 1) },
];

describe('a backlog its CPU paces leaves its disk and network waits at what the devices have', () => {
  for (const { label, s } of CASES) {
    it(label, () => {
      const e = createEngine(s);
      let backlogged = 0;
      for (let t = 0; t < 60; t++) {
        const v = e.step().vps[0]!;
        if (v.backlog > 0) backlogged++;
        expect(v.latencyP99IsolatedMs, `tick ${t}`).toBeCloseTo(v.latencyP99Ms, 6);
        expect(v.degradation, `tick ${t}`).toBeLessThan(1e-9);
      }
      // The walk takes it past its vCPUs now and then: the test is about a backlog that drains.
      expect(backlogged).toBeGreaterThan(0);
    });
  }
});
