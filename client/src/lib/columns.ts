/**
 * What a chart draws: each series cut into fixed time columns (about two pixels wide), with each
 * column's min and max kept. The columns are aligned on absolute time, so as the live window
 * slides only the newest samples are folded in; the window is rebuilt only when its column width,
 * its alignment or the underlying history changes.
 */
import type { CoarseHistory } from './backfill.js';
import type { ChartMetric, PointBuffer, SeriesTable } from './series.js';

export interface ColumnSeries {
  vps: string;
  metric: ChartMetric;
  /** Display transform applied before min/max (unit change, log floor). */
  map: (v: number) => number;
  /**
   * A metric that must be above 0 for a sample to count (p99 of a VPS that served nothing, being
   * down or hung, is no latency at all): columns holding only such samples become gaps.
   */
  gate?: ChartMetric;
}

/** Per-series column extremes over one window, fed incrementally. */
export class ColumnCache {
  readonly series: readonly ColumnSeries[];
  /** Column width, simulated seconds. */
  width = 0;
  /** Columns are [origin + b·width, origin + (b+1)·width). */
  origin = 0;
  /** First and last column of the window. */
  first = 0;
  last = -1;
  private cap = 0;
  private bucketOf = new Float64Array(0);
  private mins: Float32Array[] = [];
  private maxs: Float32Array[] = [];
  /** Per series and slot: a gated-out sample fell in the column. */
  private gaps: Uint8Array[] = [];
  private doneTick = -Infinity;
  private generation = -1;
  private coarse: CoarseHistory | null = null;

  constructor(series: readonly ColumnSeries[]) {
    this.series = series;
  }

  /**
   * Bring the cache to the window [t0, t1] cut into `columns` columns. Returns true when it was
   * rebuilt from scratch rather than extended.
   */
  update(table: SeriesTable, coarse: CoarseHistory | null, t0: number, t1: number, columns: number): boolean {
    const cols = Math.max(1, Math.floor(columns));
    const width = (t1 - t0) / cols;
    if (!(width > 0)) {
      this.first = 0;
      this.last = -1;
      return false;
    }
    const k = t0 / width;
    const origin = Math.abs(k - Math.round(k)) < 1e-6 ? 0 : t0;
    const rebuild =
      width !== this.width ||
      origin !== this.origin ||
      table.generation !== this.generation ||
      coarse !== this.coarse ||
      cols + 2 > this.cap;
    this.first = Math.round((t0 - origin) / width);
    this.last = this.first + cols - 1;
    if (rebuild) {
      this.width = width;
      this.origin = origin;
      this.generation = table.generation;
      this.coarse = coarse;
      this.reset(cols + 4);
      this.foldCoarse(coarse, table, t0, t1);
    }
    this.foldFine(table, t0);
    return rebuild;
  }

  private reset(cap: number): void {
    if (cap !== this.cap) {
      this.cap = cap;
      this.bucketOf = new Float64Array(cap);
      this.mins = this.series.map(() => new Float32Array(cap));
      this.maxs = this.series.map(() => new Float32Array(cap));
      this.gaps = this.series.map(() => new Uint8Array(cap));
    }
    this.bucketOf.fill(NaN);
    this.doneTick = -Infinity;
  }

  /** Claim the slot of column b (clearing what an older column left there); returns the slot. */
  private slot(b: number): number {
    const s = ((b % this.cap) + this.cap) % this.cap;
    if (this.bucketOf[s] !== b) {
      this.bucketOf[s] = b;
      for (let j = 0; j < this.series.length; j++) {
        this.mins[j][s] = Infinity;
        this.maxs[j][s] = -Infinity;
        this.gaps[j][s] = 0;
      }
    }
    return s;
  }

  private fold(j: number, s: number, v: number): void {
    if (Number.isNaN(v)) return;
    if (v < this.mins[j][s]) this.mins[j][s] = v;
    if (v > this.maxs[j][s]) this.maxs[j][s] = v;
  }

