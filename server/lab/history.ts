/**
 * A lab's recent past: a bounded ring of ticks, each packed into typed arrays (no per-metric
 * objects), with reads that rebuild frames or write the wire's columns.
 */
import {
  HOST_METRICS,
  RESOURCES,
  VPS_METRICS,
  VPS_STATES,
  type Frame,
  type Resource,
} from '../../shared/model.js';
import {
  RESOURCE_INDEX,
  STATE_INDEX,
  ALL_ROWS,
  ColumnWriter,
  encodeEdgeQuads,
  encodeFrameMessage,
  encodeValue,
  HOST_WIRE_SCALES,
  VPS_WIRE_SCALES,
  type WireHistory,
  type WireHistoryMode,
} from '../../shared/wire.js';

interface Packed {
  /** Shared between consecutive ticks while the VPS set does not change. */
  ids: string[];
  /** [t, ...host metrics, ...vps0 metrics, ...vps1 metrics, …] */
  values: Float64Array;
  states: Uint8Array;
  /** [victim, culprit, resource, share] quadruples. */
  attr: Float64Array | null;
}

interface Row {
  tick: number;
  engines: Packed[];
  bytes: number;
}

const H = HOST_METRICS.length;
const V = VPS_METRICS.length;
const ROW_OVERHEAD = 160;

export interface HistoryLimits {
  /** Most ticks kept (15 minutes of simulated time by default). */
  maxTicks: number;
  /** Most bytes of packed metrics kept; the oldest ticks go first. */
  maxBytes: number;
}

function sameQuads(a: Float64Array | null, b: Float64Array | null): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameEdgeLists(a: number[][], b: number[][]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i].length !== b[i].length) return false;
    for (let k = 0; k < a[i].length; k++) if (a[i][k] !== b[i][k]) return false;
  }
  return true;
}

function sameIds(a: string[] | undefined, frame: Frame): boolean {
  if (!a || a.length !== frame.vps.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== frame.vps[i].id) return false;
  return true;
}

/** Bounded per-tick history of a lab (one or two engines per tick). */
export class FrameHistory {
  private rows: (Row | undefined)[];
  private start = 0;
  private count = 0;
  private bytes = 0;
  private lastIds: string[][] = [];

  constructor(private readonly limits: HistoryLimits) {
    this.rows = new Array(Math.max(1, limits.maxTicks));
  }

  get size(): number {
    return this.count;
  }

  get byteSize(): number {
    return this.bytes;
  }

  get firstTick(): number | undefined {
    return this.rows[this.start]?.tick;
  }

  get lastTick(): number | undefined {
    return this.count ? this.rows[(this.start + this.count - 1) % this.rows.length]?.tick : undefined;
  }

  /** Record one tick (one frame per engine, all with the same tick). */
  push(frames: readonly Frame[]): void {
    const engines = frames.map((f, e) => this.pack(f, e));
    let bytes = ROW_OVERHEAD;
    for (const p of engines) bytes += p.values.byteLength + p.states.byteLength + (p.attr?.byteLength ?? 0);
    if (this.count === this.rows.length) this.dropOldest();
    const row: Row = { tick: frames[0].tick, engines, bytes };
    this.rows[(this.start + this.count) % this.rows.length] = row;
    this.count++;
    this.bytes += bytes;
    while (this.bytes > this.limits.maxBytes && this.count > 1) this.dropOldest();
  }

  /** Forget everything (used when a lab is restored without its past). */
  clear(): void {
    this.rows = new Array(this.rows.length);
    this.start = 0;
    this.count = 0;
    this.bytes = 0;
  }

  private dropOldest(): void {
    const row = this.rows[this.start];
    if (row) this.bytes -= row.bytes;
    this.rows[this.start] = undefined;
    this.start = (this.start + 1) % this.rows.length;
    this.count--;
  }

  private pack(frame: Frame, engine: number): Packed {
    const ids = sameIds(this.lastIds[engine], frame) ? this.lastIds[engine] : frame.vps.map((v) => v.id);
    this.lastIds[engine] = ids;
    const n = frame.vps.length;
    const values = new Float64Array(1 + H + n * V);
    values[0] = frame.t;
    for (let i = 0; i < H; i++) values[1 + i] = frame.host[HOST_METRICS[i]];
    const states = new Uint8Array(n);
    for (let v = 0; v < n; v++) {
      const m = frame.vps[v];
      states[v] = STATE_INDEX.get(m.state) ?? 0;
      const base = 1 + H + v * V;
      for (let i = 0; i < V; i++) values[base + i] = m[VPS_METRICS[i]];
    }
    let attr: Float64Array | null = null;
    if (frame.attribution.length) {
      const index = new Map(ids.map((id, i) => [id, i]));
      attr = new Float64Array(frame.attribution.length * 4);
      frame.attribution.forEach((a, k) => {
        attr![k * 4] = index.get(a.victim) ?? -1;
        attr![k * 4 + 1] = index.get(a.culprit) ?? -1;
        attr![k * 4 + 2] = RESOURCE_INDEX.get(a.resource) ?? 0;
        attr![k * 4 + 3] = a.share;
      });
    }
    return { ids, values, states, attr };
  }

