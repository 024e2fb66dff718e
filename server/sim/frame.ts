/** Reading the last tick's metrics: as a `Frame` (on demand), or copied column by column. */
import {
  HOST_METRICS,
  VPS_METRICS,
  VPS_STATES,
  type Frame,
  type HostMetrics,
  type VpsMetrics,
} from '../../shared/model.js';
import { attribute } from './attribution.js';
import type { SimState } from './state.js';
import type { Work } from './work.js';

export function buildFrame(st: SimState, w: Work, scratch: Float64Array): Frame {
  const n = st.vps.length;
  const vps: VpsMetrics[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const row = { id: st.vps[i].id, state: VPS_STATES[w.stateCode[i]] } as VpsMetrics;
    for (const k of VPS_METRICS) row[k] = w.m[k][i];
    vps[i] = row;
  }
  const host = {} as HostMetrics;
  for (const k of HOST_METRICS) host[k] = w.host[k];
  const tick = st.tick - 1;
  return {
    tick,
    t: (st.tick * st.tickMs) / 1000,
    host,
    vps,
    attribution: attribute(st, w, scratch),
  };
}

/** Copies every per-VPS metric into `into` (metric k of VPS i at k × n + i); returns n. */
export function copyVps(w: Work, into: Float64Array): number {
  const n = w.size;
  if (into.length < VPS_METRICS.length * n)
    throw new RangeError(`readVps: needs ${VPS_METRICS.length * n} slots, got ${into.length}`);
  const m = w.m;
  for (let k = 0; k < VPS_METRICS.length; k++) {
    const col = m[VPS_METRICS[k]];
    into.set(col.length === n ? col : col.subarray(0, n), k * n);
  }
  return n;
}

/** Copies the host metrics into `into` in HOST_METRICS order. */
export function copyHost(w: Work, into: Float64Array): void {
  const h = w.host;
  for (let k = 0; k < HOST_METRICS.length; k++) into[k] = h[HOST_METRICS[k]];
}
