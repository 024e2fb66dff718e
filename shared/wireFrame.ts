/**
 * The `frame` message, protocol version 2: a small JSON header per frame (tick, time, VPS ids,
 * attribution) and every number of the message in one binary attachment of little-endian int32s
 * (socket.io sends it as a binary websocket message, no JSON for it). The server writes the
 * attachment in one loop straight from its history's arrays (server/lab/packed.ts); the dashboard
 * and tests read it here. A small message (at most WIRE_BINARY_MIN_INTS int32s) and a snapshot's
 * `latest` carry `data` as a JSON array of the same integers (snapshots travel as JSON between the
 * processes of a cluster).
 *
 * One frame's block of `data`: the HOST_METRICS values, then n VPS states (index into
 * VPS_STATES), then VPS_METRICS column by column (metric k of VPS i at `H + (k + 1) × n + i`).
 * So row index r of a VPS (`[state, ...VPS_METRICS]`, as a snapshot's `rows` name them) is the
 * column at `H + r × n`. Blocks follow each other: `frames`, then each entry of `missed` in order.
 */
import {
  HOST_METRICS,
  RESOURCES,
  VPS_METRICS,
  VPS_STATES,
  type Attribution,
  type Frame,
  type HostMetrics,
  type VpsMetrics,
} from './model.js';
import {
  encodeEdgeQuads,
  encodeValue,
  HOST_WIRE_SCALES,
  RESOURCE_INDEX,
  STATE_INDEX,
  VPS_WIRE_SCALES,
  type WireNumber,
} from './wire.js';

/** The frame message's layout version (`v`). Version 1 sent every number as JSON rows. */
export const WIRE_VERSION = 2;
/**
 * A message of more int32s than this (8 KB; a frame of about 75 VPSs) carries them as binary;
 * a smaller one as a JSON array, so it stays one websocket message that socket.io frames once for
 * every viewer (small labs have the most viewers).
 */
export const WIRE_BINARY_MIN_INTS = 2048;
/** The int32 that stands for a value that is not finite (null). */
export const WIRE_NULL = -0x80000000;

const H = HOST_METRICS.length;
const V = VPS_METRICS.length;

/** One frame's header: `[tick, tMs, ids joined by ",", attribution]`; its numbers are in `data`. */
export type WireFrame = [tick: number, tMs: number, ids: string, attribution: number[][]];

/** The numbers of a message: binary (live frames) or a JSON array of the same int32s (a snapshot's `latest`). */
export type WireData = ArrayBuffer | ArrayBufferView | number[];

/** A broadcast as sent on the socket (`frame` event), and a snapshot's newest entry. */
export interface WireFrameMessage {
  lab: string;
  tick: number;
  /** WIRE_VERSION. */
  v: number;
  /** One frame per mode: two in a compare lab. */
  frames: WireFrame[];
  /**
   * At 1× only: the ticks computed since the previous broadcast that it did not carry (the server
   * ran several at once after a late timer), oldest first, one frame per mode each; so a page's
   * charts run on without a gap. At higher speeds broadcasts skip ticks by design and this is absent.
   */
  missed?: WireFrame[][];
  /** Every frame's block of int32s, in order (see the module's comment). */
  data: WireData;
}

/** Int32s of one frame's block with n VPSs. */
export function blockSize(n: number): number {
  return H + (V + 1) * n;
}

/** Splits the ids of a header. */
export function idsOf(joined: string): string[] {
  return joined === '' ? [] : joined.split(',');
}

const LITTLE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function swap32(bytes: Uint8Array): void {
  for (let i = 0; i + 3 < bytes.length; i += 4) {
    const a = bytes[i];
    const b = bytes[i + 1];
    bytes[i] = bytes[i + 3];
    bytes[i + 1] = bytes[i + 2];
    bytes[i + 2] = b;
    bytes[i + 3] = a;
  }
}