  private unpack(tick: number, p: Packed): Frame {
    const host = {} as Frame['host'];
    for (let i = 0; i < H; i++) host[HOST_METRICS[i]] = p.values[1 + i];
    const vps = p.ids.map((id, v) => {
      const m = { id, state: VPS_STATES[p.states[v]] } as Frame['vps'][number];
      const base = 1 + H + v * V;
      for (let i = 0; i < V; i++) m[VPS_METRICS[i]] = p.values[base + i];
      return m;
    });
    const attribution: Frame['attribution'] = [];
    if (p.attr) {
      for (let k = 0; k < p.attr.length; k += 4) {
        attribution.push({
          victim: p.ids[p.attr[k]] ?? '',
          culprit: p.ids[p.attr[k + 1]] ?? '',
          resource: RESOURCES[p.attr[k + 2]] as Resource,
          share: p.attr[k + 3],
        });
      }
    }
    return { tick, t: p.values[0], host, vps, attribution };
  }

  private rowAt(i: number): Row {
    return this.rows[(this.start + i) % this.rows.length] as Row;
  }

  /** Index of the first kept row whose tick is ≥ `tick`. */
  private lowerBound(tick: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.rowAt(mid).tick < tick) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Frames of ticks in [fromTick, toTick], every `stride`-th tick counted back from the newest,
   * oldest first. Each entry holds one frame per engine.
   */
  range(fromTick: number, toTick: number, stride = 1): Frame[][] {
    const out: Frame[][] = [];
    const lo = this.lowerBound(fromTick);
    let hi = this.lowerBound(toTick + 1) - 1;
    for (; hi >= lo; hi -= Math.max(1, Math.floor(stride))) {
      const row = this.rowAt(hi);
      out.push(row.engines.map((p) => this.unpack(row.tick, p)));
    }
    return out.reverse();
  }

  /**
   * The same entries as `range` (every `stride`-th tick counted back from `toTick`), straight from
   * the packed rows into the wire's column form, keeping the VPS row indices `rows`: what a
   * snapshot sends, without building a frame object per entry.
   */
  columns(
    lab: string,
    fromTick: number,
    toTick: number,
    stride = 1,
    rows: readonly number[] = ALL_ROWS,
  ): WireHistory {
    const picked: Row[] = [];
    const lo = this.lowerBound(fromTick);
    for (let hi = this.lowerBound(toTick + 1) - 1; hi >= lo; hi -= Math.max(1, Math.floor(stride)))
      picked.push(this.rowAt(hi));
    picked.reverse();
    const ticks = new ColumnWriter();
    for (const row of picked) ticks.push(row.tick);
    const modeCount = picked.reduce((n, r) => Math.max(n, r.engines.length), 0);
    const modes: WireHistoryMode[] = [];
    for (let e = 0; e < modeCount; e++) {
      const tMs = new ColumnWriter();
      const host = HOST_METRICS.map(() => new ColumnWriter());
      const runs: [number, string][] = [];
      const vps: ColumnWriter[][][] = [];
      const attribution: [number, number[][]][] = [];
      let cols: ColumnWriter[][] = [];
      let ids: string[] | null = null;
      let lastEdges: Float64Array | null | undefined;
      for (const row of picked) {
        const p = row.engines[e];
        if (!p) continue;
        const values = p.values;
        tMs.push(Math.round(values[0] * 1000));
        for (let i = 0; i < H; i++) host[i].push(encodeValue(values[1 + i], HOST_WIRE_SCALES[i]));
        if (p.ids !== ids) {
          const joined = p.ids.join(',');
          const run = runs[runs.length - 1];
          if (!run || run[1] !== joined) {
            runs.push([0, joined]);
            cols = p.ids.map(() => rows.map(() => new ColumnWriter()));
            vps.push(cols);
          }
          ids = p.ids;
        }
        runs[runs.length - 1][0]++;
        for (let v = 0; v < cols.length; v++) {
          const base = 1 + H + v * V;
          const c = cols[v];
          for (let k = 0; k < rows.length; k++) {
            const r = rows[k];
            c[k].push(r === 0 ? p.states[v] : encodeValue(values[base + r - 1], VPS_WIRE_SCALES[r - 1]));
          }
        }
        const last = attribution[attribution.length - 1];
        if (last && sameQuads(lastEdges ?? null, p.attr)) last[0]++;
        else {
          const edges = encodeEdgeQuads(p.attr);
          if (last && sameEdgeLists(last[1], edges)) last[0]++;
          else attribution.push([1, edges]);
        }
        lastEdges = p.attr;
      }
      modes.push({
        tMs: tMs.done(),
        runs,
        host: host.map((c) => c.done()),
        vps: vps.map((run) => run.map((v) => v.map((c) => c.done()))),
        attribution,
      });
    }
    const newest = picked[picked.length - 1];
    const latest = newest
      ? encodeFrameMessage(
          lab,
          newest.engines.map((p) => this.unpack(newest.tick, p)),
        )
      : null;
    return { lab, ticks: ticks.done(), rows: [...rows], modes, latest };
  }

  /** The first and last kept ticks in [fromTick, toTick], or null when none is kept there. */
  span(fromTick: number, toTick: number): { first: number; last: number } | null {
    const lo = this.lowerBound(fromTick);
    const hi = this.lowerBound(toTick + 1);
    return lo < hi ? { first: this.rowAt(lo).tick, last: this.rowAt(hi - 1).tick } : null;
  }

  /**
   * Each kept tick in [fromTick, toTick] of one engine, oldest first: its tick, its VPS ids and its
   * packed values (`[t, ...HOST_METRICS, ...VPS_METRICS of the first VPS, …]`; read, never keep).
   */
  forEach(
    fromTick: number,
    toTick: number,
    engine: number,
    fn: (tick: number, ids: readonly string[], values: Float64Array) => void,
  ): void {
    const hi = this.lowerBound(toTick + 1);
    for (let i = this.lowerBound(fromTick); i < hi; i++) {
      const row = this.rowAt(i);
      const p = row.engines[engine];
      if (p) fn(row.tick, p.ids, p.values);
    }
  }
}
