/**
 * The run summary (per-VPS and per-host means, degradation, DNR), accumulated tick by tick from
 * {@link TickColumns} in memory that grows with the number of VPSs, never with the run's length.
 */
import {
  HOST_METRICS,
  VPS_METRICS,
  VPS_STATES,
  type Frame,
  type HostMetricName,
  type VpsState,
} from '../../shared/model.js';
import { TickColumns, frameColumns } from './columns.js';
import { DEAD, OFF, sumGroups, sumServing } from './summarySums.js';
import type { RunSummary, SummaryOptions, VpsSummary } from './summaryTypes.js';

export type { RunSummary, SummaryOptions, VpsSummary } from './summaryTypes.js';

const M = VPS_METRICS.length;
const S = VPS_STATES.length;
const LATENCY = new Uint8Array(M);
for (const m of [
  'latencyMeanMs',
  'latencyP99Ms',
  'latencyP95Ms',
  'diskLatencyMs',
  'latencyP99IsolatedMs',
] as const) {
  const k = VPS_METRICS.indexOf(m);
  if (k >= 0) LATENCY[k] = 1;
}
/** Metric indices, latency ones apart (they also skip VPSs that serve nothing this tick). */
const ALL = VPS_METRICS.map((_, k) => k);
const PLAIN = ALL.filter((k) => !LATENCY[k]);
const LATENCIES = ALL.filter((k) => LATENCY[k]);
const P99 = VPS_METRICS.indexOf('latencyP99Ms');
const THROUGHPUT = VPS_METRICS.indexOf('throughputRps');
const GOOD = VPS_METRICS.indexOf('goodFraction');
const OFFERED = VPS_METRICS.indexOf('demandRps');
const DEGRADATION = VPS_METRICS.indexOf('degradation');

/**
 * Streams ticks into a {@link RunSummary} without keeping them, so long runs stay small.
 *
 * Means skip non-finite values (a metric with none is `null`); latency means (mean, p95, p99, the
 * isolated p99, the disk's) also skip ticks spent
 * `down` or `rebooting`, when nothing is served and there is no latency to speak of. A tick counts as "no response" when
 * the VPS is `dnr`, `down` or `rebooting`, or when it served less than 1 % of the requests it was
 * offered within its SLO (throughput × good fraction < 1 % of demand). Following [M07], where DNR
 * means the benchmark got no results, a VPS is `dnr` when at least `dnrShare` (default 10 %) of its
 * ticks were "no response": a crash-and-reboot, an OOM loop or a hung service, not a blip.
 * `degradationPct` is 100 × the mean of the engine's per-tick `degradation` over the same ticks.
 */
export class SummaryAccumulator {
  /** VPS id → slot (slots in order of first appearance). */
  private readonly slotOfId = new Map<string, number>();
  private readonly order: string[] = [];
  private cap = 0;
  /** Metric-major per slot: Σ of the counted values, and how many ticks were left out. */
  private sums = new Float64Array(0);
  private skips = new Uint32Array(0);
  /** Each metric's row of `sums` and `skips` (views, remade when the slots grow). */
  private sumRows: Float64Array[] = [];
  private skipRows: Uint32Array[] = [];
  private ticksOf = new Uint32Array(0);
  private states = new Uint32Array(0);
  private noResponse = new Uint32Array(0);
  private maxP99 = new Float64Array(0);
  private readonly hostSums = new Float64Array(HOST_METRICS.length);
  private readonly hostCounts = new Uint32Array(HOST_METRICS.length);
  /** Slot of each column for the last VPS id list seen. */
  private lastIds: readonly string[] | null = null;
  private slots = new Int32Array(0);
  /** `slots[i] === i` for every column of the last id list. */
  private identity = false;
  private readonly scratch = new TickColumns();
  private ticks = 0;
  private fromT = NaN;
  private toT = NaN;

  constructor(private readonly options: SummaryOptions = {}) {}

  /** Adds one frame (ignored when outside the window). */
  add(frame: Frame): void {
    this.addColumns(frameColumns(frame, this.scratch));
  }

  /** Adds one tick read as columns (ignored when outside the window). */
  addColumns(c: TickColumns): void {
    const { fromTick = 0, toTick = Infinity } = this.options;
    if (c.tick < fromTick || c.tick >= toTick) return;
    this.ticks++;
    if (Number.isNaN(this.fromT)) this.fromT = c.t;
    this.toT = c.t;
    for (let k = 0; k < HOST_METRICS.length; k++) {
      const x = c.host[k];
      if (Number.isFinite(x)) {
        this.hostSums[k] += x;
        this.hostCounts[k]++;
      }
    }
    if (c.ids !== this.lastIds) this.mapSlots(c.ids);
    const anyOff = this.countVps(c);
    if (this.identity) {
      // Slot i is column i (no VPS came or went): no indirection, four metrics per pass.
      sumGroups(c.n, c.col, anyOff ? PLAIN : ALL, this.sumRows, this.skipRows);
      if (anyOff)
        for (const k of LATENCIES) sumServing(c.n, c.col[k], c.state, this.sumRows[k], this.skipRows[k]);
    } else this.sumMapped(c);
  }

