/**
 * Who hurts whom at the disk under container limits (model spec §7, pathBlame.ts): a neighbour's
 * disk request that finds a storm's writeback request at the device waits for its rest (the device
 * does not preempt it: the wait at the synchronous load times 1 + the writeback's utilization). That
 * part of its wait is the storms' writeback, so it is blamed on the guests whose writeback it is, in
 * proportion to their part of it, beside the journal's wait (the storms holding the commit) and the
 * synchronous queue (the guests served above an equal share of the device).
 */
import { describe, expect, it } from 'vitest';
import type { Scenario, VpsSpec } from '../../../shared/commands.js';
import type { Frame, VpsMetrics } from '../../../shared/model.js';
import { createEngine, DEFAULT_PARAMS as K } from '../../../server/sim/index.js';
import { journalWaitMs, ownDrainMs } from '../../../server/sim/journal.js';
import { resolveMode } from '../../../server/sim/profiles.js';
import { sojourn } from '../../../server/sim/stagewait.js';

const host = { cores: 16, ramGiB: 64, diskIops: 10_000, netMbps: 10_000 };

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

/** A database keeping 5 000 synchronous disk ops a second going: the device is busy (above 80 %). */
const db: VpsSpec = { ...neighbour, id: 'db-1', load: { ...neighbour.load, disk: 0.5 } };

/** A guest that only storms (no service I/O of its own), held at an io.max of `iops`. */
function stormer(id: string, iops: number): VpsSpec {
  return { ...neighbour, id, diskIops: iops, load: { ...neighbour.load, disk: 0 } };
}

function byId(f: Frame, id: string): VpsMetrics {
  return f.vps.find((v) => v.id === id)!;
}

function diskShare(f: Frame, victim: string, culprit: string): number {
  const e = f.attribution.find((a) => a.victim === victim && a.culprit === culprit && a.resource === 'disk');
  return e ? e.share : 0;
}

describe("who hurts whom at the disk: a storm's writeback, with limits", () => {
  it.each([[[3000]], [[1000, 2000]]])(
    "storms at io.max %j ops/s: the writeback's part of the neighbour's disk wait is blamed on them, by their writeback",
    (caps: number[]) => {
      const storms = caps.map((iops, j) => stormer(`st-${j + 1}`, iops));
      const s: Scenario = {
        name: 'writeback blame',
        seed: 1,
        mode: 'container',
        host,
        vps: [neighbour, db, ...storms],
      };
      const e = createEngine(s);
      e.advance(10);
      for (const st of storms) e.apply({ type: 'startFault', vps: st.id, fault: 'io_storm' });
      e.advance(20);
      const f = e.step();
      const ws = K.webWriteShare;
      const nb = byId(f, 'nb-1');
      const served = storms.map((st) => byId(f, st.id).diskServedIops);
      // Each storm is held at its io.max: all it is served is writeback.
      served.forEach((x, j) => expect(x).toBeCloseTo(caps[j], 6));
      const uAsync = served.reduce((a, b) => a + b, 0) / host.diskIops;
      const uSync = (nb.diskServedIops + byId(f, 'db-1').diskServedIops) / host.diskIops;
      expect(uSync).toBeCloseTo(0.6, 12);
      expect(f.host.diskUtil).toBeGreaterThan(0.8);
      // The neighbour's disk wait: the synchronous queue, the writeback's rest, the journal.
      const sync = K.diskStageMs * sojourn(uSync, K.stageSlots);
      const writeback = sync * uAsync;
      const shared = (nb.diskLatencyMs - sync - writeback) / ws;
      const own = ws * nb.diskServedIops;
      const alone =
        journalWaitMs(resolveMode('container'), K, host.diskIops, own) + ownDrainMs(K, own, 10_000);
      const journal = ws * (shared - alone);
      expect(journal).toBeGreaterThan(0);
      const total = journal + sync + writeback;
      // The database alone is served above an equal share of the device: the synchronous queue is its.
      expect(diskShare(f, 'nb-1', 'db-1')).toBeCloseTo(sync / total, 9);
      // The storms hold the commit (each at its io.max) by what they dirty, the writeback by their part of it.
      const dirty = storms.map((st) => byId(f, st.id).diskDemandIops);
      const allDirty = dirty.reduce((a, b) => a + b, 0);
      for (const [j, st] of storms.entries()) {
        const expected =
          ((journal * dirty[j]) / allDirty + (writeback * served[j]) / (uAsync * host.diskIops)) / total;
        expect(diskShare(f, 'nb-1', st.id)).toBeCloseTo(expected, 9);
      }
    },
  );
});