/** The bytes of `ints` as the wire sends them (little-endian; swapped in place on a big-endian host). */
export function wireBytes(ints: Int32Array): Uint8Array {
  const bytes = new Uint8Array(ints.buffer, ints.byteOffset, ints.byteLength);
  if (!LITTLE) swap32(bytes);
  return bytes;
}

/** The int32s of a message's `data` as received (a copy only when unaligned or on a big-endian host). */
export function wireInts(data: WireData): ArrayLike<number> {
  if (Array.isArray(data)) return data;
  const view =
    data instanceof ArrayBuffer
      ? new Uint8Array(data)
      : ArrayBuffer.isView(data)
        ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
        : null;
  if (!view) throw new TypeError('frame message: data must be binary or an array of integers');
  if (view.byteLength % 4 !== 0)
    throw new RangeError(`frame message: data has ${view.byteLength} bytes, not whole int32s`);
  if (LITTLE && view.byteOffset % 4 === 0)
    return new Int32Array(view.buffer, view.byteOffset, view.byteLength / 4);
  const copy = new Uint8Array(view.byteLength);
  copy.set(view);
  if (!LITTLE) swap32(copy);
  return new Int32Array(copy.buffer);
}

/** A wire int32 as a scaled number, or null (WIRE_NULL, or anything that is not an integer). */
export function wireNumber(x: number | undefined): WireNumber {
  return typeof x === 'number' && x !== WIRE_NULL && Number.isInteger(x) ? x : null;
}

/** One frame of a received message, read in place. */
export interface WireBlock {
  tick: number;
  tMs: number;
  ids: string[];
  attribution: number[][];
  /** The message's int32s; this frame's block starts at `at`. */
  ints: ArrayLike<number>;
  at: number;
}

/** Host metric i (HOST_METRICS order) of a frame, as a scaled integer or null. */
export function blockHost(b: WireBlock, i: number): WireNumber {
  return wireNumber(b.ints[b.at + i]);
}

/** Row index r (0: state, k + 1: VPS_METRICS[k]) of VPS v of a frame, as a scaled integer or null. */
export function blockVps(b: WireBlock, v: number, r: number): WireNumber {
  return wireNumber(b.ints[b.at + H + r * b.ids.length + v]);
}

function header(h: unknown, where: string): Omit<WireBlock, 'ints' | 'at'> {
  if (!Array.isArray(h) || typeof h[0] !== 'number' || typeof h[1] !== 'number' || typeof h[2] !== 'string')
    throw new TypeError(`frame message: ${where} must be [tick, tMs, ids, attribution]`);
  const attribution = Array.isArray(h[3]) ? (h[3] as number[][]).filter((e) => Array.isArray(e)) : [];
  return { tick: h[0], tMs: h[1], ids: idsOf(h[2]), attribution };
}

/**
 * The frames of a received message, read in place: `frames` and each entry of `missed`. Throws an
 * Error naming the field when the message is not a version-2 frame message or its data does not
 * hold exactly its frames' blocks.
 */
export function frameBlocks(msg: WireFrameMessage): { frames: WireBlock[]; missed: WireBlock[][] } {
  if (msg?.v !== WIRE_VERSION)
    throw new TypeError(`frame message: v must be ${WIRE_VERSION}, got ${String(msg?.v)}`);
  if (!Array.isArray(msg.frames)) throw new TypeError('frame message: frames must be an array');
  const ints = wireInts(msg.data);
  let at = 0;
  const blocks = (list: unknown[], where: string): WireBlock[] =>
    list.map((h, i) => {
      const b = { ...header(h, `${where}[${i}]`), ints, at };
      at += blockSize(b.ids.length);
      return b;
    });
  const frames = blocks(msg.frames, 'frames');
  const missed = Array.isArray(msg.missed)
    ? msg.missed.map((fs, i) => blocks(Array.isArray(fs) ? fs : [], `missed[${i}]`))
    : [];
  if (at !== ints.length)
    throw new RangeError(`frame message: data holds ${ints.length} int32s, its frames need ${at}`);
  return { frames, missed };
}

