/**
 * Chart history outside Svelte's reactivity: fixed-capacity rings in typed arrays, one time column
 * shared by every series of a frame stream, one value column per (VPS, metric).
 * Appending never allocates once a column exists; the oldest sample falls off when full.
 */
import type { Frame, VpsMetricName } from '../../../shared/model.js';

/** 15 minutes at 10 Hz. */
export const SERIES_CAPACITY = 9000;

/** The per-VPS metrics the charts draw. */
export const CHART_METRICS = [
  'latencyP99Ms',
  'throughputRps',
  'demandRps',
  'cpuSteal',
  'cpuThrottled',
  'health',
] as const satisfies readonly VpsMetricName[];
export type ChartMetric = (typeof CHART_METRICS)[number];

/** One plotted point; objects are pooled and rewritten, never reallocated per frame. */
export interface Point {
  x: number;
  y: number;
}

/** All series of one frame stream (one mode of a lab), aligned on a shared time ring. */
export class SeriesTable {
  readonly capacity: number;
  private readonly ticks: Float64Array;
  private readonly times: Float64Array;
  private readonly cols = new Map<string, Float32Array>();
  private readonly order: string[] = [];
  private head = 0;
  private len = 0;
  /** Tick of the newest sample, -1 when empty. */
  lastTick = -1;

  constructor(capacity = SERIES_CAPACITY) {
    this.capacity = capacity;
    this.ticks = new Float64Array(capacity);
    this.times = new Float64Array(capacity);
  }

  get length(): number {
    return this.len;
  }

  /** VPS ids that have a column, in the order they first appeared. */
  vpsIds(): readonly string[] {
    return this.order;
  }

  clear(): void {
    this.head = 0;
    this.len = 0;
    this.lastTick = -1;
    this.cols.clear();
    this.order.length = 0;
  }

  /** Append one frame. Returns false (and keeps nothing) when its tick is not newer than the last. */
  append(frame: Frame): boolean {
    if (frame.tick <= this.lastTick) return false;
    const cap = this.capacity;
    const slot = (this.head + this.len) % cap;
    if (this.len < cap) this.len++;
    else this.head = (this.head + 1) % cap;
    this.ticks[slot] = frame.tick;
    this.times[slot] = frame.t;
    this.lastTick = frame.tick;
    const seen = new Set<string>();
    for (const v of frame.vps) {
      seen.add(v.id);
      for (const m of CHART_METRICS) this.columnFor(v.id, m)[slot] = v[m];
    }
    if (seen.size !== this.order.length) {
      for (const id of this.order) {
        if (seen.has(id)) continue;
        for (const m of CHART_METRICS) this.cols.get(key(id, m))![slot] = NaN;
      }
    }
    return true;
  }

  private columnFor(id: string, metric: ChartMetric): Float32Array {
    let col = this.cols.get(key(id, metric));
    if (!col) {
      if (!this.order.includes(id)) this.order.push(id);
      for (const m of CHART_METRICS) this.cols.set(key(id, m), new Float32Array(this.capacity).fill(NaN));
      col = this.cols.get(key(id, metric))!;
    }
    return col;
  }

  /** Physical index of logical sample i (0 = oldest). */
  private phys(i: number): number {
    return (this.head + i) % this.capacity;
  }

  timeAt(i: number): number {
    return this.times[this.phys(i)];
  }

  tickAt(i: number): number {
    return this.ticks[this.phys(i)];
  }

  valueAt(vps: string, metric: ChartMetric, i: number): number {
    const col = this.cols.get(key(vps, metric));
    return col ? col[this.phys(i)] : NaN;
  }

  /** Newest value of a series (NaN when absent). */
  latest(vps: string, metric: ChartMetric): number {
    return this.len ? this.valueAt(vps, metric, this.len - 1) : NaN;
  }

  firstTime(): number {
    return this.len ? this.timeAt(0) : NaN;
  }

  lastTime(): number {
    return this.len ? this.timeAt(this.len - 1) : NaN;
  }

