/**
 * What each stability chart plots, and the preparation of its datasets from the series: the
 * visible window cut into columns about two pixels wide, one point each, values in display units.
 */
import { HOST_SERIES, PointBuffer, type ChartMetric, type Point, type SeriesTable } from './series.js';
import { ColumnCache } from './columns.js';
import type { CoarseHistory } from './backfill.js';
import type { ModeId } from '../../../shared/model.js';

export type ChartKind = 'p99' | 'throughput' | 'disk' | 'steal' | 'health' | 'host';

export interface LineSpec {
  metric: ChartMetric;
  /** The second quantity of a chart (demand, throttled), drawn faint. */
  secondary: boolean;
  /** Multiply stored values by this for display (fractions → %). */
  scale: number;
  /** Samples where this metric is not above 0 are gaps (a VPS that served nothing has no latency). */
  gate?: ChartMetric;
  /** A host chart's line: its name and colour (VPS lines take the VPS's). */
  name?: string;
  color?: string;
  /** The modes that have this quantity (a host chart names only those lines). */
  modes?: readonly ModeId[];
}

export interface ChartSpec {
  kind: ChartKind;
  title: string;
  unit: string;
  /** What bold and faint lines mean, for the chart's subtitle. */
  legend: string;
  log: boolean;
  min?: number;
  max?: number;
  lines: LineSpec[];
  /** One line per entry of `lines`, from the host's series (not one per VPS). */
  host?: boolean;
}

/** Floor for log-scale values (a p99 of 0 cannot be drawn on a log axis). */
export const LOG_FLOOR = 0.01;

export const CHART_SPECS: Record<ChartKind, ChartSpec> = {
  p99: {
    kind: 'p99',
    title: 'p99 latency',
    unit: 'ms',
    legend: 'log scale',
    log: true,
    // Down, rebooting or hung (nothing served): a gap, not a floor value that reads as fast.
    lines: [{ metric: 'latencyP99Ms', secondary: false, scale: 1, gate: 'throughputRps' }],
  },
  throughput: {
    kind: 'throughput',
    title: 'Throughput',
    unit: 'req/s',
    legend: 'faint: demand',
    log: false,
    min: 0,
    lines: [
      { metric: 'throughputRps', secondary: false, scale: 1 },
      { metric: 'demandRps', secondary: true, scale: 1 },
    ],
  },
  disk: {
    kind: 'disk',
    title: 'Disk latency',
    unit: 'ms',
    legend: 'log scale',
    log: true,
    // No disk request served (down, rebooting, idle disk): a gap, not the log scale's floor.
    lines: [{ metric: 'diskLatencyMs', secondary: false, scale: 1, gate: 'diskLatencyMs' }],
  },
  steal: {
    kind: 'steal',
    title: 'CPU steal',
    unit: '%',
    legend: 'faint: throttled (own cap)',
    log: false,
    min: 0,
    max: 100,
    lines: [
      { metric: 'cpuSteal', secondary: false, scale: 100 },
      { metric: 'cpuThrottled', secondary: true, scale: 100 },
    ],
  },
  health: {
    kind: 'health',
    title: 'Health',
    unit: '/100',
    legend: '100 = meets its SLO',
    log: false,
    min: 0,
    max: 100,
    lines: [{ metric: 'health', secondary: false, scale: 1 }],
  },
  host: {
    kind: 'host',
    title: 'Dom0 / host OS CPU',
    unit: '%',
    legend: 'and the whole host',
    log: false,
    min: 0,
    max: 100,
    host: true,
    lines: [
      // Only paravirtualization has a Dom0 and only hosted virtualization a host OS: a 0 is no line.
      {
        metric: 'dom0CpuUtil',
        secondary: false,
        scale: 100,
        gate: 'dom0CpuUtil',
        name: 'Dom0',
        color: '#d97706',
        modes: ['para'],
      },
      {
        metric: 'hostOsCpuUtil',
        secondary: false,
        scale: 100,
        gate: 'hostOsCpuUtil',
        name: 'host OS',
        color: '#8b5cf6',
        modes: ['hosted'],
      },
      { metric: 'cpuUtil', secondary: true, scale: 100, name: 'all cores', color: '#64748b' },
    ],
  },
};

/** The host chart's title under a mode: what runs beside the guests there. */
export function hostTitle(mode: ModeId | undefined): string {
  return mode === 'para' ? 'Dom0 CPU' : mode === 'hosted' ? 'Host OS CPU' : 'Host CPU';
}

export interface PreparedLine {
  vps: string;
  line: LineSpec;
  data: Point[];
}

/** How far a value may move before the change shows: half a pixel of the current y axis. */
export interface Tolerance {
  /** Axis units per pixel (log10 units on a log axis). */
  unitsPerPx: number;
  log: boolean;
}

/** Columns of about this many pixels: one point each. */
export const PX_PER_COLUMN = 2;

