/**
 * Who hurts whom (model spec §7): a victim's shortfall on a shared resource is split among its
 * neighbours in proportion to their use above their fair share. O(n) per resource: the top few
 * culprits are found once, and each suffering victim gets at most `attributionTop` edges.
 */
import type { Attribution, Resource } from '../../shared/model.js';
import type { SimState } from './state.js';
import type { Work } from './work.js';

/** Indices of the TOP + 1 largest positive entries of `excess` (so one can be the victim itself). */
function topIndices(n: number, excess: Float64Array, TOP: number): number[] {
  const best: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = excess[i];
    if (!(x > 0)) continue;
    if (best.length <= TOP) best.push(i);
    else if (x > excess[best[best.length - 1]]) best[best.length - 1] = i;
    else continue;
    best.sort((a, b) => excess[b] - excess[a]);
  }
  return best;
}

function emit(
  out: Attribution[],
  st: SimState,
  resource: Resource,
  excess: Float64Array,
  total: number,
  top: number[],
  victim: number,
): void {
  const TOP = st.params.attributionTop;
  const rest = total - (excess[victim] > 0 ? excess[victim] : 0);
  if (rest <= 0) return;
  let k = 0;
  for (const j of top) {
    if (j === victim || k >= TOP) continue;
    const share = excess[j] / rest;
    if (share < st.params.attributionMinShare) continue;
    out.push({ victim: st.vps[victim].id, culprit: st.vps[j].id, resource, share });
    k++;
  }
}

/** Sum of `scratch[0..n)` (each already clamped at 0), in index order. */
function sum(n: number, scratch: Float64Array): number {
  let total = 0;
  for (let i = 0; i < n; i++) total += scratch[i];
  return total;
}

/**
 * The attribution edges of the tick just computed into `w`. Each resource fills `scratch` with
 * every VPS's use above its fair share (at least 0), then splits each suffering victim's shortfall
 * among the top culprits. Written as plain loops per resource (no callback per VPS): this runs
 * every tick of a live lab.
 */
export function attribute(st: SimState, w: Work, scratch: Float64Array): Attribution[] {
  const out: Attribution[] = [];
  const n = st.vps.length;
  if (n < 2) return out;
  const s = w.s;
  const m = w.m;
  const host = st.host;
  const p = st.profile;
  const TOP = st.params.attributionTop;
  let total: number;

  if (p.cpuPolicy === 'share') {
    // Fair share: the host's cores split by weight.
    let sumW = 0;
    for (let i = 0; i < n; i++) sumW += s.weight[i];
    const sumW1 = sumW || 1;
    for (let i = 0; i < n; i++) scratch[i] = Math.max(0, s.cpuGot[i] - (host.cores * s.weight[i]) / sumW1);
    if (!((total = sum(n, scratch)) <= 0)) {
      const top = topIndices(n, scratch, TOP);
      for (let i = 0; i < n; i++)
        if (m.cpuSteal[i] > 0.02 || m.schedWaitMs[i] > 1) emit(out, st, 'cpu', scratch, total, top, i);
    }
  }
  const fairDisk = host.diskIops / n;
  for (let i = 0; i < n; i++) scratch[i] = Math.max(0, s.diskServed[i] - fairDisk);
  if (!((total = sum(n, scratch)) <= 0)) {
    const top = topIndices(n, scratch, TOP);
    const busy = w.shared.diskU > 0.8;
    for (let i = 0; i < n; i++)
      if (s.diskBase[i] > 0 && (busy || s.diskServed[i] < s.diskWant[i] * 0.99)) emit(out, st, 'disk', scratch, total, top, i);
  }
  const fairNet = host.netMbps / n;
  for (let i = 0; i < n; i++) scratch[i] = Math.max(0, s.netServed[i] - fairNet);
  if (!((total = sum(n, scratch)) <= 0)) {
    const top = topIndices(n, scratch, TOP);
    const busy = w.shared.netU > 0.8;
    for (let i = 0; i < n; i++)
      if (s.netBase[i] > 0 && (busy || s.netServed[i] < s.netWant[i] * 0.99)) emit(out, st, 'net', scratch, total, top, i);
  }
  if (p.dom0) {
    const fairDom0 = p.dom0Vcpus / n;
    for (let i = 0; i < n; i++) scratch[i] = Math.max(0, s.dom0Cause[i] - fairDom0);
    if (!((total = sum(n, scratch)) <= 0)) {
      const top = topIndices(n, scratch, TOP);
      for (let i = 0; i < n; i++)
        if ((s.diskBase[i] > 0 || s.netBase[i] > 0) && s.dom0Served[i] < s.dom0Cause[i] * 0.99)
          emit(out, st, 'dom0', scratch, total, top, i);
    }
  }
  const fairCache = 1 / n;
  for (let i = 0; i < n; i++) scratch[i] = Math.max(0, s.pressure[i] - fairCache);
  if (!((total = sum(n, scratch)) <= 0)) {
    const top = topIndices(n, scratch, TOP);
    for (let i = 0; i < n; i++) if (s.slow[i] > 1.02) emit(out, st, 'cache', scratch, total, top, i);
  }
  if (w.shared.hostSwapGiB > 0) {
    const fairMem = host.ramGiB / n;
    for (let i = 0; i < n; i++) scratch[i] = Math.max(0, s.resident[i] - fairMem);
    if (!((total = sum(n, scratch)) <= 0)) {
      const top = topIndices(n, scratch, TOP);
      for (let i = 0; i < n; i++) if (s.up[i] > 0 || s.memDemand[i] > 0) emit(out, st, 'mem', scratch, total, top, i);
    }
  }
  const k = w.shared.kernelCulprit;
  if (k >= 0) {
    for (let i = 0; i < n; i++)
      if (i !== k) out.push({ victim: st.vps[i].id, culprit: st.vps[k].id, resource: 'kernel', share: 1 });
  }
  return out;
}