  /** Logical index of the first sample with time ≥ t (length when none). */
  lowerBound(t: number): number {
    let lo = 0;
    let hi = this.len;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.timeAt(mid) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Logical index of the first sample with time > t (length when none). */
  upperBound(t: number): number {
    let lo = 0;
    let hi = this.len;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.timeAt(mid) <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Logical index of the sample nearest to t (-1 when empty). */
  nearest(t: number): number {
    if (!this.len) return -1;
    const i = this.lowerBound(t);
    if (i >= this.len) return this.len - 1;
    if (i === 0) return 0;
    return t - this.timeAt(i - 1) <= this.timeAt(i) - t ? i - 1 : i;
  }

  /** A copy of one series as plain numbers (for tests and the debug hook). */
  toArray(vps: string, metric: ChartMetric): { t: number[]; v: number[] } {
    const t: number[] = [];
    const v: number[] = [];
    for (let i = 0; i < this.len; i++) {
      t.push(this.timeAt(i));
      v.push(this.valueAt(vps, metric, i));
    }
    return { t, v };
  }
}

function key(id: string, metric: string): string {
  return `${id}\u0000${metric}`;
}

/** A growable pool of points whose objects are reused between redraws. */
export class PointBuffer {
  private readonly pool: Point[] = [];
  /** What chart.js draws: exactly `count` pooled points, the same array object every time. */
  readonly data: Point[] = [];
  count = 0;

  reset(): void {
    this.count = 0;
  }

  push(x: number, y: number): void {
    let p = this.pool[this.count];
    if (!p) {
      p = { x, y };
      this.pool.push(p);
    } else {
      p.x = x;
      p.y = y;
    }
    this.data[this.count] = p;
    this.count++;
  }

  /** Trim `data` to the points pushed since the last reset and return it. */
  view(): Point[] {
    if (this.data.length !== this.count) this.data.length = this.count;
    return this.data;
  }
}

/**
 * Min/max envelope of one series over [t0, t1] into at most ~2 points per pixel column.
 * Windows with few samples are copied as they are. A column with only missing values (a VPS
 * that was not there) emits one NaN so the line breaks instead of bridging the gap.
 * `map` transforms each value (unit change, log floor) before min/max.
 */
export function envelope(
  table: SeriesTable,
  vps: string,
  metric: ChartMetric,
  t0: number,
  t1: number,
  columns: number,
  out: PointBuffer,
  map: (v: number) => number = identity,
): void {
  out.reset();
  const n = table.length;
  if (!n || !(t1 > t0)) {
    out.view();
    return;
  }
  // One sample either side so lines reach the chart edges.
  const start = Math.max(0, table.lowerBound(t0) - 1);
  const endEx = Math.min(n, table.upperBound(t1) + 1);
  const count = endEx - start;
  if (count <= 0) {
    out.view();
    return;
  }
  if (count <= columns * 2) {
    for (let i = start; i < endEx; i++) out.push(table.timeAt(i), map(table.valueAt(vps, metric, i)));
    out.view();
    return;
  }
  const width = (t1 - t0) / columns;
  let bucket = Math.floor((table.timeAt(start) - t0) / width);
  let minI = -1;
  let maxI = -1;
  let minV = Infinity;
  let maxV = -Infinity;
  let anyNaN = false;
  let firstI = start;
  const flush = (): void => {
    if (minI < 0) {
      if (anyNaN) out.push(table.timeAt(firstI), NaN);
    } else if (minI === maxI) {
      out.push(table.timeAt(minI), minV);
    } else if (minI < maxI) {
      out.push(table.timeAt(minI), minV);
      out.push(table.timeAt(maxI), maxV);
    } else {
      out.push(table.timeAt(maxI), maxV);
      out.push(table.timeAt(minI), minV);
    }
    minI = maxI = -1;
    minV = Infinity;
    maxV = -Infinity;
    anyNaN = false;
  };
  for (let i = start; i < endEx; i++) {
    const t = table.timeAt(i);
    const b = Math.floor((t - t0) / width);
    if (b !== bucket) {
      flush();
      bucket = b;
      firstI = i;
    }
    const v = map(table.valueAt(vps, metric, i));
    if (Number.isNaN(v)) {
      anyNaN = true;
      continue;
    }
    if (v < minV) {
      minV = v;
      minI = i;
    }
    if (v > maxV) {
      maxV = v;
      maxI = i;
    }
  }
  flush();
  out.view();
}

function identity(v: number): number {
  return v;
}
