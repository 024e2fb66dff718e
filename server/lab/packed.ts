/**
 * One tick of one engine as a lab's history keeps it: typed arrays, no object per VPS. Filled
 * straight from the engine's columns after its step (or from a frame, for an engine that only
 * gives frames), read back as a frame on demand, or encoded straight to the wire.
 */
import {
  HOST_METRICS,
  RESOURCES,
  VPS_METRICS,
  VPS_STATES,
  type Attribution,
  type Frame,
  type Resource,
} from '../../shared/model.js';
import {
  RESOURCE_INDEX,
  STATE_INDEX,
  encodeEdgeQuads,
  HOST_WIRE_SCALES,
  VPS_WIRE_SCALES,
  WIRE_INT_MAX,
} from '../../shared/wire.js';
import { WIRE_NULL, type WireFrame } from '../../shared/wireFrame.js';

export const H = HOST_METRICS.length;
export const V = VPS_METRICS.length;

export interface Packed {
  /** Shared between consecutive ticks while the VPS set does not change. */
  ids: readonly string[];
  /**
   * `[t, ...HOST_METRICS, then VPS_METRICS column by column]`: metric k of VPS i (of n) at
   * `1 + H + k * n + i`, the layout the engine's `readVps` writes.
   */
  values: Float64Array;
  /** Index into VPS_STATES of each VPS. */
  states: Uint8Array;
  /** [victim, culprit, resource, share] quadruples. */
  attr: Float64Array | null;
}

/** What a history reads of an engine after its step: the columnar read of server/sim's engine. */
export interface ColumnSource {
  /** Index of the next tick (the tick just computed is `tick - 1`). */
  readonly tick: number;
  readonly tickMs: number;
  vpsIds(): readonly string[];
  readHost(into: Float64Array): void;
  readVps(into: Float64Array): number;
  stateCodes(): Uint8Array;
  attribution(): Attribution[];
  /** The same edges as `[victim, culprit, resource, share]` quads, when the engine can give them so. */
  readAttribution?(): Float64Array | null;
}

/** An engine that can be read column by column (else the lab asks it for frames). */
export function isColumnSource(x: unknown): x is ColumnSource {
  const s = x as Partial<ColumnSource> | null;
  return (
    typeof s?.readVps === 'function' &&
    typeof s.readHost === 'function' &&
    typeof s.stateCodes === 'function' &&
    typeof s.vpsIds === 'function' &&
    typeof s.attribution === 'function'
  );
}

/**
 * Steps an engine one tick: one that can be read column by column only computes (the history
 * reads its arrays); any other gives its frame.
 */
export function stepOnce(e: { step(): Frame }): Frame | ColumnSource {
  const advance = (e as { advance?: unknown }).advance;
  if (typeof advance === 'function' && isColumnSource(e)) {
    advance.call(e, 1);
    return e;
  }
  return e.step();
}

/** Position of each id, kept per ids array (the same array while the VPS set does not change). */
const indexCache = new WeakMap<readonly string[], Map<string, number>>();
function indexOf(ids: readonly string[]): Map<string, number> {
  let index = indexCache.get(ids);
  if (!index) {
    index = new Map(ids.map((id, i) => [id, i]));
    indexCache.set(ids, index);
  }
  return index;
}

/** The ids joined by ",", as a wire frame carries them, kept per ids array. */
const joinedCache = new WeakMap<readonly string[], string>();
function joined(ids: readonly string[]): string {
  let s = joinedCache.get(ids);
  if (s === undefined) {
    s = ids.join(',');
    joinedCache.set(ids, s);
  }
  return s;
}

function packAttribution(list: readonly Attribution[], ids: readonly string[]): Float64Array | null {
  if (!list.length) return null;
  const index = indexOf(ids);
  const attr = new Float64Array(list.length * 4);
  for (let k = 0; k < list.length; k++) {
    const a = list[k];
    attr[k * 4] = index.get(a.victim) ?? -1;
    attr[k * 4 + 1] = index.get(a.culprit) ?? -1;
    attr[k * 4 + 2] = RESOURCE_INDEX.get(a.resource) ?? 0;
    attr[k * 4 + 3] = a.share;
  }
  return attr;
}

/** Arrays for n VPSs: `spare`'s when they have that size (a dropped tick's), else new ones. */
function arrays(n: number, spare: Packed | undefined): { values: Float64Array; states: Uint8Array } {
  const len = 1 + H + n * V;
  if (spare && spare.values.length === len && spare.states.length === n)
    return { values: spare.values, states: spare.states };
  return { values: new Float64Array(len), states: new Uint8Array(n) };
}

