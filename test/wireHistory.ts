import { HOST_METRICS, VPS_METRICS } from '../shared/model.js';
import { countOf, readColumn, type WireHistory, type WireNumber } from '../shared/wire.js';
import {
  blockHost,
  blockVps,
  frameBlocks,
  type WireBlock,
  type WireFrameMessage,
} from '../shared/wireFrame.js';

/** One frame with its numbers in rows: `[tick, tMs, ids, host, vps rows ([state, ...VPS_METRICS]), attribution]`. */
export type RowFrame = [
  tick: number,
  tMs: number,
  ids: string,
  host: WireNumber[],
  vps: WireNumber[][],
  attribution: number[][],
];
/** A frame message (or a snapshot entry) with each frame in rows: what tests compare. */
export interface RowMessage {
  lab: string;
  tick: number;
  frames: RowFrame[];
  missed?: RowFrame[][];
}

function rowFrame(b: WireBlock): RowFrame {
  const host = HOST_METRICS.map((_, i) => blockHost(b, i));
  const rows = b.ids.map((_, v) =>
    Array.from({ length: VPS_METRICS.length + 1 }, (_, r) => blockVps(b, v, r)),
  );
  return [b.tick, b.tMs, b.ids.join(','), host, rows, b.attribution];
}

/** A frame message as received (binary data or its JSON array) with its numbers in rows. */
export function rowsOf(msg: WireFrameMessage): RowMessage {
  const { frames, missed } = frameBlocks(msg);
  const out: RowMessage = { lab: msg.lab, tick: msg.tick, frames: frames.map(rowFrame) };
  if (msg.missed) out.missed = missed.map((fs) => fs.map(rowFrame));
  return out;
}

/**
 * A snapshot's history columns back to frames in rows, entry by entry, oldest first: tests and
 * benches compare them with the frames viewers were sent (`rowsOf`). The product never builds these rows.
 */
export function decodeHistory(h: WireHistory): RowMessage[] {
  const first = readColumn(h.ticks, countOf(h.ticks));
  const n = first.length;
  const out: RowMessage[] = first.map((tick) => ({ lab: h.lab, tick: tick ?? 0, frames: [] }));
  const width = VPS_METRICS.length + 1;
  for (const m of h.modes) {
    const tMs = readColumn(m.tMs, n);
    const host = HOST_METRICS.map((_, i) => readColumn(m.host[i], n));
    let entry = 0;
    m.runs.forEach(([count, ids], r) => {
      const cols = (m.vps[r] ?? []).map((vcols) => vcols.map((c) => readColumn(c, count)));
      for (let j = 0; j < count && entry < n; j++, entry++) {
        const hostRow: WireNumber[] = new Array(HOST_METRICS.length);
        for (let i = 0; i < HOST_METRICS.length; i++) hostRow[i] = host[i][entry];
        const vpsRows: WireNumber[][] = cols.map((c) => {
          const row: WireNumber[] = new Array(width).fill(null);
          for (let k = 0; k < h.rows.length; k++) row[h.rows[k]] = c[k][j];
          return row;
        });
        out[entry].frames.push([out[entry].tick, tMs[entry] ?? 0, ids, hostRow, vpsRows, []]);
      }
    });
    entry = 0;
    for (const [count, edges] of m.attribution)
      for (let j = 0; j < count && entry < n; j++, entry++) {
        const f = out[entry].frames[out[entry].frames.length - 1];
        if (f) f[5] = edges;
      }
  }
  if (h.latest && n > 0 && out[n - 1].tick === h.latest.tick) out[n - 1] = rowsOf(h.latest);
  return out;
}
