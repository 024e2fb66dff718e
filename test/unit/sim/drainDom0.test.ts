/**
 * Idle disk capacity shared among the services draining a backlog (drainsplit.ts) under para, where
 * Dom0's CPU is split max-min among the guests' backends (model spec §5): a guest whose blkback Dom0
 * holds below its work cannot drain any faster for idle on the disk, so it takes none of it, and a
 * neighbour draining beside it gets what it leaves, as if that guest had no backlog at all.
 */
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../../shared/commands.js';
import type { VpsMetrics } from '../../../shared/model.js';
import { createEngine } from '../../../server/sim/index.js';

/**
 * An io_storm saturating Dom0's one vCPU (30 720 ops a second of its 25 000) beside a web that
 * queues a backlog while it asks its disk for four times its plan (Dom0 holds it too), then drains
 * it on the idle disk. `service`: the storming guest also runs a service on its disk (240 ops a
 * second, a backlog of its own, its blkback held with the storm), else none, its storm asking the
 * same 30 960 ops in all. The web's frames while it drains.
 */
function drain(service: boolean): VpsMetrics[] {
  const s: Scenario = {
    name: 'drain beside a held blkback',
    seed: 1,
    mode: 'para',
    host: { cores: 8, ramGiB: 32, diskIops: 40_000, netMbps: 10_000 },
    vps: [
      {
        id: 'storm-1',
        vcpus: 2,
        ramGiB: 2,
        diskIops: 1536,
        netMbps: 1000,
        sensitivity: 0,
        load: { cpu: 0.05, mem: 0, disk: service ? 0.15625 : 0, net: 0 },
      },
      {
        id: 'web-1',
        vcpus: 2,
        ramGiB: 2,
        diskIops: 5000,
        netMbps: 1000,
        sensitivity: 0,
        load: { cpu: 0.05, mem: 0, disk: 0.2, net: 0 },
      },
    ],
  };
  const e = createEngine(s);
  e.advance(10);
  const storm = { type: 'startFault', vps: 'storm-1', fault: 'io_storm' } as const;
  expect(e.apply(service ? storm : { ...storm, rate: 1 + 1 / 128 })).toEqual({ ok: true });
  e.advance(10);
  e.apply({ type: 'setLoad', vps: 'web-1', load: { disk: 4 } });
  e.advance(5);
  e.apply({ type: 'setLoad', vps: 'web-1', load: { disk: 0.2 } });
  const out: VpsMetrics[] = [];
  for (let t = 0; t < 3; t++) {
    const f = e.step();
    expect(f.host.dom0CpuUtil).toBe(1);
    if (service) expect(f.vps[0].backlog).toBeGreaterThan(0);
    else expect(f.vps[0].backlog).toBe(0);
    expect(f.vps[0].diskDemandIops).toBe(30_960);
    out.push(f.vps[1]);
  }
  return out;
}

describe('idle disk capacity for draining backlogs, para', () => {
  it('goes to no guest whose blkback Dom0 holds: its neighbour drains as beside a storm with no backlog', () => {
    const alone = drain(false),
      beside = drain(true);
    // The web drains a backlog on the disk beyond its 1 000 ops a second throughout.
    for (const m of alone) {
      expect(m.backlog).toBeGreaterThan(0);
      expect(m.diskServedIops).toBeGreaterThan(1000);
    }
    // Every figure the same, to rounding (the storming guest's own CPU is summed in another order).
    beside.forEach((m, t) => {
      for (const [key, value] of Object.entries(alone[t])) {
        const got = m[key as keyof VpsMetrics];
        if (typeof value === 'number' && typeof got === 'number')
          expect(got, `${key} at ${t}`).toBeCloseTo(value, 9);
        else expect(got, `${key} at ${t}`).toEqual(value);
      }
    });
  });
});
