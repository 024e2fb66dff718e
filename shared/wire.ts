/**
 * What the socket carries besides the frame message itself (shared/wireFrame.ts): each metric's
 * wire resolution (numbers travel as scaled integers), VPS states and resources as small ints,
 * attribution as index tuples, and a snapshot's history in delta- and run-length-coded columns.
 * Both ends use this module: the server encodes, the dashboard decodes.
 */
import {
  HOST_METRICS,
  RESOURCES,
  VPS_METRICS,
  VPS_STATES,
  type HostMetricName,
  type VpsMetricName,
} from './model.js';
import type { WireFrameMessage } from './wireFrame.js';

/**
 * Resolution of each metric on the wire: value × scale, rounded. 1000 keeps fractions to 0.1 %,
 * 10000 keeps degradation to 0.01 % (the published table has cells that small); latencies
 * travel to 0.1 ms, rates and bandwidths as whole units (the published table has cells that small).
 */
export const VPS_SCALE: Record<VpsMetricName, number> = {
  cpuDemand: 100,
  cpuGranted: 100,
  cpuUseful: 100,
  cpuSteal: 1000,
  cpuThrottled: 1000,
  memDemandGiB: 100,
  memResidentGiB: 100,
  memSwappedGiB: 100,
  diskDemandIops: 1,
  diskServedIops: 1,
  netDemandMbps: 1,
  netServedMbps: 1,
  latencyMeanMs: 10,
  latencyP99Ms: 10,
  throughputRps: 1,
  errorRate: 1000,
  goodFraction: 1000,
  degradation: 10000,
  health: 1,
  demandRps: 1,
  schedWaitMs: 10,
  latencyP99IsolatedMs: 1,
  backlog: 1,
  latencyP95Ms: 1,
  diskLatencyMs: 10,
};

export const HOST_SCALE: Record<HostMetricName, number> = {
  cpuUtil: 1000,
  memUsedGiB: 100,
  hostSwapGiB: 100,
  diskUtil: 1000,
  netUtil: 1000,
  dom0CpuUtil: 1000,
  fairness: 1000,
  running: 1,
  cpuIdleCores: 100,
  hostOsCpuUtil: 1000,
};

/** Attribution edges below this share are not sent. */
export const WIRE_MIN_SHARE = 0.01;
/** At most this many attribution edges per frame (largest shares first). */
export const WIRE_MAX_EDGES = 16;

/** A number on the wire: a scaled integer, or null for a value that is not finite. */
export type WireNumber = number | null;

/** Largest magnitude of a scaled value on the wire: beyond it a value is sent as ±WIRE_INT_MAX. */
export const WIRE_INT_MAX = 0x7fffffff;

function enc(v: number, scale: number): WireNumber {
  const y = v * scale;
  // + 0: a negative zero travels as 0 (JSON writes it so anyway), kept a small integer.
  if (y >= -WIRE_INT_MAX && y <= WIRE_INT_MAX) return Math.round(y) + 0;
  if (!Number.isFinite(v)) return null;
  return y > 0 ? WIRE_INT_MAX : -WIRE_INT_MAX;
}

/** Index of a VPS state in VPS_STATES, as a wire row and the server's packed history store it. */
export const STATE_INDEX: ReadonlyMap<string, number> = new Map(VPS_STATES.map((s, i) => [s, i]));
/** Index of a resource in RESOURCES, as attribution edges store it. */
export const RESOURCE_INDEX: ReadonlyMap<string, number> = new Map(RESOURCES.map((r, i) => [r, i]));

/**
 * Attribution edges as sent: those of at least WIRE_MIN_SHARE between known VPSs, largest first,
 * at most WIRE_MAX_EDGES, share × 100. `quads` holds [victimIndex, culpritIndex, resourceIndex,
 * share] per edge (index -1: unknown).
 */
export function encodeEdgeQuads(quads: ArrayLike<number> | null): number[][] {
  if (!quads || quads.length === 0) return [];
  const picked: number[] = [];
  for (let k = 0; k + 3 < quads.length; k += 4)
    if (quads[k + 3] >= WIRE_MIN_SHARE && quads[k] >= 0 && quads[k + 1] >= 0) picked.push(k);
  picked.sort((a, b) => quads[b + 3] - quads[a + 3] || a - b);
  return picked
    .slice(0, WIRE_MAX_EDGES)
    .map((k) => [quads[k], quads[k + 1], quads[k + 2], Math.round(quads[k + 3] * 100)]);
}

