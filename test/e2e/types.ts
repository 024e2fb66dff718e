/** The page's `window.__contention` debug hook, as browser tests read it. */
export type ChartMetricName =
  'latencyP99Ms' | 'throughputRps' | 'demandRps' | 'cpuSteal' | 'cpuThrottled' | 'health';

export interface DebugView {
  lab: string;
  tick(): number;
  series(vps: string, metric: ChartMetricName, slot?: number): { t: number[]; v: number[] };
  latest(vps: string, slot?: number): Record<string, number>;
  vpsIds(slot?: number): readonly string[];
  markers(): { t: number; kind: string; label: string }[];
  olderBuckets(slot?: number): number;
}
