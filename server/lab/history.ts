/**
 * A lab's recent past: a bounded ring of ticks, each packed into typed arrays (no per-metric
 * objects; server/lab/packed.ts), with reads that rebuild frames or write the wire's columns.
 */
import { HOST_METRICS, type Frame } from '../../shared/model.js';
import {
  ALL_ROWS,
  ColumnWriter,
  encodeEdgeQuads,
  encodeValue,
  HOST_WIRE_SCALES,
  VPS_WIRE_SCALES,
  type WireHistory,
  type WireHistoryMode,
} from '../../shared/wire.js';
import {
  H,
  isColumnSource,
  packColumns,
  packedBytes,
  packFrame,
  unpack,
  type ColumnSource,
  type Packed,
} from './packed.js';
import { broadcastOf, MessageMemory, messageOf, type LabBroadcast, type Row } from './message.js';
import { HeldTicks } from './heldTicks.js';

export type { ColumnSource, LabBroadcast };

/** Most ticks a broadcast carries besides its own: a second at 10 ticks a second. */
export const MAX_MISSED = 10;

const ROW_OVERHEAD = 160;
/** Dropped ticks whose arrays are kept for the next ones, per engine. */
const MAX_SPARE = 4;

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

function sameIds(a: readonly string[] | undefined, frame: Frame): boolean {
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
  private lastIds: (readonly string[])[] = [];
  /**
   * The arrays of the last few ticks dropped, per engine, for the next ticks to fill: a tick may
   * drop none or two (the byte budget), and a lab running for a while then allocates nothing.
   */
  private spare: Packed[][] = [];
  /** Holds open (see `hold`): while there is one, a dropped tick's arrays are not refilled. */
  private holds = 0;
  /** The memory of this lab's binary messages, lent to the sender and given back. */
  private readonly memory = new MessageMemory();

  constructor(private readonly limits: HistoryLimits) {
    this.rows = new Array(Math.max(1, limits.maxTicks));
  }

  get size(): number {
    return this.count;
  }

  get byteSize(): number {
    return this.bytes;
  }

  /** How many holds are open (see `hold`). */
  get held(): number {
    return this.holds;
  }

  get firstTick(): number | undefined {
    return this.rows[this.start]?.tick;
  }

  get lastTick(): number | undefined {
    return this.count ? this.rows[(this.start + this.count - 1) % this.rows.length]?.tick : undefined;
  }

  /**
   * Record one tick: per engine, read straight from its columns after its step, or its frame (an
   * engine that only gives frames). All of the same tick.
   */
  push(sources: readonly (Frame | ColumnSource)[]): void {
    const engines = sources.map((src, e) => this.pack(src, e));
    let bytes = ROW_OVERHEAD;
    for (const p of engines) bytes += packedBytes(p);
    if (this.count === this.rows.length) this.dropOldest();
    const first = sources[0];
    const tick = isColumnSource(first) ? first.tick - 1 : first.tick;
    const row: Row = { tick, engines, bytes };
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
    this.spare = [];
  }

  private dropOldest(): void {
    const row = this.rows[this.start];
    if (row) {
      row.gone = true;
      this.bytes -= row.bytes;
      // Nothing outside keeps a row's arrays (reads copy them) but a hold: unless one is open,
      // the next ticks may fill them.
      if (this.holds === 0)
        row.engines.forEach((p, e) => {
          const spare = (this.spare[e] ??= []);
          if (spare.length < MAX_SPARE) spare.push(p);
        });
    }
    this.rows[this.start] = undefined;
    this.start = (this.start + 1) % this.rows.length;
    this.count--;
  }

  private pack(src: Frame | ColumnSource, engine: number): Packed {
    const spare = this.spare[engine]?.pop();
    if (isColumnSource(src)) {
      const p = packColumns(src, spare);
      this.lastIds[engine] = p.ids;
      return p;
    }
    const ids = sameIds(this.lastIds[engine], src) ? this.lastIds[engine] : src.vps.map((v) => v.id);
    this.lastIds[engine] = ids;
    return packFrame(src, ids, spare);
  }

  /**
   * The newest tick as lab `lab` broadcasts it, read from that tick's arrays: ask for its frames or
   * message before the history drops the tick (during the listener's call; what they give is free
   * to keep, except a lent message's data once its loans are released).
   * With `since` (the previous broadcast's tick), the message also carries the kept ticks after it
   * (at most MAX_MISSED, the newest of them).
   */
  broadcast(lab: string, since?: number): LabBroadcast {
    const row = this.count ? this.rowAt(this.count - 1) : undefined;
    const missed = (): Row[] => {
      if (since === undefined || !row) return [];
      const from = Math.max(this.lowerBound(since + 1), this.count - 1 - MAX_MISSED);
      const out: Row[] = [];
      for (let i = from; i < this.count - 1; i++) out.push(this.rowAt(i));
      return out;
    };
    const kept = (): Row => {
      if (!row || row.gone) throw new Error('broadcast read after its tick left the history');
      return row;
    };
    return broadcastOf(lab, row?.tick ?? -1, kept, missed, this.memory);
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
      out.push(row.engines.map((p) => unpack(row.tick, p)));
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
      let ids: readonly string[] | null = null;
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
        const n = cols.length;
        for (let v = 0; v < n; v++) {
          const c = cols[v];
          for (let k = 0; k < rows.length; k++) {
            const r = rows[k];
            c[k].push(
              r === 0 ? p.states[v] : encodeValue(values[1 + H + (r - 1) * n + v], VPS_WIRE_SCALES[r - 1]),
            );
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
    const latest = newest ? messageOf(lab, newest, [], null).msg : null;
    return { lab, ticks: ticks.done(), rows: [...rows], modes, latest };
  }

  /**
   * The kept ticks in [fromTick, toTick] as they stand now, for a reader that takes them in pieces
   * while more ticks are pushed: until it is released, a tick the history drops meanwhile keeps its
   * arrays (no later tick refills them), so what was held reads the same to the end. The memory of
   * the ticks dropped while held is kept until then.
   */
  hold(fromTick: number, toTick: number): HeldTicks {
    const rows: Row[] = [];
    const hi = this.lowerBound(toTick + 1);
    for (let i = this.lowerBound(fromTick); i < hi; i++) rows.push(this.rowAt(i));
    this.holds++;
    return new HeldTicks(rows, () => this.holds--);
  }

  /** The first and last kept ticks in [fromTick, toTick], or null when none is kept there. */
  span(fromTick: number, toTick: number): { first: number; last: number } | null {
    const lo = this.lowerBound(fromTick);
    const hi = this.lowerBound(toTick + 1);
    return lo < hi ? { first: this.rowAt(lo).tick, last: this.rowAt(hi - 1).tick } : null;
  }

  /**
   * Each kept tick in [fromTick, toTick] of one engine, oldest first: its tick, its VPS ids and its
   * packed values (`[t, ...HOST_METRICS, then VPS_METRICS column by column]`: metric k of VPS i
   * of n at `1 + H + k * n + i`; read, never keep: a later tick may reuse them).
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
