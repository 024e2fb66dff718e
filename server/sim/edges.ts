/**
 * The pieces every "who hurts whom" rule is built of (model spec §7): the tick's edges as index
 * quads, the top culprits by excess, and a victim's shortfall split among them.
 */
import { RESOURCES, type Attribution } from '../../shared/model.js';
import type { SimState } from './state.js';

/** Indices of the TOP + 1 largest positive entries of `excess` (so one can be the victim itself). */
export function topIndices(n: number, excess: Float64Array, TOP: number): number[] {
  const best: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = excess[i];
    if (!(x > 0)) continue;
    let j: number;
    if (best.length <= TOP) j = best.push(i) - 1;
    else if (x > excess[best[best.length - 1]]) j = best.length - 1;
    else continue;
    // Kept largest first; an entry goes after the ones as large as it (they came first).
    while (j > 0 && excess[best[j - 1]] < x) {
      best[j] = best[j - 1];
      j--;
    }
    best[j] = i;
  }
  return best;
}

/** The edges of one tick as `[victim, culprit, resource, share]` quads (VPS indices, index into RESOURCES). */
export class EdgeQuads {
  data = new Float64Array(64);
  count = 0;
  push(victim: number, culprit: number, resource: number, share: number): void {
    const at = this.count * 4;
    if (at + 4 > this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[at] = victim;
    this.data[at + 1] = culprit;
    this.data[at + 2] = resource;
    this.data[at + 3] = share;
    this.count++;
  }
  /** Whether edges [from, to) hold one from `culprit` to `victim` on `resource`. */
  has(from: number, to: number, victim: number, culprit: number, resource: number): boolean {
    const d = this.data;
    for (let k = from * 4; k < to * 4; k += 4)
      if (d[k] === victim && d[k + 1] === culprit && d[k + 2] === resource) return true;
    return false;
  }
  /** The edges as objects, in the order they were found. */
  toList(st: SimState): Attribution[] {
    const out: Attribution[] = [];
    const d = this.data;
    for (let k = 0; k < this.count * 4; k += 4)
      out.push({
        victim: st.vps[d[k]].id,
        culprit: st.vps[d[k + 1]].id,
        resource: RESOURCES[d[k + 2]],
        share: d[k + 3],
      });
    return out;
  }
}

export const CPU = RESOURCES.indexOf('cpu');
export const DISK = RESOURCES.indexOf('disk');
export const NET = RESOURCES.indexOf('net');
export const CACHE = RESOURCES.indexOf('cache');
export const DOM0 = RESOURCES.indexOf('dom0');
export const MEM = RESOURCES.indexOf('mem');
export const KERNEL = RESOURCES.indexOf('kernel');

export function emit(
  out: EdgeQuads,
  st: SimState,
  resource: number,
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
    out.push(victim, j, resource, share);
    k++;
  }
}

/**
 * Whether any victim can get an edge from `top` (indices into `excess`, largest first): the largest
 * share any victim can be given is the largest excess over the total without it, and a share below
 * `attributionMinShare` is never reported. Rounding is monotone, so when that bound is below the
 * minimum every share `emit` would compute is too: skipping the victims gives the same edges.
 */
export function canEmit(st: SimState, excess: Float64Array, total: number, top: number[]): boolean {
  if (!top.length) return false;
  const largest = excess[top[0]];
  const rest = total - largest;
  return !(rest > 0 && largest / rest < st.params.attributionMinShare);
}

/**
 * Fills `scratch[i]` with each VPS's use above an equal share (`use[i] − fair`, at least 0) and
 * returns their sum, added in index order.
 */
export function excessOver(n: number, use: Float64Array, fair: number, scratch: Float64Array): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const x = Math.max(0, use[i] - fair);
    scratch[i] = x;
    total += x;
  }
  return total;
}
