/**
 * What a drained backlog costs Dom0 (model spec §5, para): every disk op a guest is served passes
 * its blkback in Dom0 and costs Dom0 CPU, the ops of a draining backlog as much as any other, and
 * Dom0's CPU is split max-min among the backends: the services draining together share what Dom0
 * has left, and none drains beyond it at the cost of a backend that is not above the fair level.
 */
import { describe, expect, it } from 'vitest';
import type { Scenario, VpsSpec } from '../../../shared/commands.js';
import { createEngine, DEFAULT_PARAMS as K } from '../../../server/sim/index.js';
import { KD, dom0DiskWork, drain as drainIn, steady, web } from './drainGuests.js';

const drain = (draining: string[], others: VpsSpec[], ticks: number) =>
  drainIn('para', draining, others, ticks);

describe('a drained backlog through Dom0, para', () => {
  it("is counted in Dom0's CPU: Dom0 works for every op the disk serves, the drained ones too", () => {
    const frames = drain(['web-1'], [steady('db-1', 4000)], 2);
    for (const f of frames) {
      const w = f.vps.find((v) => v.id === 'web-1')!;
      // It drains (its disk serves it beyond its 1 600 ops a second) and Dom0 keeps up.
      expect(w.backlog).toBeGreaterThan(0);
      expect(w.diskServedIops).toBeGreaterThan(2000);
      expect(f.host.dom0CpuUtil).toBeLessThan(1);
      expect(f.host.dom0CpuUtil * K.dom0Vcpus).toBeCloseTo(dom0DiskWork(f), 9);
    }
  });

  it("is shared among the services draining together: never more than Dom0's spare, where no backend is above the fair level", () => {
    // Eight guests of 2 500 ops a second each (0.1 core of Dom0's 1 apiece) and two webs at 1 600:
    // 0.928 core, 0.072 spare. Ten backends: the fair level is 0.1 core, which no neighbour exceeds.
    const others = Array.from({ length: 8 }, (_, i) => steady(`db-${i + 1}`, 2500));
    const frames = drain(['web-1', 'web-2'], others, 5);
    for (const f of frames) {
      const webs = f.vps.filter((v) => v.id.startsWith('web-'));
      for (const w of webs) expect(w.backlog).toBeGreaterThan(0);
      // Each neighbour keeps all its ops: a drain takes nothing from a backend at or under the level.
      for (const v of f.vps.filter((x) => x.id.startsWith('db-')))
        expect(v.diskServedIops).toBeCloseTo(2500, 6);
      const base = 8 * 2500 * KD + 2 * 1600 * KD;
      const spare = K.dom0Vcpus - base;
      const drained = webs.reduce((sum, w) => sum + (w.diskServedIops - 1600) * KD, 0);
      expect(drained).toBeGreaterThan(0);
      expect(drained).toBeLessThanOrEqual(spare * (1 + 1e-9));
      // The two drain alike, and Dom0 works for all it serves, within its one vCPU.
      expect(webs[0].diskServedIops).toBeCloseTo(webs[1].diskServedIops, 6);
      expect(f.host.dom0CpuUtil).toBeLessThanOrEqual(1);
      expect(f.host.dom0CpuUtil * K.dom0Vcpus).toBeCloseTo(dom0DiskWork(f), 9);
    }
  });

  it('beside a storm that fills Dom0 is taken from the storm: Dom0 works for all it serves, at most its vCPU', () => {
    // A storm asking 30 720 ops a second of Dom0's 25 000; the web under the fair level drains.
    const storm: VpsSpec = { ...steady('storm-1', 1536), load: { cpu: 0.05, mem: 0, disk: 0, net: 0 } };
    const s: Scenario = {
      name: 'drain beside a storm',
      seed: 1,
      mode: 'para',
      host: { cores: 16, ramGiB: 64, diskIops: 100_000, netMbps: 10_000 },
      vps: [storm, web('web-1')],
    };
    const e = createEngine(s);
    e.apply({ type: 'startFault', vps: 'storm-1', fault: 'io_storm' });
    e.apply({ type: 'setLoad', vps: 'web-1', load: { disk: 4 } });
    e.advance(30);
    e.apply({ type: 'setLoad', vps: 'web-1', load: { disk: 0.2 } });
    const f = e.step();
    const [st, w] = f.vps;
    expect(w.diskServedIops).toBeGreaterThan(2000);
    // What Dom0 left the storm beside the web's 1 600 ops, less what the web drained.
    expect(st.diskServedIops).toBeLessThan(K.dom0Vcpus / KD - 1600);
    expect(f.host.dom0CpuUtil).toBe(1);
    expect(dom0DiskWork(f)).toBeCloseTo(K.dom0Vcpus, 9);
  });
});
