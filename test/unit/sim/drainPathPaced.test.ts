/**
 * A backlog paced by one device's path, on a service that uses both the disk and the network (model
 * spec §5, §7): it drains at the pace of the device its plan holds, and its other device's stage
 * waits at what that device has, not at the bottleneck's utilization. Alone on the host its isolated
 * counterfactual is itself: its isolated p99 is its p99 and it reads no degradation.
 */
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../../shared/commands.js';
import { createEngine } from '../../../server/sim/index.js';

const CASES: { label: string; s: Scenario }[] = [
  {
    // Its disk plan holds it (a random walk past the plan), its network plan is tiny.
    label: 'full, the disk plan the bottleneck',
    s: {
      name: 'disk paced',
      seed: 440_125,
      mode: 'full',
      host: { cores: 3, ramGiB: 4, diskIops: 10_000_000, netMbps: 10 },
      vps: [
        {
          id: 'walker',
          vcpus: 16,
          ramGiB: 4,
          diskIops: 500,
          netMbps: 0.001,
          cpuCapCores: 3,
          profile: 'randomWalk',
          load: { cpu: 0, mem: 0, disk: 0.7, net: 0.6 },
        },
      ],
    },
  },
  {
    // A container whose 1-IOPS disk limit holds it, beside a tiny network.
    label: 'container, the io.max limit the bottleneck',
    s: {
      name: 'io.max paced',
      seed: 606_272,
      mode: 'container',
      host: { cores: 7, ramGiB: 1, diskIops: 10_000_000, netMbps: 1000 },
      vps: [
        {
          id: 'walker',
          vcpus: 16,
          ramGiB: 0.01,
          diskIops: 1,
          netMbps: 0.001,
          profile: 'randomWalk',
          load: { cpu: 0, mem: 0, disk: 1, net: 0.7 },
        },
      ],
    },
  },
];

describe("a backlog its disk's path paces leaves its network wait at what the link has", () => {
  for (const { label, s } of CASES) {
    it(label, () => {
      const e = createEngine(s);
      let backlogged = 0;
      for (let t = 0; t < 40; t++) {
        const v = e.step().vps[0]!;
        if (v.backlog > 0) backlogged++;
        expect(v.latencyP99IsolatedMs, `tick ${t}`).toBeCloseTo(v.latencyP99Ms, 6);
        expect(v.degradation, `tick ${t}`).toBeLessThan(1e-9);
      }
      expect(backlogged).toBeGreaterThan(0);
    });
  }
});
