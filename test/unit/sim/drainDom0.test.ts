/**
 * Idle disk capacity shared among the services draining a backlog (drainsplit.ts) under para, where
 * Dom0's CPU is split max-min among the guests' backends (model spec §5): a guest whose blkback Dom0
 * holds below its work cannot drain any faster for idle on the disk, so it takes none of it, and a
 * neighbour draining beside it gets what it leaves, as if that guest had no backlog at all.
 */
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../../shared/commands.js';
import type { Frame, VpsMetrics } from '../../../shared/model.js';
import { createEngine } from '../../../server/sim/index.js';

/**
 * An io_storm saturating Dom0's one vCPU (30 720 ops a second of its 25 000) beside a web that
 * queues a backlog while it asks its disk for four times its plan (Dom0 holds it too), then drains
 * it on the idle disk. `service`: the storming guest also runs a service on its disk (240 ops a
 * second, a backlog of its own, its blkback held with the storm), else none, its storm asking the
 * same 30 960 ops in all. The storm's requests are small ones, each op its guest's CPU as a
 * service's (the same ops cost the storming guest the same CPU either way). The frames while the
 * web drains.
 */
function drain(service: boolean): Frame[] {
  const s: Scenario = {
    name: 'drain beside a held blkback',
    seed: 1,
    mode: 'para',
    params: { ioStormRequestOps: 1 },
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
  const out: Frame[] = [];
  for (let t = 0; t < 3; t++) {
    const f = e.step();
    expect(f.host.dom0CpuUtil).toBe(1);
    if (service) expect(f.vps[0].backlog).toBeGreaterThan(0);
    else expect(f.vps[0].backlog).toBe(0);
    expect(f.vps[0].diskDemandIops).toBe(30_960);
    out.push(f);
  }
  return out;
}

/**
 * An io_storm saturating Dom0 beside an app whose netback asks Dom0 for 0.75 core (1 500 Mbit/s) and
 * is held at its fair level, and a web that queues a backlog while it asks its link for four times its
 * plan, then drains it on the link's idle 500 Mbit/s, its netback below the level. `service`: the
 * app's 1 500 Mbit/s are its service's (a backlog of its own, held with its netback), else a flood
 * of the same size beside a service that only computes. The frames while the web drains.
 */
function drainLink(service: boolean): Frame[] {
  const box = (id: string, diskIops: number, netMbps: number, net: number) => ({
    id,
    vcpus: 2,
    ramGiB: 2,
    diskIops,
    netMbps,
    sensitivity: 0,
    load: { cpu: 0.05, mem: 0, disk: 0, net },
  });
  const s: Scenario = {
    name: 'drain beside a held netback',
    seed: 1,
    mode: 'para',
    host: { cores: 8, ramGiB: 32, diskIops: 40_000, netMbps: 2400 },
    vps: [
      box('storm-1', 1536, 1000, 0),
      box('app-1', 1000, 2000, service ? 0.75 : 0),
      box('web-1', 1000, 2000, 0.2),
    ],
  };
  const e = createEngine(s);
  e.advance(10);
  expect(e.apply({ type: 'startFault', vps: 'storm-1', fault: 'io_storm' })).toEqual({ ok: true });
  if (!service)
    expect(e.apply({ type: 'startFault', vps: 'app-1', fault: 'net_flood', rate: 0.625 })).toEqual({
      ok: true,
    });
  e.advance(10);
  e.apply({ type: 'setLoad', vps: 'web-1', load: { net: 4 } });
  e.advance(5);
  e.apply({ type: 'setLoad', vps: 'web-1', load: { net: 0.2 } });
  const out: Frame[] = [];
  for (let t = 0; t < 3; t++) {
    const f = e.step();
    expect(f.host.dom0CpuUtil).toBe(1);
    if (service) expect(f.vps[1].backlog).toBeGreaterThan(0);
    else expect(f.vps[1].backlog).toBe(0);
    expect(f.vps[1].netDemandMbps).toBe(1500);
    expect(f.vps[1].netServedMbps).toBeLessThan(1500);
    out.push(f);
  }
  return out;
}

/** Every figure of `got` as in `want`, to rounding (the neighbour's own CPU is summed in another order). */
function expectSame(got: VpsMetrics[], want: VpsMetrics[]): void {
  got.forEach((m, t) => {
    for (const [key, value] of Object.entries(want[t])) {
      const v = m[key as keyof VpsMetrics];
      if (typeof value === 'number' && typeof v === 'number')
        expect(v, `${key} at ${t}`).toBeCloseTo(value, 9);
      else expect(v, `${key} at ${t}`).toEqual(value);
    }
  });
}

describe('idle device capacity for draining backlogs, para', () => {
  it('goes to no guest whose blkback Dom0 holds: its neighbour drains as beside a storm with no backlog', () => {
    const alone = drain(false),
      beside = drain(true);
    // The web drains a backlog on the disk beyond its 1 000 ops a second throughout.
    for (const f of alone) {
      expect(f.vps[1].backlog).toBeGreaterThan(0);
      expect(f.vps[1].diskServedIops).toBeGreaterThan(1000);
    }
    expectSame(
      beside.map((f) => f.vps[1]),
      alone.map((f) => f.vps[1]),
    );
    // Its backlog drains nothing through the held blkback, which gives Dom0 up to the web's drain
    // as it does with no backlog: the storming guest is served as much, and so is the disk.
    beside.forEach((f, t) => {
      expect(f.vps[0].diskServedIops).toBeCloseTo(alone[t].vps[0].diskServedIops, 9);
      expect(f.host.diskUtil).toBeCloseTo(alone[t].host.diskUtil, 12);
    });
  });

  it('goes to no guest whose netback Dom0 holds: its neighbour drains as beside a flood with no backlog', () => {
    const alone = drainLink(false),
      beside = drainLink(true);
    // The web drains a backlog on the link beyond its 400 Mbit/s throughout.
    for (const f of alone) {
      expect(f.vps[2].backlog).toBeGreaterThan(0);
      expect(f.vps[2].netServedMbps).toBeGreaterThan(400);
    }
    expectSame(
      beside.map((f) => f.vps[2]),
      alone.map((f) => f.vps[2]),
    );
    // The held netback gives Dom0 up to the web's drain as the flood's does: served as much, the link too.
    beside.forEach((f, t) => {
      expect(f.vps[1].netServedMbps).toBeCloseTo(alone[t].vps[1].netServedMbps, 9);
      expect(f.host.netUtil).toBeCloseTo(alone[t].host.netUtil, 12);
    });
  });
});
