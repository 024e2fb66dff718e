/** Materializing a `Frame` from the metric arrays (only when someone asks for one). */
import { VPS_METRICS, VPS_STATES, type Frame, type VpsMetrics } from '../../shared/model.js';
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
  const tick = st.tick - 1;
  return {
    tick,
    t: (st.tick * st.tickMs) / 1000,
    host: { ...w.host },
    vps,
    attribution: attribute(st, w, scratch),
  };
}
