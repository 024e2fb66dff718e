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
  const acc = new Map<string, Acc>();
  const add = (key: string, b: number, x: number) => {
    if (!Number.isFinite(x)) return;
    let a = acc.get(key);
    if (!a) {
      a = {
        min: new Float64Array(buckets).fill(Infinity),
        max: new Float64Array(buckets).fill(-Infinity),
        sum: new Float64Array(buckets),
        n: new Uint32Array(buckets),
      };
      acc.set(key, a);
    }
    if (x < a.min[b]) a.min[b] = x;
    if (x > a.max[b]) a.max[b] = x;
    a.sum[b] += x;
    a.n[b]++;
  };
  history.forEach(fromTick, toTick, engine, (tick, ids, values) => {
    const b = Math.floor((tick - first) / bucketTicks);
    for (const m of hostIdx) add(`h\u0000${HOST_METRICS[m]}`, b, values[1 + m]);
    const n = ids.length;
    for (let v = 0; v < n; v++)
      for (const m of vpsIdx) add(`v\u0000${ids[v]}\u0000${VPS_METRICS[m]}`, b, values[1 + H + m * n + v]);
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