/** One frame of a received message as an engine-shaped frame (values at wire resolution; null → NaN). */
export function decodeBlock(b: WireBlock): Frame {
  const dec = (x: WireNumber, scale: number) => (x === null ? Number.NaN : x / scale);
  const host = {} as HostMetrics;
  for (let i = 0; i < H; i++) host[HOST_METRICS[i]] = dec(blockHost(b, i), HOST_WIRE_SCALES[i]);
  const vps: VpsMetrics[] = b.ids.map((id, v) => {
    const m = { id, state: VPS_STATES[blockVps(b, v, 0) ?? 0] ?? 'running' } as VpsMetrics;
    for (let k = 0; k < V; k++) m[VPS_METRICS[k]] = dec(blockVps(b, v, k + 1), VPS_WIRE_SCALES[k]);
    return m;
  });
  const attribution: Attribution[] = b.attribution.map(([victim, culprit, resource, share]) => ({
    victim: b.ids[victim],
    culprit: b.ids[culprit],
    resource: RESOURCES[resource] ?? 'cpu',
    share: share / 100,
  }));
  return { tick: b.tick, t: b.tMs / 1000, host, vps, attribution };
}

/** Decode a `frame` event (or a snapshot's `latest`) as received; throws like `frameBlocks`. */
export function decodeFrameMessage(msg: WireFrameMessage): {
  lab: string;
  tick: number;
  frames: Frame[];
  missed?: Frame[][];
} {
  const { frames, missed } = frameBlocks(msg);
  const out = { lab: msg.lab, tick: msg.tick, frames: frames.map(decodeBlock) };
  return msg.missed ? { ...out, missed: missed.map((fs) => fs.map(decodeBlock)) } : out;
}

/** A scaled integer as an int32 of the wire: WIRE_NULL for null. */
function int32(x: WireNumber): number {
  return x === null ? WIRE_NULL : x;
}

/**
 * Encode a broadcast from engine frames (one per mode; `missed`: earlier ticks, oldest first):
 * the same message the server writes from its history. `binary: false` gives `data` as an array.
 */
export function encodeFrameMessage(
  lab: string,
  frames: readonly Frame[],
  missed?: readonly (readonly Frame[])[],
  binary = true,
): WireFrameMessage {
  const all = [frames, ...(missed ?? [])];
  let size = 0;
  for (const fs of all) for (const f of fs) size += blockSize(f.vps.length);
  const ints = new Int32Array(size);
  let at = 0;
  const headers = all.map((fs) =>
    fs.map((f): WireFrame => {
      const n = f.vps.length;
      for (let i = 0; i < H; i++)
        ints[at + i] = int32(encodeValue(f.host[HOST_METRICS[i]], HOST_WIRE_SCALES[i]));
      const index = new Map<string, number>();
      f.vps.forEach((m, v) => {
        index.set(m.id, v);
        ints[at + H + v] = STATE_INDEX.get(m.state) ?? 0;
        for (let k = 0; k < V; k++)
          ints[at + H + (k + 1) * n + v] = int32(encodeValue(m[VPS_METRICS[k]], VPS_WIRE_SCALES[k]));
      });
      at += blockSize(n);
      const quads: number[] = [];
      for (const a of f.attribution)
        quads.push(
          index.get(a.victim) ?? -1,
          index.get(a.culprit) ?? -1,
          RESOURCE_INDEX.get(a.resource) ?? 0,
          a.share,
        );
      return [f.tick, Math.round(f.t * 1000), f.vps.map((v) => v.id).join(','), encodeEdgeQuads(quads)];
    }),
  );
  const msg: WireFrameMessage = {
    lab,
    tick: frames[0]?.tick ?? 0,
    v: WIRE_VERSION,
    frames: headers[0],
    data: binary && size > WIRE_BINARY_MIN_INTS ? wireBytes(ints) : Array.from(ints),
  };
  if (missed?.length) msg.missed = headers.slice(1);
  return msg;
}
