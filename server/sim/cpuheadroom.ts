/**
 * CPU headroom under a domain-weighted share (model spec §3, §7): what each VPS would get if it
 * asked for its whole limit while everyone else keeps asking what they do. Max-min fairness gives
 * it the level L′ at which Σ_{j≠i} min(aⱼ, wⱼ·L′) + wᵢ·L′ fills the cores: the entities below L′
 * keep what they take, the rest yield down to it. So a neighbour asking for more can only lower a
 * VPS's headroom, never raise it.
 */

/** Scratch of `domainHeadroom`, sized for n entities (the VPSs and Dom0). */
export class HeadroomScratch {
  /** Entities taking less than the level, by the level at which they stop growing (aⱼ/wⱼ). */
  readonly order: Int32Array;
  /** Position of each entity in `order` (−1: it takes the level). */
  readonly pos: Int32Array;
  readonly key: Float64Array;
  /** Σ of the takes of `order`[0, k) (prefix) and Σ of the weights of `order`[k, m) (suffix). */
  readonly pre: Float64Array;
  readonly suf: Float64Array;
  constructor(n: number) {
    this.order = new Int32Array(n + 1);
    this.pos = new Int32Array(n + 1);
    this.key = new Float64Array(n + 1);
    this.pre = new Float64Array(n + 2);
    this.suf = new Float64Array(n + 2);
  }
}

/**
 * Fills `out[i]` for the VPSs i < n with their headroom: entities [0, cnt) (slot n is Dom0 when
 * cnt > n) take `take[j]` = min(demand, limit) at water level `level` (Infinity: the cores were
 * not all wanted) of `capacity` cores, by weight; `limit[i]` caps what VPS i could use.
 */
export function domainHeadroom(
  n: number,
  cnt: number,
  take: Float64Array,
  weight: Float64Array,
  limit: Float64Array,
  capacity: number,
  level: number,
  out: Float64Array,
  sc: HeadroomScratch,
): void {
  const key = sc.key,
    pos = sc.pos;
  // One pass: who takes less than the level (D, with its Σ take), Σ weight of those at it, and the
  // two largest levels at which a member of D stops growing.
  let sumD = 0,
    wB = 0,
    top1 = -1,
    top2 = -1,
    m = 0;
  for (let j = 0; j < cnt; j++) {
    const a = take[j],
      w = weight[j];
    if (a < w * level) {
      const s = a / w;
      key[j] = s;
      pos[j] = m++;
      sumD += a;
      if (s > top1) {
        top2 = top1;
        top1 = s;
      } else if (s > top2) top2 = s;
    } else {
      pos[j] = -1;
      wB += w;
    }
  }
  let sorted = false;
  for (let i = 0; i < n; i++) {
    const w = weight[i],
      lim = limit[i];
    if (pos[i] < 0) {
      // At the level already: asking for more does not move it.
      const v = w * level;
      out[i] = v < lim ? v : lim;
      continue;
    }
    const a = take[i];
    // If i rose past every other member of D, they would all keep what they take.
    let l = (capacity - sumD + a) / (wB + w);
    const others = key[i] === top1 ? top2 : top1;
    if (!(l >= others)) {
      if (!sorted) {
        sortBelowLevel(cnt, take, weight, m, sc);
        sorted = true;
      }
      l = levelWithout(i, a, w, wB, capacity, level, m, sc);
    }
    const v = w * l;
    out[i] = v < lim ? v : lim;
  }
}

/** Sorts D by the level at which each member stops growing, with its prefix takes and suffix weights. */
function sortBelowLevel(
  cnt: number,
  take: Float64Array,
  weight: Float64Array,
  m: number,
  sc: HeadroomScratch,
): void {
  const order = sc.order,
    pos = sc.pos,
    key = sc.key,
    pre = sc.pre,
    suf = sc.suf;
  for (let j = 0; j < cnt; j++) if (pos[j] >= 0) order[pos[j]] = j;
  order.subarray(0, m).sort((x, y) => key[x] - key[y] || x - y);
  pre[0] = 0;
  for (let r = 0; r < m; r++) {
    const j = order[r];
    pos[j] = r;
    pre[r + 1] = pre[r] + take[j];
  }
  suf[m] = 0;
  for (let r = m - 1; r >= 0; r--) suf[r] = suf[r + 1] + weight[order[r]];
}

/**
 * The level L′ ≥ aᵢ/wᵢ where Σ_{j≠i} min(aⱼ, wⱼ·L′) + (W_B + wᵢ)·L′ = capacity, found on the
 * sorted breakpoints: the first k past i's own position where the sum at breakpoint k reaches it.
 */
function levelWithout(
  i: number,
  a: number,
  w: number,
  wB: number,
  capacity: number,
  level: number,
  m: number,
  sc: HeadroomScratch,
): number {
  const order = sc.order,
    key = sc.key,
    pre = sc.pre,
    suf = sc.suf;
  let lo = sc.pos[i] + 1,
    hi = m;
  while (lo < hi) {
    const k = (lo + hi) >> 1;
    const s = key[order[k]];
    if (pre[k + 1] - a + s * (wB + suf[k + 1] + w) >= capacity) hi = k;
    else lo = k + 1;
  }
  // Segment [s_{lo−1}, s_lo] (s_m = level): members before lo keep their take, the rest grow with L′.
  const l = (capacity - pre[lo] + a) / (wB + suf[lo] + w);
  return l < level ? l : level;
}
