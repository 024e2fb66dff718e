/**
 * chart.js with only the parts the stability charts use, the plugin that draws the series,
 * and the pointer layer (shared crosshair, drag-to-zoom selection) drawn on its own canvas.
 */
import {
  Chart,
  LineController,
  LineElement,
  LinearScale,
  LogarithmicScale,
  PointElement,
  type ChartConfiguration,
  type Plugin,
} from 'chart.js';
import type { TimeView } from './view.svelte.js';
import { clock } from './format.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale);

export { Chart };

export interface Theme {
  text: string;
  muted: string;
  grid: string;
  fault: string;
  recovery: string;
  mode: string;
  command: string;
  crosshair: string;
  selection: string;
  /** The plot's background (behind marker labels). */
  background: string;
  /** Alpha (two hex digits) of a faded line: stronger on a dark background, where faint lines vanish. */
  dimAlpha: string;
}

/** Theme colours from the page's CSS custom properties. */
export function readTheme(el: Element): Theme {
  const cs = getComputedStyle(el);
  const v = (name: string, fallback: string): string => cs.getPropertyValue(name).trim() || fallback;
  return {
    text: v('--text', '#1f2937'),
    muted: v('--muted', '#6b7280'),
    grid: v('--grid', 'rgba(127,127,127,0.18)'),
    fault: v('--fault', '#dc2626'),
    recovery: v('--ok', '#16a34a'),
    mode: v('--accent', '#2563eb'),
    command: v('--muted', '#6b7280'),
    crosshair: v('--text', '#111827'),
    selection: v('--selection', 'rgba(59,130,246,0.15)'),
    background: v('--panel', '#ffffff'),
    dimAlpha: v('--dim-alpha', '33'),
  };
}

/** One line as the chart draws it. */
export interface DrawnLine {
  data: readonly { x: number; y: number }[];
  color: string;
  width: number;
}

export interface SeriesState {
  /** Lines in drawing order (the last on top). */
  lines: () => readonly DrawnLine[];
  /** Gaps between points wider than this (x units) break the line. */
  gap: () => number;
  log: boolean;
}

/**
 * Where the series may paint: the plot area, and above and below it half the widest line (plus
 * a pixel for its anti-aliased edge), so a line at the scale's top or bottom (health 100, a
 * utilization of 0) shows its whole width instead of half. Left and right stay at the axes.
 */
export function seriesClip(
  area: { left: number; top: number; right: number; bottom: number },
  lines: readonly Pick<DrawnLine, 'width'>[],
): { left: number; top: number; right: number; bottom: number } {
  let widest = 1;
  for (const l of lines) if (l.width > widest) widest = l.width;
  const pad = widest / 2 + 1;
  return { left: area.left, top: area.top - pad, right: area.right, bottom: area.bottom + pad };
}

/**
 * The series, drawn straight from the prepared point arrays: one path per line, pixel positions
 * computed inline, no per-point chart elements (chart.js keeps the axes, grid and layout).
 */
export function seriesPlugin(state: SeriesState): Plugin<'line'> {
  return {
    id: 'labSeries',
    beforeDatasetsDraw(chart) {
      const { ctx, chartArea: area, scales } = chart;
      const xs = scales.x;
      const ys = scales.y;
      if (!xs || !ys || !area) return;
      const x0 = xs.min;
      const kx = (area.right - area.left) / (xs.max - x0 || 1);
      const log = state.log;
      const y0 = log ? Math.log10(ys.min) : ys.min;
      const y1 = log ? Math.log10(ys.max) : ys.max;
      const ky = (area.bottom - area.top) / (y1 - y0 || 1);
      const gap = state.gap();
      const lines = state.lines();
      const clip = seriesClip(area, lines);
      ctx.save();
      ctx.beginPath();
      ctx.rect(clip.left, clip.top, clip.right - clip.left, clip.bottom - clip.top);
      ctx.clip();
      ctx.lineJoin = 'bevel';
      for (const l of lines) {
        const d = l.data;
        if (!d.length) continue;
        ctx.strokeStyle = l.color;
        ctx.lineWidth = l.width;
        ctx.beginPath();
        let prevX = -Infinity;
        for (let i = 0; i < d.length; i++) {
          const p = d[i];
          const v = log ? Math.log10(p.y) : p.y;
          if (!Number.isFinite(v)) {
            prevX = -Infinity;
            continue;
          }
          const px = area.left + (p.x - x0) * kx;
          const py = area.bottom - (v - y0) * ky;
          if (p.x - prevX > gap) ctx.moveTo(px, py);
          else ctx.lineTo(px, py);
          prevX = p.x;
        }
        ctx.stroke();
      }
      ctx.restore();
    },
  };
}

