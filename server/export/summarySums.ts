/**
 * The per-tick sums of the run summary (server/export/summary.ts): loops over one tick's metric
 * columns that add each finite value to its VPS's sum and count the others, and the state codes
 * that serve nothing or count as no response.
 */
import { VPS_STATES, type VpsState } from '../../shared/model.js';

const code = (s: VpsState): number => VPS_STATES.indexOf(s);
/** Per state code: 1 for a state that serves nothing (no latency to average). */
export const OFF = new Uint8Array(256);
/** Per state code: 1 for a state that counts as no response. */
export const DEAD = new Uint8Array(256);
for (const s of ['down', 'rebooting'] as const) OFF[code(s)] = 1;
for (const s of ['dnr', 'down', 'rebooting'] as const) DEAD[code(s)] = 1;

/**
 * For each metric k of `ks` (four at a time: one pass reads four columns), adds each finite value
 * of column k to `sums[k][i]`, else counts it in `skips[k][i]`. Every cell still gets its values
 * one tick after the other, so the sums are the same to the last bit.
 */
export function sumGroups(
  n: number,
  col: readonly Float64Array[],
  ks: readonly number[],
  sums: Float64Array[],
  skips: Uint32Array[],
): void {
  let j = 0;
  for (; j + 4 <= ks.length; j += 4) {
    const a = ks[j],
      b = ks[j + 1],
      c = ks[j + 2],
      d = ks[j + 3];
    sum4(
      n,
      col[a],
      col[b],
      col[c],
      col[d],
      sums[a],
      sums[b],
      sums[c],
      sums[d],
      skips[a],
      skips[b],
      skips[c],
      skips[d],
    );
  }
  for (; j < ks.length; j++) sumFinite(n, col[ks[j]], sums[ks[j]], skips[ks[j]]);
}

/** Four columns at once: the common case (all four finite) takes one test. */
function sum4(
  n: number,
  va: Float64Array,
  vb: Float64Array,
  vc: Float64Array,
  vd: Float64Array,
  sa: Float64Array,
  sb: Float64Array,
  sc: Float64Array,
  sd: Float64Array,
  ka: Uint32Array,
  kb: Uint32Array,
  kc: Uint32Array,
  kd: Uint32Array,
): void {
  for (let i = 0; i < n; i++) {
    const a = va[i],
      b = vb[i],
      c = vc[i],
      d = vd[i];
    if (a - a + (b - b) + (c - c) + (d - d) === 0) {
      sa[i] += a;
      sb[i] += b;
      sc[i] += c;
      sd[i] += d;
    } else {
      if (a - a === 0) sa[i] += a;
      else ka[i]++;
      if (b - b === 0) sb[i] += b;
      else kb[i]++;
      if (c - c === 0) sc[i] += c;
      else kc[i]++;
      if (d - d === 0) sd[i] += d;
      else kd[i]++;
    }
  }
}

/** Adds each finite value of column `v` to `sums[i]`, else counts it in `skips[i]`. */
function sumFinite(n: number, v: Float64Array, sums: Float64Array, skips: Uint32Array): void {
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (x - x === 0) sums[i] += x;
    else skips[i]++;
  }
}

/** As {@link sumFinite}, skipping also the VPSs that serve nothing this tick (down, rebooting). */
export function sumServing(
  n: number,
  v: Float64Array,
  state: Uint8Array,
  sums: Float64Array,
  skips: Uint32Array,
): void {
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (x - x === 0 && OFF[state[i]] === 0) sums[i] += x;
    else skips[i]++;
  }
}