  /** Per VPS: ticks, states, highest p99 and "no response"; returns whether any VPS served nothing. */
  private countVps(c: TickColumns): boolean {
    const n = c.n;
    const slots = this.slots;
    const cap = this.cap;
    const col = c.col;
    const state = c.state;
    const { ticksOf, states, noResponse, maxP99 } = this;
    const p99 = P99 >= 0 ? col[P99] : null;
    const thr = col[THROUGHPUT],
      goodF = col[GOOD];
    const offeredCol = OFFERED >= 0 ? col[OFFERED] : null;
    let off = 0;
    for (let i = 0; i < n; i++) {
      const s = slots[i];
      const st = state[i];
      off |= OFF[st];
      ticksOf[s]++;
      if (st < S) states[st * cap + s]++;
      if (p99) {
        const p = p99[i];
        if (p - p === 0 && p > maxP99[s]) maxP99[s] = p;
      }
      if (DEAD[st]) noResponse[s]++;
      else if (offeredCol !== null) {
        // (No NaN stand-in for a missing column: merged with a read, V8 would box each value.)
        const offered = offeredCol[i];
        if (offered - offered === 0) {
          if (offered > 0 && !(thr[i] * goodF[i] >= 0.01 * offered)) noResponse[s]++;
        } else if (goodF[i] < 0.01) noResponse[s]++;
      } else if (goodF[i] < 0.01) noResponse[s]++;
    }
    return off !== 0;
  }

  /** The metric sums when columns and slots differ (a VPS came or went during the run). */
  private sumMapped(c: TickColumns): void {
    const n = c.n;
    const slots = this.slots;
    const state = c.state;
    for (let k = 0; k < M; k++) {
      const v = c.col[k];
      const sums = this.sumRows[k];
      const skips = this.skipRows[k];
      const latency = LATENCY[k] === 1;
      for (let i = 0; i < n; i++) {
        const x = v[i];
        if (x - x === 0 && (!latency || OFF[state[i]] === 0)) sums[slots[i]] += x;
        else skips[slots[i]]++;
      }
    }
  }

  private mapSlots(ids: readonly string[]): void {
    this.lastIds = ids;
    if (this.slots.length < ids.length) this.slots = new Int32Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      let s = this.slotOfId.get(ids[i]);
      if (s === undefined) {
        s = this.order.length;
        this.order.push(ids[i]);
        this.slotOfId.set(ids[i], s);
      }
      this.slots[i] = s;
    }
    let identity = true;
    for (let i = 0; i < ids.length && identity; i++) identity = this.slots[i] === i;
    this.identity = identity;
    if (this.order.length > this.cap) this.grow(Math.max(this.order.length, this.cap * 2));
  }

  private grow(cap: number): void {
    const old = this.cap;
    const widen = <T extends Float64Array | Uint32Array>(a: T, rows: number, make: (len: number) => T): T => {
      const b = make(rows * cap);
      for (let r = 0; r < rows; r++) b.set(a.subarray(r * old, (r + 1) * old), r * cap);
      return b;
    };
    this.sums = widen(this.sums, M, (l) => new Float64Array(l));
    this.skips = widen(this.skips, M, (l) => new Uint32Array(l));
    this.states = widen(this.states, S, (l) => new Uint32Array(l));
    this.ticksOf = widen(this.ticksOf, 1, (l) => new Uint32Array(l));
    this.noResponse = widen(this.noResponse, 1, (l) => new Uint32Array(l));
    const p = new Float64Array(cap).fill(-Infinity);
    p.set(this.maxP99);
    this.maxP99 = p;
    this.cap = cap;
    this.sumRows = ALL.map((k) => this.sums.subarray(k * cap, (k + 1) * cap));
    this.skipRows = ALL.map((k) => this.skips.subarray(k * cap, (k + 1) * cap));
  }

  /** The summary of everything added so far. */
  result(): RunSummary {
    const dnrShare = this.options.dnrShare ?? 0.1;
    const vps: Record<string, VpsSummary> = {};
    const cap = this.cap;
    const order = this.order;
    for (let s = 0; s < order.length; s++) {
      const ticks = this.ticksOf[s];
      if (ticks === 0) continue;
      // Keys in the order the summary has always had: the metric means, then the verdicts.
      const row: Record<string, unknown> = {};
      for (let k = 0; k < M; k++) {
        const count = ticks - this.skips[k * cap + s];
        row[VPS_METRICS[k]] = count ? this.sums[k * cap + s] / count : null;
      }
      const states = {} as Record<VpsState, number>;
      for (let k = 0; k < S; k++) states[VPS_STATES[k]] = this.states[k * cap + s] / ticks;
      const noResponseShare = this.noResponse[s] / ticks;
      const degradation = DEGRADATION >= 0 ? (row.degradation as number | null) : null;
      row.ticks = ticks;
      row.maxLatencyP99Ms = this.maxP99[s] === -Infinity ? null : this.maxP99[s];
      row.states = states;
      row.noResponseShare = noResponseShare;
      row.degradationPct = 100 * (degradation ?? 0);
      row.dnr = noResponseShare >= dnrShare;
      vps[order[s]] = row as VpsSummary;
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
