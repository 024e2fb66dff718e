/**
 * One live stability chart: chart.js for axes and layout, the series drawn from the column cache,
 * event markers, and the pointer layer on its own canvas. Redraws follow the data at most once
 * per column (0.2-1 s of wall time), only when something visible moved, and at once when the
 * window or the whole history changes; the newest drawn tick and values go on the wrapper as
 * `data-last-tick` and `data-last-<vps>` (absent where the line has a gap at the window's right edge).
 */
import {
  Chart,
  drawPointerLayer,
  lineConfig,
  niceLog,
  readTheme,
  seriesPlugin,
  timeStep,
  type DrawnLine,
  type Theme,
} from './chart.js';
import { ChartData, type ChartSpec, type LineSpec, type Tolerance } from './chartData.js';
import type { LabClient } from './lab.svelte.js';
import type { TimeView } from './view.svelte.js';
import { vpsColors } from './colors.js';
import { markersFor, runningFaultMarkers, upcomingMarkers, type ChartMarker } from './markers.js';
import { markerPlugin, type DrawnLabel } from './markerPlugin.js';
import { faultWindows, type FaultWindow } from './faultWindows.js';
import { throttled } from './scheduler.js';
import type { SharedScale } from './sharedScale.js';

/** Data redraws at most this often, and at least this rarely while data changes (wall ms). */
const REDRAW_MIN_MS = 200;
const REDRAW_MAX_MS = 1000;
/** Up to this many VPSs every faint second line is drawn; above it only the highlighted VPS's. */
export const ALL_SECONDARY_MAX = 8;

export interface LiveChartParts {
  canvas: HTMLCanvasElement;
  /** Transparent canvas over the chart for the crosshair and selection. */
  overlay: HTMLCanvasElement;
  /** Element observed for size and given the data-last-* attributes. */
  wrapper: HTMLElement;
}

export interface LiveChartSource {
  client: LabClient;
  slot: number;
  view: TimeView;
  spec: ChartSpec;
  vpsIds: readonly string[];
  focus: string | null;
  /** VPSs drawn faded while nothing is focused (those running a fault: their neighbours are the story). */
  quiet?: readonly string[];
  /** A y range shared with other charts (both sides of a compare view). */
  shared?: SharedScale;
  /**
   * A host chart's lines that have a point in the drawn window (metric names, in spec order),
   * told when that set changes: a line drawn must keep its legend key after a mode switch.
   */
  onInked?: (metrics: readonly string[]) => void;
  /** Told the marker labels as drawn (canvas px), when they change. */
  onMarkers?: (labels: readonly DrawnLabel[]) => void;
  /**
   * Told, when it changes, the span of the plot (canvas px) before the live history's first
   * point: the part of the window older history fills, when it comes (null when there is none).
   */
  onMissing?: (span: { left: number; right: number } | null) => void;
}

export interface LiveChart {
  /** Highlight one VPS (dims the others, draws its faint second line); with none, fade `quiet`. */
  setFocus(vps: string | null, quiet?: readonly string[]): void;
  /** Column width of the last redraw, simulated seconds (the live window moves by it). */
  readonly quantum: number;
  destroy(): void;
}

