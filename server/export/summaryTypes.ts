/** What the run summary (server/export/summary.ts) gives, and the options it takes. */
import type { HostMetricName, VpsMetricName, VpsState } from '../../shared/model.js';

/** Per-VPS summary: the mean of every metric over the ticks it existed, plus the verdicts. */
export type VpsSummary = { [K in VpsMetricName]: number | null } & {
  /** Ticks this VPS existed in (within the summary window). */
  ticks: number;
  /** Highest per-tick p99 latency seen, ms. */
  maxLatencyP99Ms: number | null;
  /** Share of those ticks spent in each state (0..1). */
  states: Record<VpsState, number>;
  /** Share of ticks with no good response (see `SummaryAccumulator`). */
  noResponseShare: number;
  /** Mean per-tick degradation, percent (the [M07] metric: 1 − good / good alone). */
  degradationPct: number;
  /** Did not respond for a meaningful share of the run (see `SummaryAccumulator`). */
  dnr: boolean;
};

export interface RunSummary {
  /** Ticks summarized, and the simulated span they cover. */
  ticks: number;
  fromT: number;
  toT: number;
  /** Per VPS, keyed by id, in order of first appearance. */
  vps: Record<string, VpsSummary>;
  /** Mean of each host metric. */
  host: Record<HostMetricName, number | null>;
}

export interface SummaryOptions {
  /** Only ticks with `fromTick <= tick < toTick` count. */
  fromTick?: number;
  toTick?: number;
  /** Share of its ticks a VPS must spend not responding to be DNR (default 0.1). */
  dnrShare?: number;
}
