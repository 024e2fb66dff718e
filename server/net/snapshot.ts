/**
 * What a client gets first on (re)join: the lab's state, its recent history at the live cadence,
 * its log. Read straight from the lab's packed history into the wire's columns, once per tick and
 * shape: clients joining in the same tick (a class opening the page) share one encoding.
 */
import { VPS_METRICS, type VpsMetricName } from '../../shared/model.js';
import type { SnapshotMessage } from '../../shared/protocol.js';
import { ALL_ROWS, type WireHistory } from '../../shared/wire.js';
import type { Lab } from '../lab/lab.js';

/** Snapshot history: at most this many entries, at the live broadcast cadence. */
export const SNAPSHOT_ENTRIES = 600;

export interface SnapshotOptions {
  /** Seconds of simulated time the history covers (default: SNAPSHOT_ENTRIES entries). */
  historyS?: number;
  /** The VPS metrics the columns carry (default: all). */
  metrics?: readonly VpsMetricName[];
}

/** Per lab: the tick the cached encodings are of, and each by shape. */
const caches = new WeakMap<Lab, { last: number; byKey: Map<string, WireHistory> }>();

function cacheOf(lab: Lab, last: number): Map<string, WireHistory> {
  let cache = caches.get(lab);
  if (!cache) lab.onReset(() => caches.delete(lab));
  if (!cache || cache.last !== last) {
    cache = { last, byKey: new Map() };
    caches.set(lab, cache);
  }
  return cache.byKey;
}

/**
 * The snapshot of a lab for a client that may (or may not) steer it, watched by `viewers`: the
 * last `historyS` seconds at the live cadence (at most SNAPSHOT_ENTRIES entries), the log.
 */
export function snapshotOf(
  lab: Lab,
  canControl: boolean,
  viewers: number,
  opts: SnapshotOptions = {},
): SnapshotMessage {
  const stride = lab.ticksPerBroadcast;
  const last = lab.history.lastTick ?? -1;
  const entries =
    opts.historyS === undefined
      ? SNAPSHOT_ENTRIES
      : Math.min(SNAPSHOT_ENTRIES, Math.ceil((opts.historyS * 1000) / (stride * lab.tickMs)) + 1);
  const rows = opts.metrics
    ? [
        0,
        ...[...new Set(opts.metrics.map((m) => VPS_METRICS.indexOf(m) + 1))]
          .filter((k) => k > 0)
          .sort((a, b) => a - b),
      ]
    : ALL_ROWS;
  const key = `${stride}:${entries}:${rows.join(',')}`;
  const cache = cacheOf(lab, last);
  let cached = cache.get(key);
  if (!cached) {
    const from = Math.max(0, last - stride * (entries - 1));
    cached = lab.history.columns(lab.id, from, last, stride, rows);
    cache.set(key, cached);
  }
  const held = lab.holding.reason;
  return {
    lab: lab.id,
    ...(held ? { held } : {}),
    state: { ...lab.state(), viewers },
    historyColumns: cached,
    events: lab.recentEvents(),
    canControl,
  };
}
