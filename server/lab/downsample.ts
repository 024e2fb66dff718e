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

/** Adds a finite value `x` to bucket `b` of `a`. */
function accumulate(a: Acc, b: number, x: number): void {
  if (x < a.min[b]) a.min[b] = x;
  if (x > a.max[b]) a.max[b] = x;
  a.sum[b] += x;
  a.n[b]++;
}

/** One series' sums per bucket, as accumulated (see `envelope` for its answer). */
export type SeriesSums = Acc;

/** The min, max and mean of each bucket of a series (null where it had no value). */
export function envelope(a: SeriesSums): Envelope {
  return {
    min: Array.from(a.min, (x, b) => (a.n[b] ? x : null)),
    max: Array.from(a.max, (x, b) => (a.n[b] ? x : null)),
    mean: Array.from(a.sum, (x, b) => (a.n[b] ? x / a.n[b] : null)),
  };
}

/**
 * The buckets of a range of ticks, filled one tick at a time (`add`, oldest first), so a long
 * range may be read in pieces: the first and last tick kept in the range (`span`, null when none
 * is) fix the buckets from the start.
 */
export class Downsampler {
  readonly first: number;
  readonly last: number;
  readonly bucketTicks: number;
  /** First tick of each bucket. */
  readonly ticks: number[];
  private readonly buckets: number;
  private readonly hostIdx: number[];
  private readonly vpsIdx: number[];
  // Each series' accumulator, made at its first finite value (so a series that has none is not
  // in the answer) and kept in the order series first had one.
  private readonly acc = new Map<string, Acc>();
  private readonly hostKeys: string[];
  private readonly hostSlots: (Acc | undefined)[];
  // The keys and accumulators of one tick's VPSs, metric-major (slot m·n + v), worked out once for
  // each list of ids (the history shares one list across the ticks a VPS set lasts) rather than a
  // key built and looked up for every value.
  private slotIds: readonly string[] | undefined;
  private vpsKeys: string[] = [];
  private vpsSlots: (Acc | undefined)[] = [];

  constructor(
    span: { first: number; last: number } | null,
    fromTick: number,
    points: number,
    metrics: readonly string[],
  ) {
    this.first = span ? span.first : fromTick;
    this.last = span ? span.last : fromTick;
    const ticks = this.last - this.first + 1;
    this.bucketTicks = Math.max(1, Math.ceil(ticks / Math.max(1, points)));
    this.buckets = span ? Math.ceil(ticks / this.bucketTicks) : 0;
    this.ticks = Array.from({ length: this.buckets }, (_, b) => this.first + b * this.bucketTicks);
    this.hostIdx = metrics.map((m) => HOST_METRICS.indexOf(m as never)).filter((i) => i >= 0);
    this.vpsIdx = metrics.map((m) => VPS_METRICS.indexOf(m as never)).filter((i) => i >= 0);
    this.hostKeys = this.hostIdx.map((m) => `h\u0000${HOST_METRICS[m]}`);
    this.hostSlots = this.hostIdx.map(() => undefined);
  }

  /** Values read from a tick of `vpsCount` VPSs (to size a piece of work). */
  valuesPerTick(vpsCount: number): number {
    return this.hostIdx.length + this.vpsIdx.length * vpsCount;
  }

  private make(key: string): Acc {
    const a: Acc = {
      min: new Float64Array(this.buckets).fill(Infinity),
      max: new Float64Array(this.buckets).fill(-Infinity),
      sum: new Float64Array(this.buckets),
      n: new Uint32Array(this.buckets),
    };
    this.acc.set(key, a);
    return a;
  }

  /** One tick of the range (its VPS ids and packed values, as FrameHistory.forEach gives them). */
  add(tick: number, ids: readonly string[], values: Float64Array): void {
    const { hostIdx, vpsIdx, hostSlots } = this;
    const b = Math.floor((tick - this.first) / this.bucketTicks);
    for (let k = 0; k < hostIdx.length; k++) {
      const x = values[1 + hostIdx[k]];
      if (!Number.isFinite(x)) continue;
      const a = (hostSlots[k] ??= this.make(this.hostKeys[k]));
      accumulate(a, b, x);
    }
    const n = ids.length;
    const M = vpsIdx.length;
    if (ids !== this.slotIds) {
      this.slotIds = ids;
      this.vpsKeys = new Array<string>(M * n);
      this.vpsSlots = new Array<Acc | undefined>(M * n);
      for (let k = 0; k < M; k++)
        for (let v = 0; v < n; v++) {
          const key = `v\u0000${ids[v]}\u0000${VPS_METRICS[vpsIdx[k]]}`;
          this.vpsKeys[k * n + v] = key;
          this.vpsSlots[k * n + v] = this.acc.get(key);
        }
    }
    const { vpsKeys, vpsSlots } = this;
    // (VPS-major, as the series first appear: a VPS's metrics before the next VPS's.)
    for (let v = 0; v < n; v++)
      for (let k = 0; k < M; k++) {
        const x = values[1 + H + vpsIdx[k] * n + v];
        if (!Number.isFinite(x)) continue;
        const slot = k * n + v;
        const a = (vpsSlots[slot] ??= this.make(vpsKeys[slot]));
        accumulate(a, b, x);
      }
  }

  /**
   * The series so far: host metrics by name, VPS metrics by VPS id then name, as objects whose
   * keys run in the order JSON gives them (null-prototype objects: a VPS named "constructor" or
   * "toString" is a key like any other).
   */
  series(): { host: Record<string, SeriesSums>; vps: Record<string, Record<string, SeriesSums>> } {
    const host = Object.create(null) as Record<string, Acc>;
    const vps = Object.create(null) as Record<string, Record<string, Acc>>;
    for (const [key, a] of this.acc) {
      const parts = key.split('\u0000');
      if (parts[0] === 'h') host[parts[1]] = a;
      else (vps[parts[1]] ??= Object.create(null) as Record<string, Acc>)[parts[2]] = a;
    }
    return { host, vps };
  }
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
  const d = new Downsampler(history.span(fromTick, toTick), fromTick, points, metrics);
  history.forEach(fromTick, toTick, engine, (tick, ids, values) => d.add(tick, ids, values));
  const sums = d.series();
  const host = Object.create(null) as Record<string, Envelope>;
  const vps = Object.create(null) as Record<string, Record<string, Envelope>>;
  for (const m in sums.host) host[m] = envelope(sums.host[m]);
  for (const id in sums.vps) {
    const mine = (vps[id] = Object.create(null) as Record<string, Envelope>);
    for (const m in sums.vps[id]) mine[m] = envelope(sums.vps[id][m]);
  }
  return { fromTick: d.first, toTick: d.last, bucketTicks: d.bucketTicks, ticks: d.ticks, host, vps };
}