export function mountLiveChart(parts: LiveChartParts, src: LiveChartSource): LiveChart {
  let focusNow = src.focus;
  let quietNow = (src.quiet ?? []).join('\u0000');
  let quantum = 0;
  const { canvas, overlay, wrapper } = parts;
  const { client, slot, view, spec: sp, vpsIds: ids } = src;
  const table = client.tables[slot];
  const theme_: Theme = readTheme(wrapper);
  /** What the series plugin draws, in drawing order; `drawOrder[i]` is its prepared line. */
  let drawn: DrawnLine[] = [];
  let drawOrder: number[] = [];
  let gapS = 1;
  let windowsOf: { events: unknown; state: unknown; windows: FaultWindow[] } = {
    events: null,
    state: null,
    windows: [],
  };
  const windows = (): FaultWindow[] => {
    if (windowsOf.events !== client.events || windowsOf.state !== client.state)
      windowsOf = {
        events: client.events,
        state: client.state,
        windows: faultWindows(client.events, client.state),
      };
    return windowsOf.windows;
  };
  let aheadOf: { state: unknown; markers: ChartMarker[] } = { state: null, markers: [] };
  let runningOf: { events: unknown; state: unknown; markers: ChartMarker[] } = {
    events: null,
    state: null,
    markers: [],
  };
  const shown = (): ChartMarker[] => {
    if (aheadOf.state !== client.state)
      aheadOf = { state: client.state, markers: upcomingMarkers(client.state) };
    const past = markersFor(client.markers, slot);
    if (runningOf.events !== client.events || runningOf.state !== client.state)
      runningOf = {
        events: client.events,
        state: client.state,
        markers: runningFaultMarkers(client.events, client.state),
      };
    const running = runningOf.markers;
    return aheadOf.markers.length || running.length ? [...past, ...running, ...aheadOf.markers] : past;
  };
  let layoutShown = '';
  /** A label says the time left to an event ahead: redrawn whenever the page's countdowns move. */
  let countdownShown = false;
  const onLayout = (
    labels: readonly DrawnLabel[],
    area: { left: number; top: number; right: number; bottom: number },
  ): void => {
    const r = (v: number): number => Math.round(v * 10) / 10;
    const text = JSON.stringify({
      area: [r(area.left), r(area.top), r(area.right), r(area.bottom)],
      labels: labels.map((l) => ({ ...l, x: r(l.x), y: r(l.y), w: r(l.w) })),
    });
    countdownShown = labels.some((l) => l.countdown);
    if (text === layoutShown) return;
    layoutShown = text;
    wrapper.setAttribute('data-markers', text);
    src.onMarkers?.(labels);
  };
  const markers = markerPlugin({
    markers: shown,
    now: () => table.lastTime(),
    countdownNow: () => client.countdown.now,
    windows,
    theme: theme_,
    onLayout,
  });
  const series = seriesPlugin({ lines: () => drawn, gap: () => gapS, log: sp.log });
  const chart = new Chart(
    canvas,
    lineConfig({ log: sp.log, min: sp.min, max: sp.max, unit: sp.unit, theme: theme_, markers, series }),
  );
  let data: ChartData | null = null;
  let dataFocus: string | undefined = undefined;
  let markerSig = '';
  let force = true;
  const lastShown = new Map<string, string | null>();
  let lastTickShown = '';
  let inkedShown = '';
  let missingShown: string | undefined;

  const build = (focused: string | null, quiet: ReadonlySet<string>): ChartData => {
    const few = ids.length <= ALL_SECONDARY_MAX;
    const d = new ChartData(sp, ids, (vps) => few || vps === focused);
    drawn = d.lines.map((l) => {
      const c = l.line.color ?? vpsColors.get(l.vps);
      // Focus and faults fade VPS lines; a host chart's lines are never faded.
      const dim = sp.host ? false : focused ? focused !== l.vps : quiet.has(l.vps) && quiet.size < ids.length;
      return {
        data: [],
        // Secondary quantities (demand, throttled) are faint solid lines: dashes are slow to raster.
        color: dim ? c + theme_.dimAlpha : l.line.secondary ? c + '70' : c,
        // 1 px lines rasterise as hairlines (much cheaper); 1.5 px only where few lines share a chart.
        width: sp.host
          ? l.line.secondary
            ? 1
            : 2
          : focused === l.vps
            ? 2
            : !few || l.line.secondary || dim
              ? 1
              : 1.5,
      };
    });
    // The highlighted VPS is drawn last, on top.
    const order = drawn
      .map((_, i) => i)
      .sort((a, b) => Number(d.lines[a].vps === focused) - Number(d.lines[b].vps === focused));
    drawn = order.map((i) => drawn[i]);
    drawOrder = order;
    return d;
  };

  /** Half a pixel of the current y axis, in axis units: smaller moves do not show. */
  const tolerance = (): Tolerance | null => {
    const y = chart.scales.y;
    const area = chart.chartArea;
    if (!y || !area || !(area.bottom > area.top)) return null;
    const log = sp.log;
    const span = log ? Math.log10(y.max) - Math.log10(y.min) : y.max - y.min;
    return Number.isFinite(span) && span > 0 ? { unitsPerPx: span / (area.bottom - area.top), log } : null;
  };

  const redraw = (): void => {
    const key = `${focusNow ?? ''}\u0001${quietNow}`;
    if (dataFocus !== key || !data) {
      dataFocus = key;
      data = build(focusNow, new Set(quietNow ? quietNow.split('\u0000') : []));
      force = true;
    }
    const area = chart.chartArea;
    const plotPx =
      area && area.right > area.left
        ? area.right - area.left
        : canvas.width / (window.devicePixelRatio || 1) - 60;
    const columns = ChartData.columnsFor(plotPx || 600);
    quantum = view.windowS / columns;
    const [t0, t1] = view.range(table.lastTime(), quantum);
    const sig = `${client.markers.length}:${client.markers[client.markers.length - 1]?.tick ?? -1}:${client.state?.upcoming?.length ?? 0}`;
    if (sig !== markerSig) {
      markerSig = sig;
      force = true;
    }
    const { lines, changed } = data.prepare(table, client.coarse[slot] ?? null, t0, t1, columns, tolerance());
    if (changed || force) {
      force = false;
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < drawOrder.length; i++) {
        const pts = lines[drawOrder[i]].data;
        drawn[i].data = pts;
        for (let k = 0; k < pts.length; k++) {
          const y = pts[k].y;
          if (y < lo) lo = y;
          if (y > hi) hi = y;
        }
      }
      if (sp.host) hostInk(lines);
      if (src.shared) {
        src.shared.report(slot, lo, hi);
        [lo, hi] = src.shared.union();
      }
      const x = chart.options.scales!.x!;
      x.min = t0;
      x.max = t1;
      (x.ticks as { stepSize?: number }).stepSize = timeStep(t1 - t0, plotPx);
      const y = chart.options.scales!.y!;
      if (sp.log) {
        // A log axis is not rounded by chart.js: bound it by 1-2-5 steps around the data.
        y.min = Number.isFinite(lo) ? niceLog(lo, false) : 1;
        y.max = Number.isFinite(hi) ? niceLog(hi, true) : 100;
        if (y.max <= y.min) y.max = niceLog(y.min * 1.01, true);
      } else {
        if (sp.min === undefined) y.suggestedMin = Number.isFinite(lo) ? lo : 0;
        if (sp.max === undefined) y.suggestedMax = Number.isFinite(hi) ? hi : 1;
      }
      // Break lines over gaps wider than a few columns or a few samples (fast-forwarded labs).
      const n = table.length;
      const step = n > 1 ? table.timeAt(n - 1) - table.timeAt(n - 2) : 0;
      gapS = Math.max(3 * data.columnWidth, 3 * step);
      chart.update('none');
      paintPointer();
      const ys = chart.scales.y;
      if (ys) wrapper.setAttribute('data-y-range', `${+ys.min.toPrecision(6)}:${+ys.max.toPrecision(6)}`);
      tellMissing();
    }
    for (const [id, v] of data.lastValues(table, t1)) {
      // Absent where the line has a gap at the right edge: the attribute says what is drawn.
      const text = Number.isFinite(v) ? String(+v.toFixed(4)) : null;
      if (lastShown.get(id) === text) continue;
      lastShown.set(id, text);
      if (text === null) wrapper.removeAttribute(`data-last-${id}`);
      else wrapper.setAttribute(`data-last-${id}`, text);
    }
    const tickText = String(table.lastTick);
    if (table.lastTick >= 0 && tickText !== lastTickShown) {
      lastTickShown = tickText;
      wrapper.setAttribute('data-last-tick', tickText);
    }
  };
  /**
   * A host chart's lines with a point in the window, told to `onInked`; with no Dom0 or host-OS
   * line drawn (full virtualization, containers), the whole host's line is the chart's one line and
   * is drawn bold rather than faint.
   */
  const hostInk = (lines: readonly { line: LineSpec; data: readonly { y: number }[] }[]): void => {
    const inked = lines.filter((l) => l.data.some((p) => Number.isFinite(p.y)));
    const alone = !inked.some((l) => !l.line.secondary);
    for (let i = 0; i < drawOrder.length; i++) {
      const { line } = lines[drawOrder[i]];
      if (!line.secondary || !line.color) continue;
      drawn[i].color = alone ? line.color : line.color + '70';
      drawn[i].width = alone ? 2 : 1;
    }
    const text = inked.map((l) => l.line.metric).join(',');
    if (text === inkedShown) return;
    inkedShown = text;
    src.onInked?.(inked.map((l) => l.line.metric));
  };
  const tellMissing = (): void => {
    const x = chart.scales.x;
    const area = chart.chartArea;
    const first = table.length ? table.firstTime() : NaN;
    const span =
      x && area && first > x.min
        ? { left: Math.round(area.left), right: Math.round(Math.min(area.right, x.getPixelForValue(first))) }
        : null;
    const text = span ? `${span.left}:${span.right}` : '';
    if (text === missingShown) return;
    missingShown = text;
    src.onMissing?.(span);
  };
  const paintPointer = (): void => drawPointerLayer(overlay, chart, view, theme_);
  const interval = (): number => {
    const speed = client.state?.speed ?? 1;
    const wallMs = ((data?.columnWidth ?? 0) * 1000) / (speed > 0 ? speed : 1);
    return Math.min(REDRAW_MAX_MS, Math.max(REDRAW_MIN_MS, wallMs));
  };
  const job = throttled(redraw, interval);
  const offData = client.onData((full) => {
    // A new snapshot or older history draws at once; live frames wait for the next column.
    if (full) job.now();
    else if (!view.paused) job.request();
  });
  // Every chart showing a countdown redraws in the frame the shared value moves in: they never differ.
  const offCountdown = client.countdown.onChange(() => {
    if (!countdownShown) return;
    force = true;
    redraw();
  });
  const offShared = src.shared?.listen(slot, () => {
    force = true;
    job.request();
  });
  const offView = view.onChange((windowChanged) => {
    if (windowChanged) job.now();
    else paintPointer();
  });
  // Data already held is drawn at once, in the frame the chart is built in.
  if (table.length) redraw();
  else job.now();
  const ro = new ResizeObserver(() => {
    const dpr = window.devicePixelRatio || 1;
    overlay.width = Math.round(overlay.clientWidth * dpr);
    overlay.height = Math.round(overlay.clientHeight * dpr);
    force = true;
    job.now();
  });
  ro.observe(wrapper);
  return {
    setFocus(vps, quiet = []) {
      const q = quiet.join('\u0000');
      if (vps === focusNow && q === quietNow) return;
      focusNow = vps;
      quietNow = q;
      job.now();
    },
    get quantum() {
      return quantum;
    },
    destroy() {
      offData();
      offCountdown();
      offView();
      offShared?.();
      ro.disconnect();
      job.cancel();
      chart.destroy();
    },
  };
}