/**
 * The crosshair and the drag selection, on a transparent canvas laid over the chart: moving the
 * pointer repaints this layer only, never the chart.
 */
export function drawPointerLayer(
  overlay: HTMLCanvasElement,
  chart: Chart | undefined,
  view: TimeView,
  theme: Theme,
): void {
  const ctx = overlay.getContext('2d');
  if (!ctx) return;
  const dpr = window.devicePixelRatio || 1;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, overlay.width / dpr, overlay.height / dpr);
  const x = chart?.scales.x;
  const area = chart?.chartArea;
  if (!x || !area) return;
  const sel = view.selection;
  const h = view.hoverT;
  if (!sel && h === null) return;
  ctx.save();
  ctx.beginPath();
  ctx.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
  ctx.clip();
  if (sel) {
    const a = x.getPixelForValue(Math.min(sel[0], sel[1]));
    const b = x.getPixelForValue(Math.max(sel[0], sel[1]));
    ctx.fillStyle = theme.selection;
    ctx.fillRect(a, area.top, b - a, area.bottom - area.top);
  }
  if (h !== null && h >= x.min && h <= x.max) {
    const px = Math.round(x.getPixelForValue(h)) + 0.5;
    ctx.strokeStyle = theme.crosshair;
    ctx.globalAlpha = 0.55;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(px, area.top);
    ctx.lineTo(px, area.bottom);
    ctx.stroke();
  }
  ctx.restore();
}

export interface ChartOptionsInput {
  log: boolean;
  min?: number;
  max?: number;
  unit: string;
  theme: Theme;
  markers: Plugin<'line'>;
  series: Plugin<'line'>;
}

/**
 * A line chart configured for streaming: no animation, no parsing, linear time axis; the series
 * come through `seriesPlugin`, the y range through `suggestedMin`/`suggestedMax`.
 */
export function lineConfig(o: ChartOptionsInput): ChartConfiguration<'line', { x: number; y: number }[]> {
  const tickFont = { size: 10, family: 'system-ui, sans-serif' };
  return {
    type: 'line',
    data: { datasets: [] },
    plugins: [o.series, o.markers],
    options: {
      animation: false,
      parsing: false,
      normalized: true,
      responsive: true,
      maintainAspectRatio: false,
      events: [],
      layout: { padding: { right: 6, top: 4 } },
      elements: {
        point: { radius: 0, hitRadius: 0, hoverRadius: 0 },
        line: { borderWidth: 1.5, tension: 0, fill: false, borderJoinStyle: 'bevel', capBezierPoints: false },
      },
      plugins: { legend: { display: false }, tooltip: { enabled: false } },
      scales: {
        x: {
          type: 'linear',
          // Ticks on whole multiples of the step (chart.js would start them at the window's edge).
          afterBuildTicks: (scale) => {
            const step = (scale.options as { ticks?: { stepSize?: number } }).ticks?.stepSize;
            if (!step || !(scale.max > scale.min)) return;
            const ticks: { value: number }[] = [];
            for (
              let v = Math.ceil(scale.min / step - 1e-9) * step;
              v <= scale.max + 1e-9 && ticks.length < 200;
              v += step
            )
              ticks.push({ value: +v.toFixed(6) });
            scale.ticks = ticks;
          },
          grid: { color: o.theme.grid, drawTicks: false },
          border: { display: false },
          ticks: {
            color: o.theme.muted,
            font: tickFont,
            maxRotation: 0,
            autoSkipPadding: 24,
            padding: 6,
            callback: (v) => clock(Number(v)),
          },
        },
        y: {
          type: o.log ? 'logarithmic' : 'linear',
          min: o.min,
          max: o.max,
          grid: { color: o.theme.grid, drawTicks: false },
          border: { display: false },
          afterFit: (scale) => {
            scale.width = 52;
          },
          ticks: {
            color: o.theme.muted,
            font: tickFont,
            padding: 6,
            // A log axis picks its own labels (1-2-5 and the like), so none is skipped blindly.
            ...(o.log ? { autoSkip: false } : { maxTicksLimit: 6 }),
            callback(v, _i, ticks) {
              return formatTick(
                Number(v),
                o.unit,
                o.log,
                ticks,
                (this as unknown as { height: number }).height || 200,
              );
            },
          },
        },
      },
    },
  };
}

