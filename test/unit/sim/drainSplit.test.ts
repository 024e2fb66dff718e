/**
 * The idle capacity of a device, split among the services draining a backlog on it (headroom.ts,
 * drainsplit.ts): max-min, each capped at what its own bottleneck lets it use. A service whose
 * backlog its other device holds (it asks that device for more than its plan lets it have) answers
 * it no faster for any idle on this one, so it takes none of it, as one its own CPU holds takes none.
 * Under a fixed quota (model spec §3: a neighbour's CPU never changes a VPS's grant) a neighbour's
 * CPU slider, which moves its backlog between its CPU and its disk, then changes nothing of a victim
 * that does not feel the cache (§6).
 */
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../../shared/commands.js';
import type { VpsMetrics } from '../../../shared/model.js';
import { createEngine } from '../../../server/sim/index.js';

/**
 * A web that queues a backlog while a burst of CPU work exceeds its quota (ticks 5 to 9), then
 * drains it on an idle link, beside a box that asks its disk for twice its plan (a backlog its disk
 * holds) and sends on the same link, with its CPU slider at `cpu` (at 2 its quota of one core holds
 * its backlog instead). The web's frames while it drains.
 */
function drain(cpu: number): VpsMetrics[] {
  const s: Scenario = {
    name: 'drain split',
    seed: 1,
    mode: 'full',
    host: { cores: 8, ramGiB: 16, diskIops: 5000, netMbps: 2000 },
    vps: [
      {
        id: 'web-1',
        vcpus: 1,
        cpuCapCores: 1,
        ramGiB: 0.5,
        diskIops: 10,
        netMbps: 2000,
        sensitivity: 0,
        load: { cpu: 0, mem: 0, disk: 0, net: 0.25 },
      },
      {
        id: 'box-1',
        vcpus: 1,
        cpuCapCores: 1,
        ramGiB: 0.5,
        diskIops: 100,
        netMbps: 500,
        load: { cpu, mem: 0, disk: 2, net: 0.5 },
      },
    ],
  };
  const e = createEngine(s);
  const out: VpsMetrics[] = [];
  for (let t = 0; t < 20; t++) {
    if (t === 5) e.apply({ type: 'setLoad', vps: 'web-1', load: { cpu: 2, mem: 0, disk: 0, net: 0.25 } });
    if (t === 10) e.apply({ type: 'setLoad', vps: 'web-1', load: { cpu: 0, mem: 0, disk: 0, net: 0.25 } });
    const f = e.step();
    if (t >= 10) out.push(f.vps[0]);
  }
  return out;
}

describe('idle device capacity for draining backlogs', () => {
  it("goes to no service whose other device holds its backlog: a neighbour's CPU slider leaves a victim as it was (fixed quota)", () => {
    const diskHeld = drain(0),
      cpuHeld = drain(2);
    // The web drains a backlog on the link throughout.
    expect(diskHeld[0].backlog).toBeGreaterThan(0);
    expect(diskHeld[0].netServedMbps).toBeGreaterThan(1000);
    expect(cpuHeld).toEqual(diskHeld);
  });
});
