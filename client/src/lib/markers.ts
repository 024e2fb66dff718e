/**
 * Event markers as the charts draw them: which side of a compare lab shows an entry, the
 * scenario's events still ahead, and the layout of lines and labels (one line per distinct tick,
 * one label per cluster of nearby lines, every mode switch labelled on its own, labels stacked in
 * rows so none overlaps another, long ones cut with an ellipsis).
 */
import type { LabEvent, LabState } from '../../../shared/protocol.js';
import { unloggedFaults } from './faultWindows.js';
import { markerFor, type Marker } from './eventMarker.js';
import { effectiveUpcoming } from './upcoming.js';

/** A chart marker: something that happened, or (`ahead`) a scheduled event that has not fired yet. */
export type ChartMarker = Marker & { ahead?: boolean };

/** The markers one side of the lab shows: its own, and those of every side. */
export function markersFor(markers: readonly Marker[], side: number): Marker[] {
  return markers.filter((m) => m.side === undefined || m.side === side);
}

/**
 * The scenario's events still ahead, as markers (from the lab state the server sends); a stop that
 * will find its fault not running (stopped by hand already) is not one: it would count down to
 * nothing.
 */
export function upcomingMarkers(state: LabState | null): ChartMarker[] {
  const out: ChartMarker[] = [];
  for (const e of effectiveUpcoming(state)) {
    const m = markerFor(
      { tick: e.tick, kind: 'command', by: 'scenario', message: '', command: e.command },
      state!.tickMs,
    );
    if (m) out.push({ ...m, ahead: true });
  }
  return out;
}

/**
 * The faults still running whose start the log does not hold, marked where they started (from
 * the lab state): a long-running fault's start can fall out of the bounded log, and a lab saved
 * before forks carried their source's log holds a forked fault's start in its state only. Their shaded span then says what it is.
 */
export function runningFaultMarkers(events: readonly LabEvent[], state: LabState | null): Marker[] {
  const s = (state?.tickMs ?? 100) / 1000;
  return unloggedFaults(events, state).map((f) => ({
    tick: f.tick,
    t: f.tick * s,
    kind: 'fault',
    label: f.label,
  }));
}

/** Lines at most this many pixels apart form one cluster, under one label. */
export const CLUSTER_PX = 6;
/** Labels longer than this (or than a third of a wider plot) are cut with an ellipsis. */
export const MAX_LABEL_PX = 140;
/** Space kept between two labels of a row. */
export const LABEL_GAP_PX = 6;
/** A label pinned to the right edge may be this much longer (it carries the time left). */
const PINNED_EXTRA_PX = 80;
/** Space between a line and its label. */
const LABEL_PAD_PX = 3;

export interface MarkerLine {
  px: number;
  /** The marker that gives the line its colour and dash. */
  marker: ChartMarker;
}

export interface MarkerLabel {
  /** Left edge of the text. */
  x: number;
  /** Width of the text. */
  w: number;
  /** Row, 0 at the top of the plot. */
  row: number;
  text: string;
  marker: ChartMarker;
  /** What the label stands for, whole: one line per marker it names (it may be cut, or "+N"). */
  full: readonly string[];
  /** It names events ahead past the window's end, with the time left (pinned to the right edge). */
  countdown: boolean;
}

export interface MarkerLayoutInput {
  /** Visible time range. */
  min: number;
  max: number;
  /** Pixel of a time. */
  toPx: (t: number) => number;
  /** Plot area's left and right edges (labels stay between them). */
  left?: number;
  right: number;
  /** Width of a text in pixels. */
  measure: (text: string) => number;
  /** Rows of labels the plot has room for (default 1). */
  rows?: number;
  /**
   * Newest simulated time: events ahead beyond the window are named at its right edge with how
   * long until they fire (default: the window's end).
   */
  now?: number;
  clusterPx?: number;
  maxLabelPx?: number;
}

/** Commands and faults come before notes of what the engine did; among equals, the earlier. */
function rank(m: Marker): number {
  if (m.note) return 2;
  return m.kind === 'command' ? 1 : 0;
}

