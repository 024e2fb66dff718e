/**
 * The answer of GET /api/labs/:id/history made in pieces, so that the largest one (about 10 MB of
 * JSON) never holds the server for long: the held ticks downsampled a piece at a time, then the
 * JSON written a series at a time. The text, joined, is byte for byte what `sendData` sends for
 * `{ lab, side, tickMs, ...downsample(…) }`.
 */
import { Downsampler, envelope } from '../lab/downsample.js';
import type { FrameHistory } from '../lab/history.js';

export interface HistoryAsk {
  lab: string;
  side: 0 | 1;
  tickMs: number;
  fromTick: number;
  toTick: number;
  points: number;
  metrics: readonly string[];
}

/** How much one piece does: values read from the history, characters of JSON written. */
export interface PieceSizes {
  values: number;
  chars: number;
}

/** A few ms of work each on a small server (the largest answer is some 2 000 000 values, 10 MB). */
export const PIECE_SIZES: PieceSizes = { values: 100_000, chars: 256 * 1024 };

/**
 * The answer's JSON text in pieces (some empty: a piece of downsampling writes nothing); the
 * caller may turn to other work between them, and may stop early (`return()`).
 * The range is fixed by the first piece: the ticks kept in [fromTick, toTick] then are held (the
 * history keeps their arrays as they were while the lab ticks on) until the last piece or the
 * stop.
 */
export function* historyAnswer(
  history: FrameHistory,
  ask: HistoryAsk,
  sizes: PieceSizes = PIECE_SIZES,
): Generator<string, void, undefined> {
  const held = history.hold(ask.fromTick, ask.toTick);
  try {
    const d = new Downsampler(held.span(), ask.fromTick, ask.points, ask.metrics);
    const add = d.add.bind(d);
    // As many ticks a piece as held about `sizes.values` values in the ticks before.
    let ticks = 64;
    let read = 0;
    let values = 0;
    for (let i = 0; i < held.count;) {
      const end = Math.min(held.count, i + ticks);
      held.forEach(i, end, ask.side, (tick, ids, v) => {
        values += d.valuesPerTick(ids.length);
        add(tick, ids, v);
      });
      read += end - i;
      i = end;
      yield '';
      ticks = Math.max(1, Math.floor((sizes.values * read) / Math.max(1, values)));
    }
    held.release();

    const json = JSON.stringify;
    const { host, vps } = d.series();
    let out =
      `{"ok":true,"data":{"lab":${json(ask.lab)},"side":${json(ask.side)},"tickMs":${json(ask.tickMs)},` +
      `"fromTick":${json(d.first)},"toTick":${json(d.last)},"bucketTicks":${json(d.bucketTicks)},` +
      `"ticks":${json(d.ticks)},"host":{`;
    let comma = '';
    for (const m of Object.keys(host)) {
      out += `${comma}${json(m)}:${json(envelope(host[m]))}`;
      comma = ',';
      if (out.length >= sizes.chars) {
        yield out;
        out = '';
      }
    }
    out += '},"vps":{';
    comma = '';
    for (const id of Object.keys(vps)) {
      out += `${comma}${json(id)}:{`;
      comma = ',';
      let inner = '';
      for (const m of Object.keys(vps[id])) {
        out += `${inner}${json(m)}:${json(envelope(vps[id][m]))}`;
        inner = ',';
        if (out.length >= sizes.chars) {
          yield out;
          out = '';
        }
      }
      out += '}';
    }
    yield `${out}}}}`;
  } finally {
    held.release();
  }
}
