/**
 * One tick of a run as columns: every per-VPS metric in `VPS_METRICS` order (`col[k][i]` is metric
 * k of VPS i), the host metrics in `HOST_METRICS` order and the state codes. The runner points the
 * columns straight at the engine's own arrays (nothing copied); a kept `Frame` converts to the same
 * form, so every writer (summary, CSV, JSON) has one input and no per-VPS object per tick.
 */
import { HOST_METRICS, VPS_METRICS, VPS_STATES, type Attribution, type Frame } from '../../shared/model.js';
import type { ContentionEngine } from '../sim/index.js';

/** A reusable buffer for one tick; grows when the VPS count does, never shrinks. */
export class TickColumns {
  /** Tick index and simulated seconds at its end (as in a `Frame`). */
  tick = -1;
  t = 0;
  /** VPS count of this tick. */
  n = 0;
  /** VPS ids in column order: the same array while the set of VPSs does not change. */
  ids: readonly string[] = [];
  /**
   * Per-VPS metrics, one column per metric in `VPS_METRICS` order, each with at least `n` values.
   * Read from an engine, they are its live arrays: valid until it computes its next tick.
   */
  readonly col: Float64Array[] = VPS_METRICS.map(() => new Float64Array(0));
  /** Backing store of the columns when they are filled here (from a frame). */
  private own = new Float64Array(0);
  /** Host metrics in `HOST_METRICS` order. */
  readonly host = new Float64Array(HOST_METRICS.length);
  /** State codes (index into `VPS_STATES`). */
  state = new Uint8Array(0);
  /** Who hurts whom, when the reader was asked for it (JSON needs it; CSV and summaries do not). */
  attribution: Attribution[] = [];

  /** Makes room for `n` VPSs. */
  resize(n: number): void {
    this.n = n;
    if (this.state.length < n) this.state = new Uint8Array(Math.max(n, this.state.length * 2));
  }

  /** Points every column at this buffer's own storage (room for `n` VPSs), for filling here. */
  ownColumns(n: number): Float64Array[] {
    const M = VPS_METRICS.length;
    if (this.own.length < M * n) this.own = new Float64Array(M * Math.max(n, (this.own.length / M) * 2));
    const cap = this.own.length / M;
    for (let k = 0; k < M; k++)
      if (this.col[k].buffer !== this.own.buffer || this.col[k].byteOffset !== k * cap * 8)
        this.col[k] = this.own.subarray(k * cap, (k + 1) * cap);
    return this.col;
  }
}

/** Reads the engine's last computed tick into `cols` (attribution only when asked). */
export function readEngineTick(
  engine: ContentionEngine,
  cols: TickColumns,
  withAttribution = false,
): TickColumns {
  const ids = engine.vpsIds();
  cols.resize(ids.length);
  cols.ids = ids;
  cols.tick = engine.tick - 1;
  cols.t = (engine.tick * engine.tickMs) / 1000;
  for (let k = 0; k < VPS_METRICS.length; k++) cols.col[k] = engine.metric(VPS_METRICS[k]);
  engine.readHost(cols.host);
  cols.state.set(engine.stateCodes().subarray(0, ids.length));
  cols.attribution = withAttribution ? engine.attribution() : [];
  return cols;
}

const STATE_CODE = new Map<string, number>(VPS_STATES.map((s, k) => [s, k]));

/**
 * Converts a kept frame into `cols` (for history and tests). A metric missing from the frame reads
 * as NaN; an unknown state as code 255. Keeps `cols.ids` when the frame has the same VPSs.
 */
export function frameColumns(frame: Frame, cols: TickColumns = new TickColumns()): TickColumns {
  const n = frame.vps.length;
  const prev = cols.ids;
  cols.resize(n);
  let same = prev.length === n;
  for (let i = 0; same && i < n; i++) same = prev[i] === frame.vps[i].id;
  if (!same) cols.ids = frame.vps.map((v) => v.id);
  cols.tick = frame.tick;
  cols.t = frame.t;
  const col = cols.ownColumns(n);
  for (let k = 0; k < VPS_METRICS.length; k++) {
    const name = VPS_METRICS[k];
    const out = col[k];
    for (let i = 0; i < n; i++) {
      const x = frame.vps[i][name];
      out[i] = x === undefined ? NaN : x;
    }
  }
  for (let k = 0; k < HOST_METRICS.length; k++) {
    const x = frame.host[HOST_METRICS[k]];
    cols.host[k] = x === undefined ? NaN : x;
  }
  for (let i = 0; i < n; i++) cols.state[i] = STATE_CODE.get(frame.vps[i].state) ?? 255;
  cols.attribution = frame.attribution;
  return cols;
}
