/**
 * `window.__contention`: what the charts hold, for browser tests and curious users in the console.
 */
import type { LabClient } from './lab.svelte.js';
import { CHART_METRICS, type ChartMetric } from './series.js';

export interface DebugHook {
  lab: string;
  /** Newest tick held. */
  tick(): number;
  /** One series as plain arrays (slot 1 is the second mode of a compare lab). */
  series(vps: string, metric: ChartMetric, slot?: number): { t: number[]; v: number[] };
  /** Newest value of every charted metric of one VPS. */
  latest(vps: string, slot?: number): Record<string, number>;
  vpsIds(slot?: number): readonly string[];
  /** Buckets of older history the server sent for the charts' window (0 before any came). */
  olderBuckets(slot?: number): number;
  markers(): { t: number; kind: string; label: string }[];
  /** Commands and clock actions sent and not yet answered (a change can show before its answer). */
  unanswered(): number;
}

declare global {
  interface Window {
    __contention?: DebugHook;
  }
}

export function installDebugHook(client: LabClient): () => void {
  if (typeof window === 'undefined') return () => {};
  const hook: DebugHook = {
    lab: client.labId,
    tick: () => client.tables[0].lastTick,
    series: (vps, metric, slot = 0) => client.tables[slot].toArray(vps, metric),
    latest: (vps, slot = 0) => {
      const out: Record<string, number> = {};
      for (const m of CHART_METRICS) out[m] = client.tables[slot].latest(vps, m);
      return out;
    },
    vpsIds: (slot = 0) => client.tables[slot].vpsIds(),
    olderBuckets: (slot = 0) => client.coarse[slot]?.length ?? 0,
    markers: () => client.markers.map((m) => ({ t: m.t, kind: m.kind, label: m.label })),
    unanswered: () => client.unanswered,
  };
  window.__contention = hook;
  return () => {
    if (window.__contention === hook) delete window.__contention;
  };
}