/** A metric value as sent: scaled and rounded (clamped to ±WIRE_INT_MAX), null if not finite. */
export const encodeValue = enc;
/** Wire scale of each VPS_METRICS entry, in order. */
export const VPS_WIRE_SCALES: readonly number[] = VPS_METRICS.map((m) => VPS_SCALE[m]);
/** Wire scale of each HOST_METRICS entry, in order. */
export const HOST_WIRE_SCALES: readonly number[] = HOST_METRICS.map((m) => HOST_SCALE[m]);

/**
 * One column of a `WireHistory`: delta-coded (each number is the change from the previous
 * non-null value) and run-length coded (`[delta, n]` stands for n equal deltas in a row), so
 * steady series travel as a few numbers. `null` marks a value that is not finite.
 */
export type WireColumn = (number | null | [delta: number, count: number])[];

/**
 * A snapshot's history in columns: the same
 * entries as the `frame` messages viewers were sent, transposed so each metric is one column over time. It may carry
 * only some VPS metrics (`rows`): the others decode as null, except in the newest entry, which
 * also travels whole (`latest`). The server's history writes it
 * (server/lab/history.ts `columns`); the page's chart tables read it as it is (client/src/lib/series.ts).
 */
export interface WireHistory {
  lab: string;
  /** Tick of each entry. */
  ticks: WireColumn;
  /** Indices into a VPS row (`[stateIndex, ...VPS_METRICS]`) that have columns, in this order. */
  rows: number[];
  /** One per mode: two in a compare lab. */
  modes: WireHistoryMode[];
  /** The newest entry whole (cards and tables read every metric of it). */
  latest: WireFrameMessage | null;
}

export interface WireHistoryMode {
  /** Simulated time of each entry in ms. */
  tMs: WireColumn;
  /** Consecutive entries with the same VPS set: `[entries, ids joined by ","]`. */
  runs: [count: number, ids: string][];
  /** One column per HOST_METRICS entry, over all entries. */
  host: WireColumn[];
  /** Per run, per VPS, one column per index of `rows`, over the run. */
  vps: WireColumn[][][];
  /** Attribution edges (as in a frame's header), run-length coded: `[entries, edges]`. */
  attribution: [count: number, edges: number[][]][];
}

/** Builds one WireColumn value by value. */
export class ColumnWriter {
  readonly out: WireColumn = [];
  private prev = 0;
  private run: number | null | undefined = undefined;
  private count = 0;

  push(v: WireNumber | undefined): void {
    let d: number | null = null;
    if (typeof v === 'number') {
      d = v - this.prev;
      this.prev = v;
    }
    if (this.count > 0 && d === this.run) {
      this.count++;
      return;
    }
    this.flush();
    this.run = d;
    this.count = 1;
  }

  /** Ends the column (call once, after the last value). */
  done(): WireColumn {
    this.flush();
    this.count = 0;
    return this.out;
  }

  private flush(): void {
    if (this.count === 0) return;
    const d = this.run as number | null;
    if (this.count >= 3 && d !== null) this.out.push([d, this.count]);
    else for (let k = 0; k < this.count; k++) this.out.push(d);
  }
}

/** The values of a WireColumn (n of them; missing ones are null). */
export function readColumn(col: WireColumn | undefined, n: number): WireNumber[] {
  const out: WireNumber[] = new Array(n).fill(null);
  let prev = 0;
  let i = 0;
  for (const item of col ?? []) {
    if (i >= n) break;
    if (item === null) out[i++] = null;
    else if (typeof item === 'number') out[i++] = prev += item;
    else if (Array.isArray(item)) {
      const [d, count] = item;
      for (let k = 0; k < count && i < n; k++) out[i++] = prev += d;
    }
  }
  return out;
}

/** Every index of a VPS row: the state, then each of VPS_METRICS. */
export const ALL_ROWS: readonly number[] = Array.from({ length: VPS_METRICS.length + 1 }, (_, k) => k);

/** How many values a WireColumn holds. */
export function countOf(col: WireColumn): number {
  let n = 0;
  for (const item of col) n += Array.isArray(item) ? item[1] : 1;
  return n;
}
