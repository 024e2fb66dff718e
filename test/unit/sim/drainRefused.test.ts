/**
 * A drained backlog's work is that of the requests it answers (model spec §5, §7): where the drain
 * makes a stage busier, that stage refuses more of the drained requests (its M/M/1/K loss at the
 * utilization the drain makes), and a refused request does no device or Dom0 work. So a drainer's
 * device work is its throughput times its work per request, and the device and Dom0 utilizations
 * every stage waits at are the ones the frame reports, with only that work in them.
 */
import { describe, expect, it } from 'vitest';
import type { ModeSpec, Scenario, VpsSpec } from '../../../shared/commands.js';
import type { Frame, VpsMetrics } from '../../../shared/model.js';
import { createEngine, DEFAULT_PARAMS as K } from '../../../server/sim/index.js';
import { sojourn } from '../../../server/sim/stagewait.js';
import { dom0DiskWork, drain, steady } from './drainGuests.js';

/** Its disk ops a second at its quiet load (0.2 of its 8 000-op plan). */
const WEB_OPS = 1600;

function byId(f: Frame, id: string): VpsMetrics {
  return f.vps.find((v) => v.id === id)!;
}

/** The disk work a drainer's answered requests do: its throughput times its ops per request. */
function answeredOps(v: VpsMetrics): number {
  return (v.throughputRps * WEB_OPS) / v.demandRps;
}

const web: VpsSpec = {
  id: 'web-1',
  vcpus: 8,
  ramGiB: 2,
  diskIops: 8000,
  netMbps: 8000,
  sensitivity: 0,
  load: { cpu: 0.05, mem: 0, disk: 0.2, net: 0 },
};
const neighbour: VpsSpec = {
  id: 'nb-1',
  vcpus: 1,
  ramGiB: 1,
  diskIops: 10_000,
  netMbps: 10_000,
  sensitivity: 0,
  load: { cpu: 0.05, mem: 0, disk: 0.1, net: 0 },
};

/** A frame before the web queues a backlog and the first ticks of its drain on a 10 000-IOPS disk. */
function run(mode: ModeSpec, vps = [neighbour, web]): { before: Frame; draining: Frame[] } {
  const s: Scenario = {
    name: 'refused drained requests',
    seed: 1,
    mode,
    host: { cores: 16, ramGiB: 64, diskIops: 10_000, netMbps: 10_000 },
    vps,
  };
  const e = createEngine(s);
  e.advance(10);
  const before = e.step();
  e.apply({ type: 'setLoad', vps: 'web-1', load: { disk: 4 } });
  e.advance(30);
  e.apply({ type: 'setLoad', vps: 'web-1', load: { disk: 0.2 } });
  return { before, draining: [e.step(), e.step(), e.step()] };
}

describe('drained requests a busier stage refuses', () => {
  it.each(['container', 'full'] as ModeSpec[])(
    '%s: the disk serves a drainer the work of the requests it answers, and every request waits at that utilization',
    (mode) => {
      const { before, draining } = run(mode);
      const stagesMs = (f: Frame): number => byId(f, 'nb-1').latencyMeanMs - byId(f, 'nb-1').schedWaitMs;
      const diskWait = (f: Frame): number => K.diskStageMs * sojourn(f.host.diskUtil, K.stageSlots);
      for (const f of draining) {
        const w = byId(f, 'web-1');
        expect(w.backlog).toBeGreaterThan(0);
        expect(w.diskServedIops).toBeGreaterThan(2 * WEB_OPS);
        expect(w.diskServedIops / answeredOps(w)).toBeCloseTo(1, 12);
        expect(f.host.diskUtil).toBeCloseTo(f.vps.reduce((sum, v) => sum + v.diskServedIops, 0) / 10_000, 12);
        expect(stagesMs(f) - stagesMs(before)).toBeCloseTo(diskWait(f) - diskWait(before), 9);
      }
    },
  );

  it.each(['container', 'full'] as ModeSpec[])(
    '%s: a drainer alone drains the work of the requests it answers alone: its p99 is the isolated one',
    (mode) => {
      for (const f of run(mode, [web]).draining) {
        const w = f.vps[0];
        expect(w.backlog).toBeGreaterThan(0);
        expect(w.diskServedIops / answeredOps(w)).toBeCloseTo(1, 12);
        expect(w.latencyP99Ms).toBeCloseTo(w.latencyP99IsolatedMs, 9);
      }
    },
  );

  it('para: Dom0 works for the drained requests the busier Dom0 answers, and its stage waits at that utilization', () => {
    // A steady guest keeping Dom0's one vCPU 48 % busy, under the fair level: the drain fills
    // most of the rest, and Dom0's stage, nearly full, refuses a share of the drained requests.
    const frames = drain('para', ['web-1'], [steady('db-1', 12_000)], 3);
    for (const f of frames) {
      const w = byId(f, 'web-1');
      expect(w.backlog).toBeGreaterThan(0);
      expect(w.diskServedIops).toBeGreaterThan(2 * WEB_OPS);
      expect(f.host.dom0CpuUtil).toBeGreaterThan(0.95);
      expect(f.host.dom0CpuUtil).toBeLessThan(1);
      expect(w.diskServedIops / answeredOps(w)).toBeCloseTo(1, 12);
      expect(f.host.dom0CpuUtil * K.dom0Vcpus).toBeCloseTo(dom0DiskWork(f), 9);
    }
  });
});