/** The tick an engine just computed, read from its columns (every slot written). `spare`: a dropped tick whose arrays may be reused. */
export function packColumns(e: ColumnSource, spare?: Packed): Packed {
  const ids = e.vpsIds();
  const n = ids.length;
  const { values, states } = arrays(n, spare);
  values[0] = (e.tick * e.tickMs) / 1000;
  e.readHost(values.subarray(1, 1 + H));
  e.readVps(values.subarray(1 + H));
  const codes = e.stateCodes();
  states.set(codes.length === n ? codes : codes.subarray(0, n));
  const attr = e.readAttribution ? e.readAttribution() : packAttribution(e.attribution(), ids);
  return { ids, values, states, attr };
}

/** One engine's frame (`ids`: the same array as the last tick's when the VPS set is the same). */
export function packFrame(frame: Frame, ids: readonly string[], spare?: Packed): Packed {
  const n = frame.vps.length;
  const { values, states } = arrays(n, spare);
  values[0] = frame.t;
  for (let i = 0; i < H; i++) values[1 + i] = frame.host[HOST_METRICS[i]];
  for (let v = 0; v < n; v++) {
    const m = frame.vps[v];
    states[v] = STATE_INDEX.get(m.state) ?? 0;
    for (let k = 0; k < V; k++) values[1 + H + k * n + v] = m[VPS_METRICS[k]];
  }
  return { ids, values, states, attr: packAttribution(frame.attribution, ids) };
}

/** The frame of one packed tick (a new object, free to keep). */
export function unpack(tick: number, p: Packed): Frame {
  const host = {} as Frame['host'];
  for (let i = 0; i < H; i++) host[HOST_METRICS[i]] = p.values[1 + i];
  const n = p.ids.length;
  const vps = p.ids.map((id, v) => {
    const m = { id, state: VPS_STATES[p.states[v]] } as Frame['vps'][number];
    for (let k = 0; k < V; k++) m[VPS_METRICS[k]] = p.values[1 + H + k * n + v];
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

/** One packed tick's header in a frame message (its numbers go in the message's data, `writeBlock`). */
export function frameHeader(tick: number, p: Packed): WireFrame {
  return [tick, Math.round(p.values[0] * 1000), joined(p.ids), encodeEdgeQuads(p.attr)];
}

const HOST_SCALES = Float64Array.from(HOST_WIRE_SCALES);
const VPS_SCALES = Float64Array.from(VPS_WIRE_SCALES);

/**
 * Writes one packed tick's block of a frame message into `out` at `at` (shared/wireFrame.ts:
 * host metrics, states, then VPS metrics column by column, the packed layout's own order) and
 * returns where the next block starts. The same integers as `encodeValue`, in one loop per column:
 * a value in range is rounded in place, the rare other one goes through `outOfRange`. A VPS value
 * is rounded as `r = floor(y)`, plus one when `y - r >= 0.5`: exactly `Math.round(y)` for any
 * |y| < 2^52 (`y - r` is computed exactly there), and cheaper in V8.
 */
export function writeBlock(p: Packed, out: Int32Array, at: number): number {
  const values = p.values;
  for (let i = 0; i < H; i++) {
    const x = values[1 + i];
    const y = x * HOST_SCALES[i];
    out[at + i] = y >= -WIRE_INT_MAX && y <= WIRE_INT_MAX ? Math.round(y) : outOfRange(x, y);
  }
  const n = p.ids.length;
  const states = p.states;
  let j = at + H;
  for (let v = 0; v < n; v++) out[j++] = states[v];
  let src = 1 + H;
  for (let k = 0; k < V; k++) {
    const scale = VPS_SCALES[k];
    for (const end = src + n; src < end; src++) {
      const x = values[src];
      const y = x * scale;
      if (y >= -WIRE_INT_MAX && y <= WIRE_INT_MAX) {
        const r = Math.floor(y);
        out[j++] = y - r >= 0.5 ? r + 1 : r;
      } else out[j++] = outOfRange(x, y);
    }
  }
  return j;
}

/** `encodeValue` of `x` (scaled: `y`) past ±WIRE_INT_MAX: clamped, or WIRE_NULL when not finite. */
function outOfRange(x: number, y: number): number {
  if (y !== y || x === Infinity || x === -Infinity) return WIRE_NULL;
  return y > 0 ? WIRE_INT_MAX : -WIRE_INT_MAX;
}

/** Bytes a packed tick holds (what the history's budget counts). */
export function packedBytes(p: Packed): number {
  return p.values.byteLength + p.states.byteLength + (p.attr?.byteLength ?? 0);
}
