/**
 * The chart.js plugin that draws event markers and fault windows: shaded spans under the lines,
 * then one line per marked tick with its labels in rows at the top of the plot (see
 * `layoutMarkers`). Events ahead are drawn faint. The laid-out labels are reported after each
 * draw, so the page (and its tests) can read what the canvas shows.
 */
import type { Chart, Plugin } from 'chart.js';
import type { Theme } from './chart.js';
import { MAX_LABEL_PX, layoutMarkers, type ChartMarker } from './markers.js';

/** Height of one row of labels, px (10 px text). */
const ROW_PX = 12;
/** Labels take at most this share of the plot's height, and at most this many rows. */
const ROWS_SHARE = 0.5;
const MAX_ROWS = 6;

/** A label as drawn, in canvas pixels. */
export interface DrawnLabel {
  text: string;
  /** Simulated time of the (first) marker it names. */
  t: number;
  kind: ChartMarker['kind'];
  ahead: boolean;
  /** What it names, whole: one line per marker. */
  full: readonly string[];
  /** It says the time left to events ahead past the window's end. */
  countdown: boolean;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface MarkerState {
  markers: () => readonly ChartMarker[];
  /** Newest simulated time (a fault still running is shaded up to it). */
  now?: () => number;
  /**
   * The time every countdown on the page is told from (how long until an event ahead fires), shared
   * by the charts so they agree; `now` when absent.
   */
  countdownNow?: () => number | undefined;
  /** Spans of simulated time a fault ran, shaded under the lines. */
  windows?: () => readonly { t0: number; t1: number }[];
  theme: Theme;
  /** Told the labels and the plot area after each draw. */
  onLayout?: (
    labels: readonly DrawnLabel[],
    area: { left: number; top: number; right: number; bottom: number },
  ) => void;
}

function colorOf(m: ChartMarker, theme: Theme): string {
  return m.kind === 'fault'
    ? theme.fault
    : m.kind === 'recovery'
      ? theme.recovery
      : m.kind === 'mode'
        ? theme.mode
        : theme.command;
}

function shadeWindows(chart: Chart, state: MarkerState): void {
  const { ctx, chartArea: area, scales } = chart;
  const x = scales.x;
  const windows = state.windows?.() ?? [];
  if (!x || !area || !windows.length) return;
  // A fault still running is shaded up to now: the plot's time ahead has not happened.
  const last = state.now?.() ?? NaN;
  const now = Number.isNaN(last) ? Infinity : last;
  ctx.save();
  ctx.fillStyle = state.theme.fault;
  ctx.globalAlpha = 0.07;
  for (const w of windows) {
    const t1 = Math.min(w.t1, now);
    if (t1 < x.min || w.t0 > x.max) continue;
    const a = Math.max(area.left, x.getPixelForValue(Math.max(w.t0, x.min)));
    const b = Math.min(area.right, x.getPixelForValue(Math.min(t1, x.max)));
    if (b > a) ctx.fillRect(a, area.top, b - a, area.bottom - area.top);
  }
  ctx.restore();
}

/** Event markers, drawn with the datasets (they move with the data). */
export function markerPlugin(state: MarkerState): Plugin<'line'> {
  return {
    id: 'labMarkers',
    beforeDatasetsDraw(chart) {
      shadeWindows(chart as Chart, state);
    },
    afterDatasetsDraw(chart) {
      const { ctx, chartArea: area, scales } = chart;
      const x = scales.x;
      if (!x || !area) return;
      const { theme } = state;
      ctx.save();
      ctx.beginPath();
      ctx.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
      ctx.clip();
      ctx.font = '10px system-ui, sans-serif';
      ctx.textBaseline = 'top';
      const height = area.bottom - area.top;
      const { lines, labels } = layoutMarkers(state.markers(), {
        min: x.min,
        max: x.max,
        toPx: (t) => Math.round(x.getPixelForValue(t)) + 0.5,
        left: area.left + 2,
        right: area.right - 2,
        measure: (s) => ctx.measureText(s).width,
        rows: Math.max(1, Math.min(MAX_ROWS, Math.floor((height * ROWS_SHARE) / ROW_PX))),
        // A wide plot has room for a longer label: up to a third of it, never under the floor.
        maxLabelPx: Math.max(MAX_LABEL_PX, (area.right - area.left) / 3),
        now: state.countdownNow?.() ?? state.now?.(),
      });
      ctx.lineWidth = 1;
      for (const l of lines) {
        const m = l.marker;
        ctx.strokeStyle = colorOf(m, theme);
        // A fork's inherited past is its source's: drawn dimmed.
        ctx.globalAlpha = m.ahead || m.from ? 0.45 : m.kind === 'command' ? 0.5 : 0.85;
        ctx.setLineDash(m.ahead ? [1, 3] : m.kind === 'recovery' ? [2, 3] : [4, 3]);
        ctx.beginPath();
        ctx.moveTo(l.px, area.top);
        ctx.lineTo(l.px, area.bottom);
        ctx.stroke();
      }
      const drawn: DrawnLabel[] = [];
      for (const l of labels) {
        const y = area.top + 2 + l.row * ROW_PX;
        // A backing of the page colour keeps a label readable over the lines under it.
        ctx.globalAlpha = 0.8;
        ctx.fillStyle = theme.background;
        ctx.fillRect(l.x - 1, y - 1, l.w + 2, ROW_PX - 1);
        ctx.globalAlpha = l.marker.ahead || l.marker.from ? 0.75 : 1;
        ctx.fillStyle = colorOf(l.marker, theme);
        ctx.fillText(l.text, l.x, y);
        drawn.push({
          text: l.text,
          t: l.marker.t,
          kind: l.marker.kind,
          ahead: !!l.marker.ahead,
          full: l.full,
          countdown: l.countdown,
          x: l.x,
          y,
          w: l.w,
          h: ROW_PX - 2,
        });
      }
      ctx.restore();
      state.onLayout?.(drawn, { left: area.left, top: area.top, right: area.right, bottom: area.bottom });
    },
  };
}
