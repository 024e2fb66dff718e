/**
 * What each stability chart plots, and the preparation of its datasets from the series: the
 * visible window cut into at most ~2 points per pixel column, values in display units.
 */
import { envelope, PointBuffer, type ChartMetric, type Point, type SeriesTable } from './series.js';

export type ChartKind = 'p99' | 'throughput' | 'steal' | 'health';

export interface LineSpec {
  metric: ChartMetric;
  /** The second quantity of a chart (demand, throttled), drawn faint. */
  secondary: boolean;
  /** Multiply stored values by this for display (fractions → %). */
  scale: number;
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
    lines: [{ metric: 'latencyP99Ms', secondary: false, scale: 1 }],
  },
  throughput: {
    kind: 'throughput',
    title: 'Throughput vs demand',
    unit: 'req/s',
    legend: 'bold: served · faint: demand',
    log: false,
    min: 0,
    lines: [
      { metric: 'throughputRps', secondary: false, scale: 1 },
      { metric: 'demandRps', secondary: true, scale: 1 },
    ],
  },
  steal: {
    kind: 'steal',
    title: 'CPU steal and throttling',
    unit: '%',
    legend: 'bold: steal (others took it) · faint: throttled (own cap)',
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
};

export interface PreparedLine {
  vps: string;
  line: LineSpec;
  data: Point[];
}

/** Holds the pooled point buffers of one chart between redraws. */
export class ChartData {
  private readonly buffers = new Map<string, PointBuffer>();
  readonly spec: ChartSpec;

  constructor(spec: ChartSpec) {
    this.spec = spec;
  }

  /** One line per (VPS, line spec), in VPS order then line order. */
  prepare(table: SeriesTable, vpsIds: readonly string[], t0: number, t1: number, columns: number): PreparedLine[] {
    const out: PreparedLine[] = [];
    const cols = Math.max(16, Math.floor(columns));
    for (const vps of vpsIds) {
      for (const line of this.spec.lines) {
        const k = `${vps}\u0000${line.metric}`;
        let buf = this.buffers.get(k);
        if (!buf) this.buffers.set(k, (buf = new PointBuffer()));
        envelope(table, vps, line.metric, t0, t1, cols, buf, this.mapper(line));
        out.push({ vps, line, data: buf.data });
      }
    }
    return out;
  }

  /** Latest plotted value of the first line per VPS (what a reader sees at the right edge). */
  lastValues(lines: readonly PreparedLine[], t1: number): Map<string, number> {
    const first = this.spec.lines[0].metric;
    const res = new Map<string, number>();
    for (const l of lines) {
      if (l.line.metric !== first) continue;
      let v = NaN;
      for (let i = l.data.length - 1; i >= 0; i--) {
        const p = l.data[i];
        if (p.x <= t1 && !Number.isNaN(p.y)) {
          v = p.y;
          break;
        }
      }
      res.set(l.vps, v);
    }
    return res;
  }

  private mapper(line: LineSpec): (v: number) => number {
    const s = line.scale;
    if (this.spec.log) return (v) => (Number.isNaN(v) ? v : Math.max(LOG_FLOOR, Number.isFinite(v) ? v * s : 1e7));
    return s === 1 ? (v) => v : (v) => v * s;
  }
}