/**
 * Holds one chart's column cache and pooled point buffers between redraws, and says whether a
 * redraw would change anything visible.
 */
export class ChartData {
  readonly spec: ChartSpec;
  readonly lines: readonly { vps: string; line: LineSpec }[];
  private readonly cache: ColumnCache;
  private readonly buffers: PointBuffer[];
  private prevY: Float64Array[];
  private prevFirst = NaN;
  private prevCount: Int32Array;

  /** `vpsIds` in drawing order; `secondary(vps)` says whose faint second line is drawn. */
  constructor(spec: ChartSpec, vpsIds: readonly string[], secondary: (vps: string) => boolean = () => true) {
    this.spec = spec;
    const lines: { vps: string; line: LineSpec }[] = [];
    if (spec.host) for (const line of spec.lines) lines.push({ vps: HOST_SERIES, line });
    else
      for (const vps of vpsIds)
        for (const line of spec.lines) if (!line.secondary || secondary(vps)) lines.push({ vps, line });
    this.lines = lines;
    this.cache = new ColumnCache(
      lines.map((l) => ({ vps: l.vps, metric: l.line.metric, map: this.mapper(l.line), gate: l.line.gate })),
    );
    this.buffers = lines.map(() => new PointBuffer());
    this.prevY = lines.map(() => new Float64Array(0));
    this.prevCount = new Int32Array(lines.length).fill(-1);
  }

  /** How many columns a plot `plotPx` wide is cut into. */
  static columnsFor(plotPx: number): number {
    return Math.max(16, Math.floor(plotPx / PX_PER_COLUMN));
  }

  /**
   * Bring every line to the window [t0, t1] (one point per column). Returns the lines and whether
   * any point moved by more than `tol` (or the window moved) since the last call.
   */
  prepare(
    table: SeriesTable,
    coarse: CoarseHistory | null,
    t0: number,
    t1: number,
    columns: number,
    tol: Tolerance | null = null,
  ): { lines: PreparedLine[]; changed: boolean } {
    const rebuilt = this.cache.update(table, coarse, t0, t1, columns);
    let changed = rebuilt || this.cache.first !== this.prevFirst;
    this.prevFirst = this.cache.first;
    const out: PreparedLine[] = [];
    for (let j = 0; j < this.lines.length; j++) {
      const buf = this.buffers[j];
      this.cache.emit(j, buf);
      const data = buf.data;
      if (!changed) changed = this.moved(j, data, tol);
      this.remember(j, data);
      out.push({ vps: this.lines[j].vps, line: this.lines[j].line, data });
    }
    return { lines: out, changed };
  }

  /** Column width (simulated seconds) of the last prepared window. */
  get columnWidth(): number {
    return this.cache.width;
  }

  private moved(j: number, data: readonly Point[], tol: Tolerance | null): boolean {
    const prev = this.prevY[j];
    if (this.prevCount[j] !== data.length) return true;
    const eps = tol ? tol.unitsPerPx * 0.5 : 0;
    for (let i = 0; i < data.length; i++) {
      const a = data[i].y;
      const b = prev[i];
      if (a === b || (Number.isNaN(a) && Number.isNaN(b))) continue;
      const d = tol?.log ? Math.abs(Math.log10(a) - Math.log10(b)) : Math.abs(a - b);
      if (!(d <= eps)) return true;
    }
    return false;
  }

  private remember(j: number, data: readonly Point[]): void {
    if (this.prevY[j].length < data.length) this.prevY[j] = new Float64Array(Math.max(16, data.length * 2));
    const prev = this.prevY[j];
    for (let i = 0; i < data.length; i++) prev[i] = data[i].y;
    this.prevCount[j] = data.length;
  }

  /**
   * Newest value of the first line per VPS at or before t1, in display units: what a reader sees
   * at the right edge of the window. NaN where the chart draws a gap there (the newest sample gated
   * out, as for a VPS that is down, or missing), not an older value the line no longer shows.
   */
  lastValues(table: SeriesTable, t1: number): Map<string, number> {
    const first = this.spec.lines[0];
    const res = new Map<string, number>();
    const i = table.upperBound(t1) - 1;
    for (const l of this.lines) {
      // A host chart gives every line's, by metric; a VPS chart its first line's, by VPS.
      if (!this.spec.host && l.line !== first) continue;
      let v = NaN;
      const gate = l.line.gate;
      if (i >= 0 && (!gate || table.valueAt(l.vps, gate, i) > 0))
        v = this.mapper(l.line)(table.valueAt(l.vps, l.line.metric, i));
      res.set(this.spec.host ? l.line.metric : l.vps, v);
    }
    return res;
  }

  private mapper(line: LineSpec): (v: number) => number {
    const s = line.scale;
    if (this.spec.log)
      return (v) => (Number.isNaN(v) ? v : Math.max(LOG_FLOOR, Number.isFinite(v) ? v * s : 1e7));
    return s === 1 ? (v) => v : (v) => v * s;
  }
}
