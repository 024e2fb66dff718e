/**
 * chart.js with only the parts the stability charts use, the plugin that draws event markers,
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
import type { Marker } from './lab.svelte.js';
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
  };
}

export interface MarkerState {
  markers: () => readonly Marker[];
  theme: Theme;
}

/** Event markers, drawn with the datasets (they move with the data). */
export function markerPlugin(state: MarkerState): Plugin<'line'> {
  return {
    id: 'labMarkers',
    afterDatasetsDraw(chart) {
      const { ctx, chartArea: area, scales } = chart;
      const x = scales.x;
      if (!x || !area) return;
      const { theme } = state;
      const min = x.min;
      const max = x.max;
      ctx.save();
      ctx.beginPath();
      ctx.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
      ctx.clip();
      ctx.font = '10px system-ui, sans-serif';
      ctx.textBaseline = 'top';
      for (const m of state.markers()) {
        if (m.t < min || m.t > max) continue;
        const px = Math.round(x.getPixelForValue(m.t)) + 0.5;
        const color = m.kind === 'fault' ? theme.fault : m.kind === 'recovery' ? theme.recovery : m.kind === 'mode' ? theme.mode : theme.command;
        ctx.strokeStyle = color;
        ctx.globalAlpha = m.kind === 'command' ? 0.5 : 0.85;
        ctx.setLineDash(m.kind === 'recovery' ? [2, 3] : [4, 3]);
        ctx.lineWidth = 1;
        ctx.beginPath();
        ctx.moveTo(px, area.top);
        ctx.lineTo(px, area.bottom);
        ctx.stroke();
        if (m.kind !== 'command') {
          ctx.globalAlpha = 1;
          ctx.fillStyle = color;
          const w = ctx.measureText(m.label).width;
          ctx.fillText(m.label, px + 3 + w > area.right ? px - 3 - w : px + 3, area.top + 2);
        }
      }
      ctx.restore();
    },
  };
}

/**
 * The crosshair and the drag selection, on a transparent canvas laid over the chart: moving the
 * pointer repaints this layer only, never the chart.
 */
export function drawPointerLayer(overlay: HTMLCanvasElement, chart: Chart | undefined, view: TimeView, theme: Theme): void {
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
}

/** A line chart configured for streaming: no animation, no parsing, linear time axis. */
export function lineConfig(o: ChartOptionsInput): ChartConfiguration<'line', { x: number; y: number }[]> {
  const tickFont = { size: 10, family: 'system-ui, sans-serif' };
  return {
    type: 'line',
    data: { datasets: [] },
    plugins: [o.markers],
    options: {
      animation: false,
      parsing: false,
      normalized: true,
      responsive: true,
      maintainAspectRatio: false,
      events: [],
      // A number: gaps wider than this (simulated seconds) break the line; set per redraw.
      spanGaps: 1,
      layout: { padding: { right: 6, top: 4 } },
      elements: {
        point: { radius: 0, hitRadius: 0, hoverRadius: 0 },
        line: { borderWidth: 1.5, tension: 0, fill: false, borderJoinStyle: 'bevel', capBezierPoints: false },
      },
      plugins: { legend: { display: false }, tooltip: { enabled: false } },
      scales: {
        x: {
          type: 'linear',
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
            maxTicksLimit: 6,
            callback: (v) => formatTick(Number(v), o.unit, o.log),
          },
        },
      },
    },
  };
}

function formatTick(v: number, unit: string, log: boolean): string | null {
  if (log) {
    const e = Math.floor(Math.log10(v) + 1e-9);
    const mantissa = Math.round(v / 10 ** e);
    if (![1, 2, 5].includes(mantissa) || Math.abs(v / 10 ** e - mantissa) > 1e-6) return null;
    if (unit === 'ms') return v >= 1000 ? `${+(v / 1000).toPrecision(3)} s` : `${+v.toPrecision(3)} ms`;
  }
  if (unit === '%') return `${v} %`;
  if (unit === 'req/s') return v >= 1000 ? `${v / 1000} k` : `${v}`;
  return `${v}`;
}
