/**
 * CPU headroom under flat vCPU weighting (model spec §3, §7): what each VPS would get if all its
 * vCPUs asked for a whole core (up to its cap) while everyone else keeps asking what they do.
 * Each entity's share at water level λ is gⱼ(λ) (allocate.ts `vcpuAt`: ⌊d⌋ busy vCPUs and the
 * fractional one at min(their demand, λ), capped); VPS i's raised share is the same function with
 * every vCPU busy, hᵢ(λ) = min(capᵢ, vcpusᵢ·min(λ, 1)). Max-min gives it hᵢ(λ′) at the λ′ where
 * Σ_{j≠i} gⱼ(λ′) + hᵢ(λ′) fills the cores. Σ gⱼ is tabulated once a tick at its breakpoints
 * (sorted), so each VPS's λ′ is a binary search: a neighbour asking for more can only lower a
 * VPS's headroom, never raise it.
 */
import * as allocMod from './allocate.js';

const { vcpuShareAt, vcpuShareSlope } = allocMod;

/** Scratch of `vcpuHeadroom`, sized for n entities (the VPSs and Dom0): up to 2 breakpoints each. */
export class VcpuHeadroomScratch {
  /** Breakpoints: the level, and how much Σ gⱼ's slope drops there. */
  readonly at: Float64Array;
  readonly drop: Float64Array;
  readonly order: Int32Array;
  /** By sorted breakpoint k: its level, Σ gⱼ there, and Σ gⱼ's slope just after it. */
  readonly lev: Float64Array;
  readonly sum: Float64Array;
  readonly slope: Float64Array;
  constructor(n: number) {
    const m = 2 * (n + 1);
    this.at = new Float64Array(m);
    this.drop = new Float64Array(m);
    this.order = new Int32Array(m);
    this.lev = new Float64Array(m);
    this.sum = new Float64Array(m);
    this.slope = new Float64Array(m);
  }
}

/**
 * Fills `out[i]` for the VPSs i < n with their headroom: entities [0, cnt) (slot n is Dom0 when
 * cnt > n) ask `demand[j]` cores capped at `limit[j]` on `capacity` cores; VPS i has `vcpus[i]`.
 */
export function vcpuHeadroom(
  n: number,
  cnt: number,
  demand: Float64Array,
  limit: Float64Array,
  vcpus: Float64Array,
  capacity: number,
  out: Float64Array,
  sc: VcpuHeadroomScratch,
): void {
  const at = sc.at,
    drop = sc.drop;
  let m = 0,
    slope0 = 0,
    total = 0;
  for (let j = 0; j < cnt; j++) {
    const d = demand[j],
      c = limit[j];
    if (!(d > 0) || !(c > 0)) continue;
    const a = Math.floor(d),
      f = d - a,
      s0 = a + (f > 0 ? 1 : 0);
    slope0 += s0;
    total += d < c ? d : c;
    if (c >= d) {
      // Uncapped: the fractional vCPU stops growing at f, the busy ones at 1.
      if (f > 0) m = push(at, drop, m, f, 1);
      if (a > 0) m = push(at, drop, m, 1, a);
    } else if (c <= s0 * f) m = push(at, drop, m, c / s0, s0);
    else {
      // The cap is reached after the fractional vCPU stopped, by the a busy ones.
      if (f > 0) m = push(at, drop, m, f, 1);
      m = push(at, drop, m, (c - f) / a, a);
    }
  }
  const order = sc.order,
    lev = sc.lev,
    sum = sc.sum,
    slope = sc.slope;
  for (let k = 0; k < m; k++) order[k] = k;
  order.subarray(0, m).sort((x, y) => at[x] - at[y] || x - y);
  let g = 0,
    s = slope0,
    prev = 0;
  for (let k = 0; k < m; k++) {
    const e = order[k];
    const l = at[e];
    g += s * (l - prev);
    s -= drop[e];
    lev[k] = l;
    sum[k] = g;
    slope[k] = s;
    prev = l;
  }
  for (let i = 0; i < n; i++) {
    const d = demand[i],
      c = limit[i],
      vc = vcpus[i];
    const own = d > 0 && c > 0 ? (d < c ? d : c) : 0;
    const top = vc < c ? vc : c;
    // Asking for everything it may use, it gets it if the others leave that much.
    if (total - own + top <= capacity || top <= 0) {
      out[i] = top > 0 ? top : 0;
      continue;
    }
    // The last breakpoint at which the others' shares plus its raised share still fit.
    let lo = 0,
      hi = m;
    while (lo < hi) {
      const k = (lo + hi) >> 1;
      const l = lev[k];
      if (sum[k] - vcpuShareAt(d, c, l) + vcpuShareAt(vc, c, l) <= capacity) lo = k + 1;
      else hi = k;
    }
    // On [λ_{lo−1}, λ_lo) the others' sum is linear and its raised share grows at vc up to its
    // top (at λ = top / vc, and past it stays there).
    const l0 = lo > 0 ? lev[lo - 1] : 0;
    const base = (lo > 0 ? sum[lo - 1] : 0) - vcpuShareAt(d, c, l0);
    const others = (lo > 0 ? slope[lo - 1] : slope0) - vcpuShareSlope(d, c, l0);
    const l = l0 + (capacity - base - vcpuShareAt(vc, c, l0)) / (others + vc);
    out[i] = vcpuShareAt(vc, c, l);
  }
}

function push(at: Float64Array, drop: Float64Array, m: number, level: number, by: number): number {
  at[m] = level;
  drop[m] = by;
  return m + 1;
}
