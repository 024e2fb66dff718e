/**
 * JSON export of one tick, written from {@link TickColumns}: the exact text `JSON.stringify(frame)`
 * gives for the engine's own frame of that tick (same keys, same order, same numbers), without
 * building the frame.
 */
import { HOST_METRICS, VPS_METRICS, VPS_STATES } from '../../shared/model.js';
import type { TickColumns } from './columns.js';

const HOST_KEYS = HOST_METRICS.map((m, k) => `${k ? ',' : ''}${JSON.stringify(m)}:`);
const VPS_KEYS = VPS_METRICS.map((m) => `,${JSON.stringify(m)}:`);
const STATE_JSON: readonly string[] = Array.from({ length: 256 }, (_, k) =>
  k < VPS_STATES.length ? `,"state":${JSON.stringify(VPS_STATES[k])}` : '',
);

/** A number as JSON writes it (non-finite as `null`). */
function num(x: number): string {
  return x - x === 0 ? '' + x : 'null';
}

/** Writes successive ticks as frame JSON; keeps the quoted ids while the VPS set is unchanged. */
export class JsonFrameWriter {
  private ids: readonly string[] | null = null;
  private idJson: string[] = [];

  /** One tick as `JSON.stringify(frame)` would print the engine's frame (needs `attribution` read). */
  frame(c: TickColumns): string {
    if (c.ids !== this.ids) {
      this.ids = c.ids;
      this.idJson = c.ids.map((id) => `{"id":${JSON.stringify(id)}`);
    }
    let out = `{"tick":${c.tick},"t":${num(c.t)},"host":{`;
    for (let k = 0; k < HOST_KEYS.length; k++) out += HOST_KEYS[k] + num(c.host[k]);
    out += '},"vps":[';
    const n = c.n;
    const col = c.col;
    for (let i = 0; i < n; i++) {
      let row = (i ? ',' : '') + this.idJson[i] + STATE_JSON[c.state[i]];
      for (let k = 0; k < VPS_KEYS.length; k++) row += VPS_KEYS[k] + num(col[k][i]);
      out += row + '}';
    }
    return out + '],"attribution":' + JSON.stringify(c.attribution) + '}';
  }
}
