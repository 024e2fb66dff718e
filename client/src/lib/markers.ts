/**
 * Event markers as the charts draw them: which side of a compare lab shows an entry, and the
 * layout of lines and labels (one line per distinct tick, one label per cluster of nearby lines,
 * labels that would overlap dropped, long ones cut with an ellipsis).
 */
import type { Marker } from './lab.svelte.js';

/** The markers one side of the lab shows: its own, and those of every side. */
export function markersFor(markers: readonly Marker[], side: number): Marker[] {
  return markers.filter((m) => m.side === undefined || m.side === side);
}

/** Lines at most this many pixels apart form one cluster, under one label. */
export const CLUSTER_PX = 6;
/** Labels longer than this are cut with an ellipsis. */
export const MAX_LABEL_PX = 140;
/** Space kept between two labels. */
export const LABEL_GAP_PX = 6;
/** Near the right edge, a label is cut to the room left down to this width. */
const MIN_LABEL_PX = 60;
/** Space between a line and its label. */
const LABEL_PAD_PX = 3;

export interface MarkerLine {
  px: number;
  /** The marker that gives the line its colour and dash. */
  marker: Marker;
}

export interface MarkerLabel {
  /** Left edge of the text. */
  x: number;
  text: string;
  marker: Marker;
}

export interface MarkerLayoutInput {
  /** Visible time range. */
  min: number;
  max: number;
  /** Pixel of a time. */
  toPx: (t: number) => number;
  /** Plot area's right edge (labels that would cross it go left of their line). */
  right: number;
  /** Width of a text in pixels. */
  measure: (text: string) => number;
  clusterPx?: number;
  maxLabelPx?: number;
}

/** Commands and faults come before notes of what the engine did; among equals, the earlier. */
function rank(m: Marker): number {
  if (m.note) return 2;
  return m.kind === 'command' ? 1 : 0;
}

function pick(ms: readonly Marker[]): Marker {
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

/**
 * Lines and labels for the visible markers: one line per distinct tick; lines within
 * `clusterPx` of the previous one join its cluster, labelled once with its first command or fault
 * (else its first entry) and "+N" for the others; a label that would overlap the one before it is
 * left out.
 */
export function layoutMarkers(markers: readonly Marker[], o: MarkerLayoutInput): { lines: MarkerLine[]; labels: MarkerLabel[] } {
  const clusterPx = o.clusterPx ?? CLUSTER_PX;
  const maxLabelPx = o.maxLabelPx ?? MAX_LABEL_PX;
  const visible = markers.filter((m) => m.t >= o.min && m.t <= o.max).sort((a, b) => a.tick - b.tick);
  // One group per distinct tick, in time order (markers arrive in order; the sort is stable).
  const ticks: Marker[][] = [];
  for (const m of visible) {
    const last = ticks[ticks.length - 1];
    if (last && last[0].tick === m.tick) last.push(m);
    else ticks.push([m]);
  }
  const lines: MarkerLine[] = ticks.map((ms) => ({ px: o.toPx(ms[0].t), marker: pick(ms) }));
  const clusters: { start: number; members: Marker[] }[] = [];
  let prevPx = -Infinity;
  ticks.forEach((ms, i) => {
    const px = lines[i].px;
    const c = clusters[clusters.length - 1];
    if (c && px - prevPx <= clusterPx) c.members.push(...ms);
    else clusters.push({ start: i, members: [...ms] });
    prevPx = px;
  });
  const labels: MarkerLabel[] = [];
  let lastRight = -Infinity;
  for (const c of clusters) {
    const head = pick(c.members);
    const more = c.members.length - 1;
    const suffix = more > 0 ? ` +${more}` : '';
    const px = lines[c.start].px;
    let x = px + LABEL_PAD_PX;
    // Near the right edge a label is cut to the room left, or goes left of its line when too little.
    const room = o.right - x;
    const fit = (max: number): string => truncate(head.label, max - (suffix ? o.measure(suffix) : 0), o.measure) + suffix;
    let text = fit(maxLabelPx);
    if (o.measure(text) > room && room >= MIN_LABEL_PX) text = fit(room);
    const w = o.measure(text);
    if (x + w > o.right) x = px - LABEL_PAD_PX - w;
    if (x < lastRight + LABEL_GAP_PX) continue;
    labels.push({ x, text, marker: head });
    lastRight = x + w;
  }
  return { lines, labels };
}