  /** The server's downsampled history, only where the live ring holds nothing yet. */
  private foldCoarse(coarse: CoarseHistory | null, table: SeriesTable, t0: number, t1: number): void {
    if (!coarse || !coarse.length) return;
    const end = Math.min(t1, table.length ? table.firstTime() : Infinity);
    const envs = this.series.map((s) => coarse.envelope(s.vps, s.metric));
    const gates = this.series.map((s) => (s.gate ? coarse.envelope(s.vps, s.gate) : undefined));
    for (let i = coarse.lowerBound(t0); i < coarse.length && coarse.times[i] < end; i++) {
      const b = Math.floor((coarse.times[i] - this.origin) / this.width);
      if (b < this.first || b > this.last) continue;
      const s = this.slot(b);
      for (let j = 0; j < this.series.length; j++) {
        const e = envs[j];
        if (!e) continue;
        const g = gates[j];
        if (g && !(g.max[i] > 0)) {
          if (!Number.isNaN(g.max[i])) this.gaps[j][s] = 1;
          continue;
        }
        const map = this.series[j].map;
        // A bucket may hold ticks gated out beside ticks that count (a VPS going down within it):
        // its min is then theirs, a latency of 0 that is no latency. Only values above 0 count.
        let folded = false;
        for (const v of [e.min[i], e.max[i]]) {
          if (g && !(v > 0)) continue;
          this.fold(j, s, map(v));
          folded = true;
        }
        if (!folded) this.gaps[j][s] = 1;
      }
    }
  }

  /** Live samples not folded in yet. */
  private foldFine(table: SeriesTable, t0: number): void {
    const n = table.length;
    if (!n) return;
    const start = this.doneTick === -Infinity ? table.lowerBound(t0) : table.afterTick(this.doneTick);
    if (start >= n) return;
    const cols = this.series.map((s) => table.column(s.vps, s.metric));
    const gates = this.series.map((s) => (s.gate ? table.column(s.vps, s.gate) : undefined));
    const { origin, width } = this;
    for (let i = start; i < n; i++) {
      const b = Math.floor((table.timeAt(i) - origin) / width);
      if (b < this.first || b > this.last) continue;
      const s = this.slot(b);
      const p = table.phys(i);
      for (let j = 0; j < cols.length; j++) {
        const col = cols[j];
        if (!col) continue;
        const g = gates[j];
        if (g && !(g[p] > 0)) {
          if (!Number.isNaN(g[p])) this.gaps[j][s] = 1;
          continue;
        }
        this.fold(j, s, this.series[j].map(col[p]));
      }
    }
    this.doneTick = table.tickAt(n - 1);
  }

  /**
   * One point per column for series j, at the column's middle: of the column's min and max, the
   * one farther from the previous point, so spikes survive and flat stretches stay flat. Columns
   * with no data emit nothing (the chart breaks the line over gaps wider than a few columns);
   * columns whose samples were all gated out emit y = NaN, which always breaks the line.
   */
  emit(j: number, out: PointBuffer): void {
    out.reset();
    const mins = this.mins[j];
    const maxs = this.maxs[j];
    const gaps = this.gaps[j];
    let prev = NaN;
    for (let b = this.first; b <= this.last; b++) {
      const s = ((b % this.cap) + this.cap) % this.cap;
      if (this.bucketOf[s] !== b) continue;
      const lo = mins[s];
      const hi = maxs[s];
      if (!(lo <= hi)) {
        if (gaps[s]) {
          out.push(this.origin + (b + 0.5) * this.width, NaN);
          prev = NaN;
        }
        continue;
      }
      const y = Number.isNaN(prev) ? hi : Math.abs(hi - prev) >= Math.abs(lo - prev) ? hi : lo;
      out.push(this.origin + (b + 0.5) * this.width, y);
      prev = y;
    }
    out.view();
  }
}
