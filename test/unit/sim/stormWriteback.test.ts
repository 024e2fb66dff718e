/**
 * A storm's writeback at the device under container limits (model spec §5, journal.ts): the kernel's
 * I/O schedulers serve it after synchronous requests, so it does not queue ahead of a neighbour's
 * request, but the device does not preempt a request it is serving: a synchronous request that
 * arrives while a writeback request is at the device waits for the rest of it (a non-preemptive
 * priority queue, Cobham's formula: the wait at the synchronous load, times 1 + the writeback's
 * utilization). Alone, a guest has no storm beside it, and its isolated figures do not move.
 */
import { describe, expect, it } from 'vitest';
import type { ModeSpec, Scenario, VpsSpec } from '../../../shared/commands.js';
import type { Frame, VpsMetrics } from '../../../shared/model.js';
import { createEngine, DEFAULT_PARAMS as K } from '../../../server/sim/index.js';
import { journalWaitMs } from '../../../server/sim/journal.js';
import { resolveMode } from '../../../server/sim/profiles.js';
import { sojourn } from '../../../server/sim/stagewait.js';

const host = { cores: 16, ramGiB: 64, diskIops: 10_000, netMbps: 10_000 };
const limits: ModeSpec = 'container';

/** A neighbour asking 1 000 disk ops a second, a tenth of its io.max. */
const neighbour: VpsSpec = {
  id: 'nb-1',
  vcpus: 2,
  ramGiB: 1,
  diskIops: 10_000,
  netMbps: 1000,
  sensitivity: 0,
  load: { cpu: 0.05, mem: 0, disk: 0.1, net: 0 },
};

/** A database keeping 3 000 synchronous disk ops a second going: the device, not the neighbour's own share, sets its wait. */
const db: VpsSpec = { ...neighbour, id: 'db-1', load: { ...neighbour.load, disk: 0.3 } };

/** A guest that only storms (no service I/O of its own), held at an io.max of `iops`. */
function stormer(iops: number): VpsSpec {
  return {
    id: 'st-1',
    vcpus: 2,
    ramGiB: 1,
    diskIops: iops,
    netMbps: 1000,
    sensitivity: 0,
    load: { cpu: 0.05, mem: 0, disk: 0, net: 0 },
  };
}

function byId(f: Frame, id: string): VpsMetrics {
  return f.vps.find((v) => v.id === id)!;
}

/**
 * A frame before the storm and one with it running; then the neighbour's load moves (so its
 * isolated figures are worked out again), with the storm running and in a run without it.
 */
function run(iops: number): { calm: Frame; storm: Frame; moved: Frame; movedCalm: Frame } {
  const s: Scenario = {
    name: 'storm writeback',
    seed: 1,
    mode: limits,
    host,
    vps: [neighbour, db, stormer(iops)],
  };
  const e = createEngine(s);
  const c = createEngine(s);
  e.advance(10);
  c.advance(10);
  const calm = e.step();
  e.apply({ type: 'startFault', vps: 'st-1', fault: 'io_storm' });
  e.advance(20);
  c.advance(21);
  const storm = e.step();
  c.step();
  for (const x of [e, c]) x.apply({ type: 'setLoad', vps: 'nb-1', load: { disk: 0.12 } });
  return { calm, storm, moved: e.step(), movedCalm: c.step() };
}

describe("a storm's writeback at the device, with limits", () => {
  it.each([1000, 2000, 4000])(
    "io.max %i ops/s: a neighbour's request waits at the synchronous load, times 1 + the writeback's utilization",
    (iops) => {
      const { calm, storm, moved, movedCalm } = run(iops);
      const profile = resolveMode(limits);
      const ws = K.webWriteShare;
      // Its journal part: a commit's own work and (the storm at its io.max) the chunk in flight.
      const journal = ws * journalWaitMs(profile, K, host.diskIops, 1);
      const nb = byId(storm, 'nb-1');
      const st = byId(storm, 'st-1');
      // The storm is held at its io.max: all it is served is writeback.
      expect(st.diskServedIops).toBeCloseTo(iops, 6);
      const uAsync = st.diskServedIops / host.diskIops;
      const uSync = (nb.diskServedIops + byId(storm, 'db-1').diskServedIops) / host.diskIops;
      expect(uSync).toBeCloseTo(0.4, 12);
      expect(storm.host.diskUtil).toBeCloseTo(uAsync + uSync, 12);
      const device = K.diskStageMs * sojourn(uSync, K.stageSlots);
      expect(nb.diskLatencyMs).toBeCloseTo(
        device * (1 + uAsync) + journal + ws * 1000 * K.writebackChunkS,
        9,
      );
      expect(nb.diskLatencyMs - byId(calm, 'nb-1').diskLatencyMs).toBeGreaterThan(
        ws * 1000 * K.writebackChunkS + device * uAsync * 0.99,
      );
      // Alone it has no storm beside it.
      expect(nb.latencyP99IsolatedMs).toBe(byId(calm, 'nb-1').latencyP99IsolatedMs);
      const iso = byId(moved, 'nb-1').latencyP99IsolatedMs;
      expect(iso).not.toBe(nb.latencyP99IsolatedMs);
      expect(iso).toBe(byId(movedCalm, 'nb-1').latencyP99IsolatedMs);
    },
  );
});
