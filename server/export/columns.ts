/**
 * One tick of a run as columns: every per-VPS metric in `VPS_METRICS` order, metric-major
 * (metric k of VPS i at `k * n + i`), the host metrics in `HOST_METRICS` order and the state codes.
 * The runner fills it straight from the engine's arrays; a kept `Frame` converts to the same form,
 * so every writer (summary, CSV, JSON) has one input and no per-VPS object per tick.
 */
import {
  HOST_METRICS,
  VPS_METRICS,
  VPS_STATES,
  type Attribution,
  type Frame,
} from '../../shared/model.js';
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
  /** Per-VPS metrics, metric-major (`VPS_METRICS.length * n` values in use). */
  vps = new Float64Array(0);
  /** Host metrics in `HOST_METRICS` order. */
  readonly host = new Float64Array(HOST_METRICS.length);
  /** State codes (index into `VPS_STATES`). */
  state = new Uint8Array(0);
  /** Who hurts whom, when the reader was asked for it (JSON needs it; CSV and summaries do not). */
  attribution: Attribution[] = [];

  /** Makes room for `n` VPSs. */
  resize(n: number): void {
    this.n = n;
    if (this.state.length < n) {
      const cap = Math.max(n, this.state.length * 2);
      this.vps = new Float64Array(VPS_METRICS.length * cap);
      this.state = new Uint8Array(cap);
    }
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
  engine.readVps(cols.vps);
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
  const out = cols.vps;
  for (let k = 0; k < VPS_METRICS.length; k++) {
    const name = VPS_METRICS[k];
    const base = k * n;
    for (let i = 0; i < n; i++) {
      const x = frame.vps[i][name];
      out[base + i] = x === undefined ? NaN : x;
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
