/**
 * Chart history outside Svelte's reactivity: fixed-capacity rings in typed arrays, one time column
 * shared by every series of a frame stream, one value column per (VPS, metric).
 * Appending never allocates once a column exists; the oldest sample falls off when full.
 */
import {
  HOST_METRICS,
  VPS_METRICS,
  type Frame,
  type HostMetricName,
  type VpsMetricName,
} from '../../../shared/model.js';
import { countOf, HOST_SCALE, readColumn, VPS_SCALE, type WireHistory } from '../../../shared/wire.js';
import { blockHost, blockVps, type WireBlock } from '../../../shared/wireFrame.js';
import { readFrames } from './decode.js';

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
  'diskLatencyMs',
] as const satisfies readonly VpsMetricName[];
/** The host metrics the charts draw (Dom0 and host OS CPU beside the whole host's). */
export const HOST_CHART_METRICS = [
  'cpuUtil',
  'dom0CpuUtil',
  'hostOsCpuUtil',
] as const satisfies readonly HostMetricName[];
/** The series id of host metrics (no VPS id is empty). */
export const HOST_SERIES = '';
export type ChartMetric = (typeof CHART_METRICS)[number] | (typeof HOST_CHART_METRICS)[number];

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
  /** Bumped by every `clear`, so caches built on the old contents know to start over. */
  generation = 0;

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
    this.generation++;
  }

  /** Append one frame. Returns false (and keeps nothing) when its tick is not newer than the last. */
  append(frame: Frame): boolean {
    if (frame.tick <= this.lastTick) return false;
    const slot = this.nextSlot(frame.tick, frame.t);
    for (const m of HOST_CHART_METRICS) this.hostColumn(m)[slot] = frame.host[m];
    for (const v of frame.vps) for (const m of CHART_METRICS) this.columnFor(v.id, m)[slot] = v[m];
    if (frame.vps.length !== this.order.length)
      this.blankOthers(
        frame.vps.map((v) => v.id),
        slot,
      );
    return true;
  }

  /** Append one frame straight from its wire form, read in place (no per-VPS objects). Same rules as `append`. */
  appendWire(b: WireBlock): boolean {
    if (b.tick <= this.lastTick) return false;
    const slot = this.nextSlot(b.tick, b.tMs / 1000);
    for (let k = 0; k < HOST_CHART_METRICS.length; k++) {
      const raw = blockHost(b, HOST_INDEX[k]);
      this.hostColumn(HOST_CHART_METRICS[k])[slot] = raw === null ? NaN : raw / HOST_WIRE_SCALE[k];
    }
    const ids = b.ids;
    for (let v = 0; v < ids.length; v++)
      for (let k = 0; k < CHART_METRICS.length; k++) {
        const raw = blockVps(b, v, WIRE_INDEX[k]);
        this.columnFor(ids[v], CHART_METRICS[k])[slot] = raw === null ? NaN : raw / WIRE_SCALE[k];
      }
    this.blankOthers(ids, slot);
    return true;
  }

  /**
   * Append one mode of a snapshot's history straight from its columns (no rows built): entries not
   * newer than the last are skipped. The newest entry is taken whole from `latest` when it is that
   * entry (it carries every metric, the columns perhaps only some).
   */
  appendColumns(h: WireHistory, mode: number): void {
    const m = h.modes[mode];
    if (!m || !Array.isArray(m.runs)) return;
    const ticks = readColumn(h.ticks, countOf(h.ticks));
    const latest = readFrames(h.latest)?.[mode];
    const whole = latest !== undefined && ticks.length > 0 && h.latest!.tick === ticks[ticks.length - 1];
    const n = whole ? ticks.length - 1 : ticks.length;
    const tMs = readColumn(m.tMs, n);
    const host = HOST_INDEX.map((i) => readColumn(m.host[i], n));
    const at = WIRE_INDEX.map((w) => h.rows.indexOf(w));
    let entry = 0;
    m.runs.forEach(([count, idList], r) => {
      const ids = idList === '' ? [] : idList.split(',');
      const cols = ids.map((_, v) => at.map((k) => (k < 0 ? null : readColumn(m.vps[r]?.[v]?.[k], count))));
      for (let j = 0; j < count && entry < n; j++, entry++) {
        const tick = ticks[entry];
        if (tick === null || tick <= this.lastTick) continue;
        const slot = this.nextSlot(tick, (tMs[entry] ?? 0) / 1000);
        for (let k = 0; k < HOST_CHART_METRICS.length; k++) {
          const raw = host[k][entry];
          this.hostColumn(HOST_CHART_METRICS[k])[slot] = raw === null ? NaN : raw / HOST_WIRE_SCALE[k];
        }
        for (let v = 0; v < ids.length; v++)
          for (let k = 0; k < CHART_METRICS.length; k++) {
            const raw = cols[v][k]?.[j] ?? null;
            this.columnFor(ids[v], CHART_METRICS[k])[slot] = raw === null ? NaN : raw / WIRE_SCALE[k];
          }
        this.blankOthers(ids, slot);
      }
    });
    if (whole) this.appendWire(latest);
  }

  /** Take the next ring slot for a sample at `tick`, `t` seconds. */
  private nextSlot(tick: number, t: number): number {
    const cap = this.capacity;
    const slot = (this.head + this.len) % cap;
    if (this.len < cap) this.len++;
    else this.head = (this.head + 1) % cap;
    this.ticks[slot] = tick;
    this.times[slot] = t;
    this.lastTick = tick;
    return slot;
  }

  /** Known VPSs absent from `ids` have no value in this slot. */
  private blankOthers(ids: readonly string[], slot: number): void {
    if (ids.length === this.order.length && this.order.every((id, i) => id === ids[i])) return;
    const seen = new Set(ids);
    for (const id of this.order) {
      if (seen.has(id)) continue;
      for (const m of CHART_METRICS) this.cols.get(key(id, m))![slot] = NaN;
    }
  }

  private hostColumn(metric: ChartMetric): Float32Array {
    const k = key(HOST_SERIES, metric);
    let col = this.cols.get(k);
    if (!col) this.cols.set(k, (col = new Float32Array(this.capacity).fill(NaN)));
    return col;
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
  phys(i: number): number {
    return (this.head + i) % this.capacity;
  }

  /** The raw ring of one series (index it with `phys`), or undefined when the VPS never appeared. */
  column(vps: string, metric: ChartMetric): Float32Array | undefined {
    return this.cols.get(key(vps, metric));
  }

  /** Logical index of the first sample whose tick is greater than `tick` (length when none). */
  afterTick(tick: number): number {
    let lo = 0;
    let hi = this.len;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.tickAt(mid) <= tick) lo = mid + 1;
      else hi = mid;
    }
    return lo;
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

/** Where each chart metric sits in a wire VPS row (after the state), and its wire scale. */
const WIRE_INDEX = CHART_METRICS.map((m) => VPS_METRICS.indexOf(m) + 1);
const WIRE_SCALE = CHART_METRICS.map((m) => VPS_SCALE[m]);
const HOST_INDEX = HOST_CHART_METRICS.map((m) => HOST_METRICS.indexOf(m));
const HOST_WIRE_SCALE = HOST_CHART_METRICS.map((m) => HOST_SCALE[m]);

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
