/**
 * The shared kernel's journal with a backlog draining on the disk (model spec §5, §7, containers):
 * a drained request writes as any other, so its durable writes dirty the host's pool in the same
 * tick as everyone's own, and every durable write waits for a commit at the pressure they make
 * together (journal.ts); a drainer alone waits at the pressure its own drain makes.
 */
import { describe, expect, it } from 'vitest';
import type { ModeSpec, Scenario, VpsSpec } from '../../../shared/commands.js';
import type { Frame, VpsMetrics } from '../../../shared/model.js';
import { createEngine, DEFAULT_PARAMS } from '../../../server/sim/index.js';
import { journalWaitMs } from '../../../server/sim/journal.js';
import { resolveMode } from '../../../server/sim/profiles.js';
import { sojourn } from '../../../server/sim/stagewait.js';

const host = { cores: 16, ramGiB: 64, diskIops: 10_000, netMbps: 10_000 };
const noLimits: ModeSpec = { base: 'container', containerLimits: false };

/** A web asking its disk 1 600 ops a second (32 000 where it queues a backlog). */
function web(sloMs = 1000): VpsSpec {
  return {
    id: 'web-1',
    vcpus: 8,
    ramGiB: 2,
    diskIops: 8000,
    netMbps: 8000,
    sensitivity: 0,
    sloMs,
    load: { cpu: 0.05, mem: 0, disk: 0.2, net: 0 },
  };
}

/** A neighbour asking 1 000 disk ops a second, a small part of its plan. */
const neighbour: VpsSpec = {
  id: 'nb-1',
  vcpus: 1,
  ramGiB: 1,
  diskIops: 10_000,
  netMbps: 10_000,
  sensitivity: 0,
  load: { cpu: 0.05, mem: 0, disk: 0.1, net: 0 },
};

function byId(f: Frame, id: string): VpsMetrics {
  return f.vps.find((v) => v.id === id)!;
}

/** Frames before the web queues a backlog and the first ticks of its drain. */
function run(
  vps: VpsSpec[],
  params: Record<string, number>,
  overloadTicks: number,
): { before: Frame; draining: Frame[] } {
  const s: Scenario = { name: 'journal while a backlog drains', seed: 1, mode: noLimits, host, params, vps };
  const e = createEngine(s);
  e.advance(10);
  const before = e.step();
  e.apply({ type: 'setLoad', vps: 'web-1', load: { disk: 4 } });
  e.advance(overloadTicks);
  e.apply({ type: 'setLoad', vps: 'web-1', load: { disk: 0.2 } });
  return { before, draining: [e.step(), e.step()] };
}

describe("the shared kernel's journal while a backlog drains on the disk", () => {
  it.each([
    ['default write share', {}],
    ['write-heavy services', { webWriteShare: 0.8 }],
  ])(
    "%s: a neighbour's durable writes wait at the pressure the drained writes make with everyone's, in the same tick",
    (_, params) => {
      const k = { ...DEFAULT_PARAMS, ...params };
      const profile = resolveMode(noLimits, k);
      const { before, draining } = run([neighbour, web()], params, 30);
      // Every guest is served all it asks (no backlog but the web's): the pool fills with the
      // writing share of every op served, the web's drained ones included.
      const journalAt = (f: Frame): number =>
        journalWaitMs(
          profile,
          k,
          host.diskIops,
          k.webWriteShare * f.vps.reduce((sum, v) => sum + v.diskServedIops, 0),
        );
      const diskMs = (f: Frame): number =>
        k.diskStageMs * sojourn(f.host.diskUtil, k.stageSlots) + k.webWriteShare * journalAt(f);
      expect(byId(before, 'nb-1').diskLatencyMs).toBeCloseTo(diskMs(before), 9);
      for (const f of draining) {
        const w = byId(f, 'web-1');
        expect(w.backlog).toBeGreaterThan(0);
        expect(w.diskServedIops).toBeGreaterThan(2800);
        expect(byId(f, 'nb-1').backlog).toBe(0);
        expect(journalAt(f)).toBeGreaterThan(journalAt(before) * 1.05);
        expect(byId(f, 'nb-1').diskLatencyMs).toBeCloseTo(diskMs(f), 9);
      }
    },
  );

  it('a drainer alone waits for the journal at the pressure of its own drain: its p99 is the isolated one', () => {
    const params = { webWriteShare: 0.8 };
    const { draining } = run([web(300)], params, 2);
    for (const f of draining) {
      const w = f.vps[0];
      expect(w.backlog).toBeGreaterThan(0);
      expect(w.latencyP99Ms).toBeCloseTo(w.latencyP99IsolatedMs, 9);
      expect(w.degradation).toBeLessThan(1e-9);
    }
  });
});
