/**
 * The Dom0 stage's queueing wait with a backlog draining through Dom0 (model spec §5, §7, para): the
 * drained ops occupy Dom0's vCPU in the same tick as everyone's own, so every request passing Dom0
 * waits at the utilization they make together, the one the frame reports as `dom0CpuUtil`.
 */
import { describe, expect, it } from 'vitest';
import type { Scenario, VpsSpec } from '../../../shared/commands.js';
import type { Frame, VpsMetrics } from '../../../shared/model.js';
import { createEngine, DEFAULT_PARAMS as K } from '../../../server/sim/index.js';
import { sojourn } from '../../../server/sim/stagewait.js';

/** A web that asks its disk for 1 600 ops a second (8 000 where it queues a backlog). */
const web: VpsSpec = {
  id: 'web-1',
  vcpus: 2,
  ramGiB: 2,
  diskIops: 8000,
  netMbps: 1000,
  sensitivity: 0,
  load: { cpu: 0.05, mem: 0, disk: 0.2, net: 0 },
};

/** A neighbour on the network only: its disk and Dom0 share nothing with the web's but Dom0's vCPU. */
const neighbour: VpsSpec = {
  id: 'net-1',
  vcpus: 1,
  ramGiB: 1,
  diskIops: 100,
  netMbps: 200,
  sensitivity: 0,
  load: { cpu: 0.05, mem: 0, disk: 0, net: 0.5 },
};

/** A steady guest keeping 4 000 disk ops a second going through Dom0. */
const steady: VpsSpec = {
  id: 'db-1',
  vcpus: 1,
  ramGiB: 1,
  diskIops: 4000,
  netMbps: 100,
  sensitivity: 0,
  load: { cpu: 0.05, mem: 0, disk: 1, net: 0 },
};

/** A request's time outside the scheduler's wait: its stages (Dom0's among them) and the link's round trip. */
function stagesMs(v: VpsMetrics): number {
  return v.latencyMeanMs - v.schedWaitMs;
}

function neighbourOf(f: Frame): VpsMetrics {
  return f.vps.find((v) => v.id === 'net-1')!;
}

/** Frames before the web queues a backlog, the first ticks of its drain, and after it drained. */
function run(): { before: Frame; draining: Frame[]; after: Frame } {
  const s: Scenario = {
    name: 'Dom0 wait while a backlog drains',
    seed: 1,
    mode: 'para',
    host: { cores: 16, ramGiB: 64, diskIops: 100_000, netMbps: 10_000 },
    vps: [steady, neighbour, web],
  };
  const e = createEngine(s);
  e.advance(10);
  const before = e.step();
  e.apply({ type: 'setLoad', vps: 'web-1', load: { disk: 4 } });
  e.advance(30);
  e.apply({ type: 'setLoad', vps: 'web-1', load: { disk: 0.2 } });
  const draining = [e.step(), e.step()];
  e.advance(200);
  const after = e.step();
  return { before, draining, after };
}

describe("the Dom0 stage's wait while a backlog drains through Dom0, para", () => {
  it('is the wait at the utilization the drained ops make with everyone else, in the same tick', () => {
    const { before, draining, after } = run();
    // Before and after the drain: no backlog, Dom0 busy with everyone's own work alone.
    for (const f of [before, after]) expect(f.vps.every((v) => v.backlog === 0)).toBe(true);
    expect(after.host.dom0CpuUtil).toBeCloseTo(before.host.dom0CpuUtil, 12);
    expect(stagesMs(neighbourOf(after))).toBeCloseTo(stagesMs(neighbourOf(before)), 12);
    const quiet = before.host.dom0CpuUtil;
    for (const f of draining) {
      const w = f.vps.find((v) => v.id === 'web-1')!;
      // The web drains (beyond its 1 600 ops a second), and Dom0 carries it below its one vCPU.
      expect(w.backlog).toBeGreaterThan(0);
      expect(w.diskServedIops).toBeGreaterThan(4000);
      const busy = f.host.dom0CpuUtil;
      expect(busy).toBeGreaterThan(quiet + 0.1);
      expect(busy).toBeLessThan(1);
      // The neighbour's requests wait in Dom0 at that utilization: only its Dom0 stage moved.
      const more = K.dom0StageMs * (sojourn(busy, K.stageSlots) - sojourn(quiet, K.stageSlots));
      expect(more).toBeGreaterThan(0);
      const moved = stagesMs(neighbourOf(f)) - stagesMs(neighbourOf(before));
      expect(moved).toBeCloseTo(more, 9);
    }
  });

  it('is the same alone: a drainer alone on the host reads no degradation from its own backlog', () => {
    const s: Scenario = {
      name: 'a drain alone',
      seed: 1,
      mode: 'para',
      host: { cores: 16, ramGiB: 64, diskIops: 100_000, netMbps: 10_000 },
      vps: [web],
    };
    const e = createEngine(s);
    e.advance(10);
    const quiet = e.step().host.dom0CpuUtil;
    e.apply({ type: 'setLoad', vps: 'web-1', load: { disk: 4 } });
    e.advance(30);
    e.apply({ type: 'setLoad', vps: 'web-1', load: { disk: 0.2 } });
    for (let t = 0; t < 2; t++) {
      const f = e.step();
      const w = f.vps[0];
      expect(w.backlog).toBeGreaterThan(0);
      expect(f.host.dom0CpuUtil).toBeGreaterThan(quiet + 0.1);
      expect(w.degradation).toBeLessThan(1e-9);
    }
  });
});