function pick<M extends Marker>(ms: readonly M[]): M {
  let best = ms[0];
  for (const m of ms) if (rank(m) < rank(best)) best = m;
  return best;
}

/** `text` cut with an ellipsis to at most `maxPx` wide. */
export function truncate(text: string, maxPx: number, measure: (s: string) => number): string {
  if (measure(text) <= maxPx) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (measure(text.slice(0, mid).trimEnd() + '…') <= maxPx) lo = mid;
    else hi = mid - 1;
  }
  return text.slice(0, lo).trimEnd() + '…';
}

/** "0:12" for a span of seconds. */
function span(s: number): string {
  const t = Math.max(0, Math.round(s));
  return `${Math.floor(t / 60)}:${String(t % 60).padStart(2, '0')}`;
}

/**
 * Mode switches, each named: one label per switch, or where the next switch comes before the
 * label would end, one label for the run ("mode → full → para → full"), cut only when wider than
 * the whole plot.
 */
function modeChains(visible: readonly ChartMarker[], o: MarkerLayoutInput): Candidate[] {
  const out: Candidate[] = [];
  for (const m of visible) {
    if (m.kind !== 'mode' || m.ahead) continue;
    const px = o.toPx(m.t);
    // A run joins switches of one lab only: a fork's own switch never extends its source's run.
    const last = out[out.length - 1]?.head.from === m.from ? out[out.length - 1] : undefined;
    const to = m.label.slice(m.label.indexOf('mode → ') + 'mode → '.length);
    const longer = last ? `${last.label} → ${to}` : '';
    // A run wider than the plot goes on in a new label (which takes the next row).
    const fits = o.left === undefined || o.measure(longer) <= o.right - o.left;
    if (last && fits && px <= last.px + LABEL_PAD_PX + o.measure(last.label) + LABEL_GAP_PX)
      last.label = longer;
    else out.push({ px, head: m, label: m.label, suffix: '', order: 0, whole: true });
  }
  return out;
}

interface Candidate {
  /** Pixel of the line it names. */
  px: number;
  head: ChartMarker;
  /** Text before any cut, and what is added after it ("+2"). */
  label: string;
  suffix: string;
  /** Placed first: mode switches, then events ahead, then the rest. */
  order: number;
  /** Drawn from its right edge leftwards (events ahead beyond the window, pinned to the edge). */
  pinned?: boolean;
  /** Not cut to the usual label width, only to the plot's (mode switches). */
  whole?: boolean;
  /** The markers it names, whole (its own label and suffix when absent). */
  full?: string[];
}

/**
 * Lines and labels for the visible markers: one line per distinct tick; lines within
 * `clusterPx` of the previous one join its cluster, labelled once with its first command or fault
 * (else its first entry) and "+N" for the others, except mode switches, each labelled on its own.
 * Labels go in the first of `rows` rows where they overlap no other (mode switches placed first);
 * one that fits nowhere is left out. Events ahead past the window's end are named at its right
 * edge ("▸ io_storm on batch-1 in 0:12").
 */
