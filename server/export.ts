/**
 * Output of a run: CSV rows (one per tick and VPS), and the run summary (per-VPS and per-host means,
 * degradation, DNR), computed either from kept frames or by a streaming accumulator.
 */
import type { ModeSpec } from '../shared/commands.js';
import {
  HOST_METRICS,
  VPS_METRICS,
  VPS_STATES,
  type Frame,
  type HostMetricName,
  type VpsMetricName,
  type VpsState,
} from '../shared/model.js';

/** Per-VPS CSV columns after `tick`, `t`, optional `mode` and `vps`: `state` then every VPS metric. */
export const CSV_VPS_COLUMNS: readonly string[] = ['state', ...VPS_METRICS];
/** Host columns, each prefixed `host.`. */
export const CSV_HOST_COLUMNS: readonly string[] = HOST_METRICS.map((m) => `host.${m}`);

/** The CSV header line (with a trailing newline). `mode: true` adds a `mode` column after `t`. */
export function csvHeader(options: { mode?: boolean } = {}): string {
  const cols = [
    'tick',
    't',
    ...(options.mode ? ['mode'] : []),
    'vps',
    ...CSV_VPS_COLUMNS,
    ...CSV_HOST_COLUMNS,
  ];
  return cols.join(',') + '\n';
}

/** The CSV rows of one frame, one per VPS, each ending in a newline. Pass `mode` to fill the mode column. */
export function frameCsvRows(frame: Frame, mode?: ModeSpec): string {
  const head = `${frame.tick},${formatNumber(frame.t)}${mode === undefined ? '' : ',' + csvCell(modeLabel(mode))}`;
  let host = '';
  for (const m of HOST_METRICS) host += ',' + formatNumber(frame.host[m]);
  let out = '';
  for (const v of frame.vps) {
    let row = `${head},${csvCell(v.id)},${v.state}`;
    for (const m of VPS_METRICS) row += ',' + formatNumber(v[m]);
    out += row + host + '\n';
  }
  return out;
}

/** A whole run as CSV: header plus one row per tick and VPS, in tick order then VPS order. */
export function toCsv(frames: readonly Frame[], options: { mode?: ModeSpec } = {}): string {
  let out = csvHeader({ mode: options.mode !== undefined });
  for (const f of frames) out += frameCsvRows(f, options.mode);
  return out;
}

/**
 * How numbers are printed in CSV: rounded to 6 decimals, shortest round-trip form, `-0` as `0`,
 * non-finite as an empty cell. The same number always prints the same text on every platform.
 */
export function formatNumber(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '';
  const r = Math.round(x * 1e6) / 1e6;
  return r === 0 ? '0' : String(r);
}

/** A mode as one cell of text: its id, or its JSON form when it carries overrides. */
export function modeLabel(mode: ModeSpec): string {
  return typeof mode === 'string' ? mode : JSON.stringify(mode);
}

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Per-VPS summary: the mean of every metric over the ticks it existed, plus the verdicts. */
export type VpsSummary = { [K in VpsMetricName]: number | null } & {
  /** Ticks this VPS existed in (within the summary window). */
  ticks: number;
  /** Highest per-tick p99 latency seen, ms. */
  maxLatencyP99Ms: number | null;
  /** Share of those ticks spent in each state (0..1). */
  states: Record<VpsState, number>;
  /** Share of ticks with no good response (see {@link SummaryAccumulator}). */
  noResponseShare: number;
  /** Mean per-tick degradation, percent (the [M07] metric: 1 − good / good alone). */
  degradationPct: number;
  /** Did not respond for a meaningful share of the run (see {@link SummaryAccumulator}). */
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
  /** Only frames with `fromTick <= tick < toTick` count. */
  fromTick?: number;
  toTick?: number;
  /** Share of its ticks a VPS must spend not responding to be DNR (default 0.1). */
  dnrShare?: number;
}

const DEAD_STATES: ReadonlySet<string> = new Set<VpsState>(['dnr', 'down', 'rebooting']);
/** States in which a VPS serves nothing, so it has no latency to average. */
const OFF_STATES: ReadonlySet<string> = new Set<VpsState>(['down', 'rebooting']);
const LATENCY_INDEX: ReadonlySet<number> = new Set(
  (['latencyMeanMs', 'latencyP99Ms', 'latencyP99IsolatedMs'] as const).map((m) => VPS_METRICS.indexOf(m)),
);

interface VpsAcc {
  ticks: number;
  sums: Float64Array;
  counts: Uint32Array;
  states: Uint32Array;
  noResponse: number;
  maxP99: number;
}