const TIME_STEPS_S = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];

/** A clock-friendly tick step (seconds) giving labels at least `minPx` apart over `spanS` in `px`. */
export function timeStep(spanS: number, px: number, minPx = 60): number {
  const most = Math.max(1, Math.floor(px / minPx));
  return TIME_STEPS_S.find((s) => spanS / s <= most) ?? TIME_STEPS_S[TIME_STEPS_S.length - 1];
}

/** The nearest 1-2-5 step at or below (`up` false) or at or above (`up` true) a positive value. */
export function niceLog(v: number, up: boolean): number {
  const e = Math.floor(Math.log10(v));
  const steps = [1, 2, 5, 10];
  const m = v / 10 ** e;
  const pick = up ? steps.find((s) => s >= m - 1e-9)! : [...steps].reverse().find((s) => s <= m + 1e-9)!;
  return +(pick * 10 ** e).toPrecision(6);
}

/** Mantissas a log axis labels, densest first; the densest that fits its height wins. */
const LOG_MANTISSAS = [[1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 5], [1, 2, 5], [1, 3], [1]];
/** At most 6 labels, and at least this many pixels between labels. */
const LOG_LABELS = 6;
const LOG_LABEL_PX = 24;
const logKeep = new WeakMap<readonly { value: number }[], number[]>();

function mantissaOf(v: number): number | null {
  const e = Math.floor(Math.log10(v) + 1e-9);
  const m = Math.round(v / 10 ** e);
  return Math.abs(v / 10 ** e - m) > 1e-6 ? null : m;
}

function logLabels(ticks: readonly { value: number }[], heightPx: number): number[] {
  let keep = logKeep.get(ticks);
  if (!keep) {
    const ms = ticks.map((t) => mantissaOf(t.value));
    const most = Math.max(2, Math.min(LOG_LABELS, Math.floor(heightPx / LOG_LABEL_PX) + 1));
    keep = LOG_MANTISSAS.find((set) => ms.filter((m) => m !== null && set.includes(m)).length <= most) ?? [1];
    logKeep.set(ticks, keep);
  }
  return keep;
}

function formatTick(
  v: number,
  unit: string,
  log: boolean,
  ticks: readonly { value: number }[],
  heightPx: number,
): string | null {
  if (log) {
    const m = mantissaOf(v);
    if (m === null || !logLabels(ticks, heightPx).includes(m)) return null;
    if (unit === 'ms') return v >= 1000 ? `${+(v / 1000).toPrecision(3)} s` : `${+v.toPrecision(3)} ms`;
  }
  if (unit === '%') return `${v} %`;
  if (unit === 'req/s') return v >= 1000 ? `${v / 1000} k` : `${v}`;
  return `${v}`;
}
