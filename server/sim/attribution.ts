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

/** The attribution edges of the tick just computed into `w`. */
export function attribute(st: SimState, w: Work, scratch: Float64Array): Attribution[] {
  const out: Attribution[] = [];
  const n = st.vps.length;
  if (n < 2) return out;
  const s = w.s;
  const m = w.m;
  const host = st.host;
  const p = st.profile;

  const resource = (
    name: Resource,
    excessOf: (i: number) => number,
    suffers: (i: number) => boolean,
  ): void => {
    let total = 0;
    for (let i = 0; i < n; i++) {
      const x = Math.max(0, excessOf(i));
      scratch[i] = x;
      total += x;
    }
    if (total <= 0) return;
    const top = topIndices(n, scratch, st.params.attributionTop);
    for (let i = 0; i < n; i++) if (suffers(i)) emit(out, st, name, scratch, total, top, i);
  };

  if (p.cpuPolicy === 'share') {
    // Fair share: the host's cores split by weight.
    let sumW = 0;
    for (let i = 0; i < n; i++) sumW += s.weight[i];
    const sumW1 = sumW || 1;
    resource('cpu', (i) => s.cpuGot[i] - (host.cores * s.weight[i]) / sumW1, (i) => m.cpuSteal[i] > 0.02 || m.schedWaitMs[i] > 1);
  }
  const fairDisk = host.diskIops / n;
  resource('disk', (i) => s.diskServed[i] - fairDisk, (i) => s.diskBase[i] > 0 && (w.shared.diskU > 0.8 || s.diskServed[i] < s.diskWant[i] * 0.99));
  const fairNet = host.netMbps / n;
  resource('net', (i) => s.netServed[i] - fairNet, (i) => s.netBase[i] > 0 && (w.shared.netU > 0.8 || s.netServed[i] < s.netWant[i] * 0.99));
  if (p.dom0) {
    const fairDom0 = p.dom0Vcpus / n;
    resource('dom0', (i) => s.dom0Cause[i] - fairDom0, (i) => (s.diskBase[i] > 0 || s.netBase[i] > 0) && s.dom0Served[i] < s.dom0Cause[i] * 0.99);
  }
  resource('cache', (i) => s.pressure[i] - 1 / n, (i) => s.slow[i] > 1.02);
  if (w.shared.hostSwapGiB > 0) {
    const fairMem = host.ramGiB / n;
    resource('mem', (i) => s.resident[i] - fairMem, (i) => s.up[i] > 0 || s.memDemand[i] > 0);
  }
  const k = w.shared.kernelCulprit;
  if (k >= 0) {
    for (let i = 0; i < n; i++)
      if (i !== k) out.push({ victim: st.vps[i].id, culprit: st.vps[k].id, resource: 'kernel', share: 1 });
  }
  return out;
}