export function layoutMarkers(
  markers: readonly ChartMarker[],
  o: MarkerLayoutInput,
): { lines: MarkerLine[]; labels: MarkerLabel[] } {
  const clusterPx = o.clusterPx ?? CLUSTER_PX;
  const maxLabelPx = o.maxLabelPx ?? MAX_LABEL_PX;
  const left = o.left ?? -Infinity;
  const rows = Math.max(1, Math.floor(o.rows ?? 1));
  const visible = markers.filter((m) => m.t >= o.min && m.t <= o.max).sort((a, b) => a.tick - b.tick);
  // One group per distinct tick, in time order (markers arrive in order; the sort is stable).
  const ticks: ChartMarker[][] = [];
  for (const m of visible) {
    const last = ticks[ticks.length - 1];
    if (last && last[0].tick === m.tick && !!last[0].ahead === !!m.ahead) last.push(m);
    else ticks.push([m]);
  }
  const lines: MarkerLine[] = ticks.map((ms) => ({ px: o.toPx(ms[0].t), marker: pick(ms) }));
  const clusters: { px: number; members: ChartMarker[] }[] = [];
  let prevPx = -Infinity;
  ticks.forEach((ms, i) => {
    const px = lines[i].px;
    const c = clusters[clusters.length - 1];
    if (c && px - prevPx <= clusterPx && !!c.members[0].ahead === !!ms[0].ahead) c.members.push(...ms);
    else clusters.push({ px, members: [...ms] });
    prevPx = px;
  });
  const candidates: Candidate[] = modeChains(visible, o);
  for (const c of clusters) {
    // Mode switches already have their labels (one ahead is named like any event ahead).
    const rest = c.members.filter((m) => m.kind !== 'mode' || m.ahead);
    if (!rest.length) continue;
    const head = pick(rest);
    const more = rest.length - 1;
    const label = head.ahead ? `▸ ${head.label}` : head.label;
    candidates.push({
      px: c.px,
      head,
      label,
      suffix: more > 0 ? ` +${more}` : '',
      order: head.ahead ? 1 : 2,
      full: [head, ...rest.filter((m) => m !== head)].map((m) => (m.ahead ? `▸ ${m.label}` : m.label)),
    });
  }
  const beyond = markers.filter((m) => m.ahead && m.t > o.max).sort((a, b) => a.t - b.t);
  if (beyond.length) {
    const head = beyond[0];
    const more = beyond.length - 1;
    // The time left is kept whole; a long name is what gets cut.
    const suffix = ` in ${span(head.t - (o.now ?? o.max))}${more > 0 ? ` +${more}` : ''}`;
    const full = beyond.map((m) => `▸ ${m.label} in ${span(m.t - (o.now ?? o.max))}`);
    candidates.push({ px: o.right, head, label: `▸ ${head.label}`, suffix, order: 1, pinned: true, full });
  }
  candidates.sort((a, b) => a.order - b.order || a.px - b.px);
  const taken: [number, number][][] = Array.from({ length: rows }, () => []);
  const labels: MarkerLabel[] = [];
  for (const c of candidates) {
    const suffixW = c.suffix ? o.measure(c.suffix) : 0;
    const fit = (max: number): string => truncate(c.label, max - suffixW, o.measure) + c.suffix;
    // Right of its line; else left of it; else as far right as it fits, across its line; a
    // label wider than the whole plot is cut to it.
    let text = c.whole ? c.label : fit(c.pinned ? maxLabelPx + PINNED_EXTRA_PX : maxLabelPx);
    let w = o.measure(text);
    const span = o.right - (Number.isFinite(left) ? left : o.right - Math.max(w, 1));
    // A mode switch wider than the plot (a phone's compare view) first drops the name of the lab
    // it was inherited from, then is cut like any other label: the plot's edge would cut it unsaid.
    const prefix = c.head.from !== undefined ? `${c.head.from}: ` : '';
    if (w > span && c.whole && prefix && text.startsWith(prefix)) {
      text = text.slice(prefix.length);
      w = o.measure(text);
    }
    if (w > span) {
      text = c.whole ? truncate(text, span, o.measure) : fit(span);
      w = o.measure(text);
    }
    let x: number;
    if (c.pinned) x = c.px - w;
    else if (c.px + LABEL_PAD_PX + w <= o.right) x = c.px + LABEL_PAD_PX;
    else if (c.px - LABEL_PAD_PX - w >= left) x = c.px - LABEL_PAD_PX - w;
    else x = o.right - w;
    if (x < left) x = left;
    const row = taken.findIndex((spans) =>
      spans.every(([a, b]) => x + w + LABEL_GAP_PX <= a || x >= b + LABEL_GAP_PX),
    );
    if (row < 0) continue;
    taken[row].push([x, x + w]);
    labels.push({
      x,
      w,
      row,
      text,
      marker: c.head,
      full: c.full ?? [c.label + c.suffix],
      countdown: !!c.pinned,
    });
  }
  labels.sort((a, b) => a.row - b.row || a.x - b.x);
  return { lines, labels };
}
