/**
 * Idle device capacity shared among the services draining a backlog (headroom.ts): a service whose
 * own CPU holds its backlog answers it no faster for any idle on a device, so it takes no part of
 * that idle. Under a fixed quota (model spec §3: a neighbour's CPU never changes a VPS's grant) a
 * neighbour's CPU slider, which gives it such a backlog or takes it away, then changes nothing of a
 * victim that does not feel the cache (§6).
 */
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../../shared/commands.js';
import { createEngine } from '../../../server/sim/index.js';

/**
 * A web whose network stack needs more than its one vCPU (a backlog its quota holds) beside a
 * batch box whose CPU slider is `cpu` (at 1 its quota of one core holds a backlog too).
 */
function run(cpu: number) {
  const s: Scenario = {
    name: 'drain share',
    seed: 1,
    mode: 'full',
    host: { cores: 8, ramGiB: 16, diskIops: 100_000, netMbps: 10_000 },
    vps: [
      {
        id: 'web-1',
        vcpus: 1,
        cpuCapCores: 1,
        ramGiB: 0.5,
        diskIops: 10,
        netMbps: 10_000,
        sensitivity: 0,
        load: { cpu: 0, mem: 0, disk: 0, net: 0.36 },
      },
      {
        id: 'batch-1',
        vcpus: 1,
        cpuCapCores: 1,
        ramGiB: 0.5,
        diskIops: 10,
        netMbps: 10,
        load: { cpu, mem: 0, disk: 0, net: 0.0001 },
      },
    ],
  };
  const e = createEngine(s);
  e.advance(29);
  return e.step();
}

describe('idle device capacity for draining backlogs', () => {
  it("goes to no service whose own CPU holds its backlog: a neighbour's CPU slider leaves a victim as it was (fixed quota)", () => {
    const idle = run(0),
      busy = run(1);
    // The neighbour's quota holds a backlog of its own at 1, none at 0; the web drains one throughout.
    expect(busy.vps[1].backlog).toBeGreaterThan(0);
    expect(busy.vps[1].cpuGranted).toBe(1);
    expect(idle.vps[1].backlog).toBe(0);
    expect(idle.vps[0].backlog).toBeGreaterThan(0);
    expect(busy.vps[0]).toEqual(idle.vps[0]);
  });
});
