/**
 * Why the monotonicity property (physics.test.ts) leaves out the runs where a third party on the
 * cores moved: under para, the I/O a neighbour asks for is Dom0's work on the cores the VPSs share
 * (model spec §3: Dom0 is one more entity; §5), and on a contended share it is paid from the grant
 * of the neighbour, the entity above the water level. Its own slices become Dom0's short runs, so a
 * waking victim finds a shorter run ahead (schedwait.ts): the victim's wait shortens by a hair.
 */
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../../shared/commands.js';
import { createEngine, resolveMode } from '../../../server/sim/index.js';

const host = { cores: 4, ramGiB: 64, diskIops: 5000, netMbps: 10_000 };

/** A light victim beside a CPU-bound neighbour on a 4-core para host; the neighbour sends `net`. */
function run(net: number) {
  const s: Scenario = {
    name: 'third party',
    seed: 1,
    mode: 'para',
    host,
    vps: [
      {
        id: 'victim',
        vcpus: 2,
        ramGiB: 1,
        diskIops: 100,
        netMbps: 20,
        load: { cpu: 0.01, mem: 0.5, disk: 1, net: 0.5 },
      },
      {
        id: 'neighbour',
        vcpus: 4,
        ramGiB: 1,
        diskIops: 1000,
        netMbps: 20,
        load: { cpu: 1.5, mem: 0.5, disk: 0, net },
      },
    ],
  };
  const e = createEngine(s);
  e.advance(29);
  return e.step();
}

describe("a neighbour's I/O through Dom0 on a contended share", () => {
  it("is paid from the neighbour's own grant: its slices become Dom0's short runs, and the victim waits a hair less", () => {
    const quiet = run(0.5),
      busy = run(1.5);
    const dom0 = (f: typeof quiet) => f.host.dom0CpuUtil * resolveMode('para').dom0Vcpus;
    // Every core is taken in both runs; Dom0 carries three times the traffic.
    expect(busy.vps[1].netServedMbps).toBeCloseTo(3 * quiet.vps[1].netServedMbps, 9);
    expect(busy.host.cpuIdleCores).toBe(0);
    expect(quiet.host.cpuIdleCores).toBe(0);
    // What Dom0 gains, the neighbour loses; the victim, under the level, keeps its grant.
    const gained = dom0(busy) - dom0(quiet);
    expect(gained).toBeGreaterThan(0);
    expect(quiet.vps[1].cpuGranted - busy.vps[1].cpuGranted).toBeCloseTo(gained, 12);
    expect(busy.vps[0].cpuGranted).toBe(quiet.vps[0].cpuGranted);
    // A shorter run ahead of each of the victim's wake-ups: its wait shortens, by less than 0.1 %.
    expect(busy.vps[0].schedWaitMs).toBeLessThan(quiet.vps[0].schedWaitMs);
    expect(busy.vps[0].schedWaitMs).toBeGreaterThan(quiet.vps[0].schedWaitMs * 0.999);
  });
});