/**
 * Streams frames into a {@link RunSummary} without keeping them, so long runs stay small.
 *
 * Means skip non-finite values (a metric with none is `null`); latency means also skip ticks spent
 * `down` or `rebooting`, when nothing is served and there is no latency to speak of. A tick counts as "no response" when
 * the VPS is `dnr`, `down` or `rebooting`, or when it served less than 1 % of the requests it was
 * offered within its SLO (throughput × good fraction < 1 % of demand). Following [M07], where DNR
 * means the benchmark got no results, a VPS is `dnr` when at least `dnrShare` (default 10 %) of its
 * ticks were "no response": a crash-and-reboot, an OOM loop or a hung service, not a blip.
 * `degradationPct` is 100 × the mean of the engine's per-tick `degradation` over the same ticks.
 */
export class SummaryAccumulator {
  private readonly vps = new Map<string, VpsAcc>();
  private readonly hostSums = new Float64Array(HOST_METRICS.length);
  private readonly hostCounts = new Uint32Array(HOST_METRICS.length);
  private ticks = 0;
  private fromT = NaN;
  private toT = NaN;

  constructor(private readonly options: SummaryOptions = {}) {}

  /** Adds one frame (ignored when outside the window). */
  add(frame: Frame): void {
    const { fromTick = 0, toTick = Infinity } = this.options;
    if (frame.tick < fromTick || frame.tick >= toTick) return;
    this.ticks++;
    if (Number.isNaN(this.fromT)) this.fromT = frame.t;
    this.toT = frame.t;
    for (let k = 0; k < HOST_METRICS.length; k++) {
      const x = frame.host[HOST_METRICS[k]];
      if (Number.isFinite(x)) {
        this.hostSums[k] += x;
        this.hostCounts[k]++;
      }
    }
    for (const v of frame.vps) {
      let acc = this.vps.get(v.id);
      if (!acc) {
        acc = {
          ticks: 0,
          sums: new Float64Array(VPS_METRICS.length),
          counts: new Uint32Array(VPS_METRICS.length),
          states: new Uint32Array(VPS_STATES.length),
          noResponse: 0,
          maxP99: -Infinity,
        };
        this.vps.set(v.id, acc);
      }
      acc.ticks++;
      const off = OFF_STATES.has(v.state);
      for (let k = 0; k < VPS_METRICS.length; k++) {
        const x = v[VPS_METRICS[k]];
        if (Number.isFinite(x) && !(off && LATENCY_INDEX.has(k))) {
          acc.sums[k] += x;
          acc.counts[k]++;
        }
      }
      const s = VPS_STATES.indexOf(v.state);
      if (s >= 0) acc.states[s]++;
      if (Number.isFinite(v.latencyP99Ms) && v.latencyP99Ms > acc.maxP99) acc.maxP99 = v.latencyP99Ms;
      if (isNoResponse(v)) acc.noResponse++;
    }
  }

  /** The summary of everything added so far. */
  result(): RunSummary {
    const dnrShare = this.options.dnrShare ?? 0.1;
    const vps: Record<string, VpsSummary> = {};
    for (const [id, a] of this.vps) {
      const means = {} as Record<VpsMetricName, number | null>;
      VPS_METRICS.forEach((m, k) => (means[m] = a.counts[k] ? a.sums[k] / a.counts[k] : null));
      const states = {} as Record<VpsState, number>;
      VPS_STATES.forEach((s, k) => (states[s] = a.states[k] / a.ticks));
      const noResponseShare = a.noResponse / a.ticks;
      vps[id] = {
        ...means,
        ticks: a.ticks,
        maxLatencyP99Ms: a.maxP99 === -Infinity ? null : a.maxP99,
        states,
        noResponseShare,
        degradationPct: 100 * (means.degradation ?? 0),
        dnr: noResponseShare >= dnrShare,
      };
    }
    const host = {} as Record<HostMetricName, number | null>;
    HOST_METRICS.forEach(
      (m, k) => (host[m] = this.hostCounts[k] ? this.hostSums[k] / this.hostCounts[k] : null),
    );
    return {
      ticks: this.ticks,
      fromT: this.ticks ? this.fromT : 0,
      toT: this.ticks ? this.toT : 0,
      vps,
      host,
    };
  }
}

/** The summary of a list of frames (same rules as {@link SummaryAccumulator}). */
export function summarize(frames: Iterable<Frame>, options: SummaryOptions = {}): RunSummary {
  const acc = new SummaryAccumulator(options);
  for (const f of frames) acc.add(f);
  return acc.result();
}

function isNoResponse(v: Frame['vps'][number]): boolean {
  if (DEAD_STATES.has(v.state)) return true;
  const good = v.throughputRps * v.goodFraction;
  const offered = Number.isFinite(v.demandRps) ? v.demandRps : undefined;
  if (offered === undefined) return v.goodFraction < 0.01;
  return offered > 0 && !(good >= 0.01 * offered);
}
