/**
 * A lab's broadcast as the wire sends it (shared/wireFrame.ts), written straight from its history's
 * packed arrays, and the memory of its binary data: lent to a sender, which gives it back once no
 * connection holds it any more, so the next broadcast writes into memory that is already warm
 * instead of a fresh region.
 */
import type { Frame } from '../../shared/model.js';
import {
  blockSize,
  WIRE_BINARY_MIN_INTS,
  WIRE_VERSION,
  wireBytes,
  type WireFrameMessage,
} from '../../shared/wireFrame.js';
import { frameHeader, unpack, writeBlock, type Packed } from './packed.js';
import { uninitializedInts } from './slab.js';

/** One kept tick: its number and one packed tick per engine. */
export interface Row {
  tick: number;
  engines: Packed[];
  bytes: number;
  /** Dropped: its arrays may be filled by a later tick. */
  gone?: boolean;
}

/** A message lent out: give it back with `release` once nothing holds its data any more. */
export interface Loan {
  readonly message: WireFrameMessage;
  /** Nothing reads or sends this message's data any more (a second call does nothing). */
  release(): void;
}

/** One broadcast: its tick, its frames as objects and as the wire sends them, each built on first ask. */
export interface LabBroadcast {
  readonly tick: number;
  frames(): readonly Frame[];
  /** The message, free to keep: its memory is never reused. */
  message(): WireFrameMessage;
  /**
   * The same message, lent: its binary data's memory is written again by a later broadcast once
   * every loan of it was released and nobody asked for it with `message`.
   */
  lend(): Loan;
}

/** Free int32 arrays kept per lab for its next messages. */
const KEPT_FREE = 4;

/** The memory of a lab's binary messages: arrays given back, taken again by a message of the same length. */
export class MessageMemory {
  private readonly free: Int32Array[] = [];

  /** `length` int32s: the array of that length given back last (the warmest), else new (unwritten) ones. */
  take(length: number): Int32Array {
    for (let i = this.free.length - 1; i >= 0; i--)
      if (this.free[i].length === length) return this.free.splice(i, 1)[0];
    return uninitializedInts(length);
  }

  /** Nothing holds `ints` any more: a later message may write it. */
  give(ints: Int32Array): void {
    if (this.free.length >= KEPT_FREE) this.free.shift();
    this.free.push(ints);
  }

  /** Arrays waiting to be taken again. */
  get size(): number {
    return this.free.length;
  }
}

/**
 * A frame message of `row` (and the `missed` rows after it): headers as JSON, every number in one
 * int32 block per frame. `memory`: `data` as bytes from it (a live broadcast past
 * WIRE_BINARY_MIN_INTS), else as an array of the same integers (a small broadcast, a snapshot's JSON).
 */
export function messageOf(
  lab: string,
  row: Row,
  missed: readonly Row[],
  memory: MessageMemory | null,
): { msg: WireFrameMessage; ints: Int32Array | null } {
  let size = 0;
  for (const r of [row, ...missed]) for (const p of r.engines) size += blockSize(p.ids.length);
  const binary = memory !== null && size > WIRE_BINARY_MIN_INTS;
  const ints = binary ? memory.take(size) : new Int32Array(size);
  let at = 0;
  const frames = (r: Row) =>
    r.engines.map((p) => {
      at = writeBlock(p, ints, at);
      return frameHeader(r.tick, p);
    });
  const msg: WireFrameMessage = { lab, tick: row.tick, v: WIRE_VERSION, frames: frames(row), data: [] };
  if (missed.length) msg.missed = missed.map(frames);
  // Every slot written: nothing of earlier content can go out.
  if (at !== size) throw new Error(`frame message: wrote ${at} of ${size} int32s`);
  msg.data = binary ? wireBytes(ints) : Array.from(ints);
  return { msg, ints: binary ? ints : null };
}

/**
 * The broadcast of `row` (with the `missed` rows in its message), read only while `kept()` gives
 * the row (the history has not dropped it yet). Its message's memory goes back to `memory` once
 * every loan was released, unless someone asked for the message to keep.
 */
export function broadcastOf(
  lab: string,
  tick: number,
  kept: () => Row,
  missed: () => Row[],
  memory: MessageMemory,
): LabBroadcast {
  let frames: readonly Frame[] | undefined;
  let built: { msg: WireFrameMessage; ints: Int32Array | null } | undefined;
  let keep = false;
  let loans = 0;
  let given = false;
  const build = () => {
    if (given) throw new Error('broadcast read after its memory went to a later one');
    return (built ??= messageOf(lab, kept(), missed(), memory)).msg;
  };
  return {
    tick,
    frames: () => (frames ??= kept().engines.map((p) => unpack(kept().tick, p))),
    message: () => {
      const msg = build();
      keep = true;
      return msg;
    },
    lend: () => {
      const message = build();
      loans++;
      let open = true;
      return {
        message,
        release: () => {
          if (!open) return;
          open = false;
          if (--loans > 0 || keep || !built?.ints) return;
          given = true;
          memory.give(built.ints);
        },
      };
    },
  };
}
