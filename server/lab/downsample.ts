/**
 * Long windows of a lab's history for the charts: ticks grouped into at most `points` buckets,
 * each with the min, max and mean of every asked metric (GET /api/labs/:id/history).
 */
import { HOST_METRICS, VPS_METRICS } from '../../shared/model.js';
import type { FrameHistory } from './history.js';

/** One downsampled series: per bucket, the min, max and mean (null where the VPS did not exist). */
export interface Envelope {
  min: (number | null)[];
  max: (number | null)[];
  mean: (number | null)[];
}

export interface Downsampled {
  fromTick: number;
  toTick: number;
  bucketTicks: number;
  /** First tick of each bucket. */
  ticks: number[];
  host: Record<string, Envelope>;
  vps: Record<string, Record<string, Envelope>>;
}

interface Acc {
  min: Float64Array;
  max: Float64Array;
  sum: Float64Array;
  n: Uint32Array;
}

const H = HOST_METRICS.length;

/**
 * Most series points one answer carries (each a bucket's min, max and mean of one metric of one
 * VPS or of the host): about 30 MB of JSON. The dashboard's own request for a lab of 256 VPSs
 * (600 points of 10 metrics) fits; every metric of such a lab at 2 000 points (160 MB) does not.
 */
export const MAX_SERIES_POINTS = 1_500_000;

/** The most points an answer may have for `vps` VPSs, `vpsMetrics` VPS metrics and `hostMetrics` host metrics. */
export function maxPoints(vps: number, vpsMetrics: number, hostMetrics: number): number {
  return Math.floor(MAX_SERIES_POINTS / Math.max(1, vps * vpsMetrics + hostMetrics));
}

/** Adds a finite value `x` to bucket `b` of `a`. */
function accumulate(a: Acc, b: number, x: number): void {
  if (x < a.min[b]) a.min[b] = x;
  if (x > a.max[b]) a.max[b] = x;
  a.sum[b] += x;
  a.n[b]++;
}

/**
 * Downsample ticks [fromTick, toTick] of one engine into at most `points` buckets: min, max and
 * mean per bucket, for the named metrics (host metrics go to `host`, VPS metrics per VPS).
 */
export function downsample(
  history: FrameHistory,
  fromTick: number,
  toTick: number,
  points: number,
  metrics: readonly string[],
  engine = 0,
): Downsampled {
  const kept = history.span(fromTick, toTick);
  const first = kept ? kept.first : fromTick;
  const last = kept ? kept.last : fromTick;
  const span = last - first + 1;
  const bucketTicks = Math.max(1, Math.ceil(span / Math.max(1, points)));
  const buckets = kept ? Math.ceil(span / bucketTicks) : 0;
  const hostIdx = metrics.map((m) => HOST_METRICS.indexOf(m as never)).filter((i) => i >= 0);
  const vpsIdx = metrics.map((m) => VPS_METRICS.indexOf(m as never)).filter((i) => i >= 0);
  const ticks = Array.from({ length: buckets }, (_, b) => first + b * bucketTicks);
  // Each series' accumulator, made at its first finite value (so a series that has none is not
  // in the answer) and kept in the order series first had one.
  const acc = new Map<string, Acc>();
  const make = (key: string): Acc => {
    const a: Acc = {
      min: new Float64Array(buckets).fill(Infinity),
      max: new Float64Array(buckets).fill(-Infinity),
      sum: new Float64Array(buckets),
      n: new Uint32Array(buckets),
    };
    acc.set(key, a);
    return a;
  };
  const hostKeys = hostIdx.map((m) => `h\u0000${HOST_METRICS[m]}`);
  const hostSlots: (Acc | undefined)[] = hostIdx.map(() => undefined);
  const M = vpsIdx.length;
  // The keys and accumulators of one tick's VPSs, metric-major (slot m·n + v), worked out once for
  // each list of ids (the history shares one list across the ticks a VPS set lasts) rather than a
  // key built and looked up for every value.
  let slotIds: readonly string[] | undefined;
  let vpsKeys: string[] = [];
  let vpsSlots: (Acc | undefined)[] = [];
  history.forEach(fromTick, toTick, engine, (tick, ids, values) => {
    const b = Math.floor((tick - first) / bucketTicks);
    for (let k = 0; k < hostIdx.length; k++) {
      const x = values[1 + hostIdx[k]];
      if (!Number.isFinite(x)) continue;
      const a = (hostSlots[k] ??= make(hostKeys[k]));
      accumulate(a, b, x);
    }
    const n = ids.length;
    if (ids !== slotIds) {
      slotIds = ids;
      vpsKeys = new Array<string>(M * n);
      vpsSlots = new Array<Acc | undefined>(M * n);
      for (let k = 0; k < M; k++)
        for (let v = 0; v < n; v++) {
          const key = `v\u0000${ids[v]}\u0000${VPS_METRICS[vpsIdx[k]]}`;
          vpsKeys[k * n + v] = key;
          vpsSlots[k * n + v] = acc.get(key);
        }
    }
    // (VPS-major, as the series first appear: a VPS's metrics before the next VPS's.)
    for (let v = 0; v < n; v++)
      for (let k = 0; k < M; k++) {
        const x = values[1 + H + vpsIdx[k] * n + v];
        if (!Number.isFinite(x)) continue;
        const slot = k * n + v;
        const a = (vpsSlots[slot] ??= make(vpsKeys[slot]));
        accumulate(a, b, x);
      }
  });
  const env = (a: Acc): Envelope => ({
    min: Array.from(a.min, (x, b) => (a.n[b] ? x : null)),
    max: Array.from(a.max, (x, b) => (a.n[b] ? x : null)),
    mean: Array.from(a.sum, (x, b) => (a.n[b] ? x / a.n[b] : null)),
  });
  // Null-prototype objects: a VPS named "constructor" or "toString" is a key like any other.
  const host = Object.create(null) as Record<string, Envelope>;
  const vps = Object.create(null) as Record<string, Record<string, Envelope>>;
  for (const [key, a] of acc) {
    const parts = key.split('\u0000');
    if (parts[0] === 'h') host[parts[1]] = env(a);
    else (vps[parts[1]] ??= Object.create(null) as Record<string, Envelope>)[parts[2]] = env(a);
  }
  return { fromTick: first, toTick: last, bucketTicks, ticks, host, vps };
}
