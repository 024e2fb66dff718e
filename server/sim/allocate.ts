/**
 * Allocators over typed arrays (model spec §3, §5). No allocation on the common path.
 *
 * Weighted max-min fairness (water-filling) is solved as finding the level λ where
 * G(λ) = Σ gᵢ(λ) equals the capacity; each gᵢ is concave, piecewise linear and non-decreasing, so
 * Newton steps taken from below never overshoot and stop on the exact segment after a handful of
 * O(n) passes (warm-started from the previous tick's level). A sort-based exact solve (O(n log n))
 * is the fallback when many segments must be crossed.
 */

const MAX_NEWTON = 24;
const REL_EPS = 1e-13;

/** Per-entity allocation at level λ: domain weighting, gᵢ(λ) = min(limitᵢ, wᵢ·λ). */
function domainAt(limit: number, weight: number, level: number): number {
  const v = weight * level;
  return v < limit ? v : limit;
}

/** Per-entity allocation at level λ: vCPU weighting, each of ⌊d⌋ busy vCPUs and the fractional one gets min(its demand, λ), total capped. */
function vcpuAt(demand: number, cap: number, level: number): number {
  if (demand <= 0) return 0;
  const a = Math.floor(demand);
  const f = demand - a;
  const l1 = level < 1 ? level : 1;
  const v = a * l1 + (f < level ? f : level);
  return v < cap ? v : cap;
}

/** Right derivative of the per-entity function at λ. */
function domainSlope(limit: number, weight: number, level: number): number {
  return weight * level < limit ? weight : 0;
}

function vcpuSlope(demand: number, cap: number, level: number): number {
  if (demand <= 0 || vcpuAt(demand, cap, level) >= cap) return 0;
  const a = Math.floor(demand);
  const f = demand - a;
  return (level < 1 ? a : 0) + (level < f ? 1 : 0);
}

type At = (x: number, y: number, level: number) => number;

/**
 * The level the solver last left in `out` (NaN: none). Each pass of the solver that evaluates
 * every entity at a level also writes those values to `out`, so the caller need not redo the pass
 * that ends on the root (the values are the same expressions, so the result is unchanged).
 */
let outLevel = 0 / 0;

/**
 * Whether the last solve, run again on the same inputs warm-started from the level it returned,
 * returns that same level by the same steps: it found everyone's limit fitting, or it stopped on
 * the root with G(λ) ≤ C (the rerun stops at once), or it had restarted from 0 (the rerun restarts too).
 */
let repeats = false;

/** Whether the last water-filling would give the same result if run again on the same inputs from its own level. */
export function lastFillRepeats(): boolean {
  return repeats;
}

/**
 * Weighted max-min level under domain weighting, gᵢ(λ) = min(xᵢ, yᵢ·λ): the generic Newton solve
 * below written out for this gᵢ (no call through a function value), each pass also summing the
 * slope the next step needs and writing the allocation at its level into `out`.
 */
function solveDomain(
  n: number,
  xs: Float64Array,
  ys: Float64Array,
  capacity: number,
  warm: number,
  out: Float64Array,
  contended: boolean,
): number {
  const w0 = warm > 0 && Number.isFinite(warm) ? warm : 0;
  let total = 0,
    gw = 0,
    sw = 0,
    s0 = 0;
  // A split known or likely to be contended (a warm start: the last one was) takes its sums at the
  // warm level and at 0 in the same pass as Σ at ∞ (otherwise in a second pass, only if needed).
  const early = contended || w0 > 0;
  for (let i = 0; i < n; i++) {
    const x = xs[i],
      y = ys[i];
    const v = y * (1 / 0);
    const a = v < x ? v : x;
    total += a;
    out[i] = a;
    if (early) {
      const vw = y * w0;
      if (vw < x) {
        gw += vw;
        sw += y;
      } else gw += x;
      if (y * 0 < x) s0 += y;
    }
  }
  outLevel = 1 / 0;
  repeats = true;
  if (total <= capacity) return 1 / 0;
  repeats = false;
  if (!early) {
    for (let i = 0; i < n; i++) {
      const x = xs[i],
        y = ys[i];
      const v = y * w0;
      if (v < x) {
        gw += v;
        sw += y;
      } else gw += x;
      if (y * 0 < x) s0 += y;
    }
  }
  let level = w0;
  let g = gw;
  let s = sw;
  let restarted = false;
  if (g > capacity) {
    level = 0;
    g = 0;
    s = s0;
    restarted = true;
  }
  for (let it = 0; it < MAX_NEWTON; it++) {
    const gap = capacity - g;
    if (gap <= capacity * REL_EPS) {
      repeats = level > 0 && level < 1 / 0 && (g <= capacity || restarted);
      return level;
    }
    if (s <= 0) return level;
    const next = level + gap / s;
    let gn = 0,
      sn = 0;
    for (let i = 0; i < n; i++) {
      const x = xs[i],
        y = ys[i];
      const v = y * next;
      // (Without a branch, adding 0 to the slope of one at its cap: V8 throws away optimized code at
      // the first run of arithmetic it never saw run, and the first solves may find none capped.)
      const below = v < x;
      const a = below ? v : x;
      gn += a;
      sn += below ? y : 0;
      out[i] = a;
    }
    outLevel = next;
    if (gn > capacity * (1 + REL_EPS)) {
      // Rounding pushed us just past the root: the root lies on this segment, so bisect the sliver.
      return bisect(n, xs, ys, capacity, level, next, domainAt);
    }
    level = next;
    g = gn;
    s = sn;
  }
  return exactBySort(n, xs, ys, capacity, domainAt, domainSlope);
}

function solve(
  n: number,
  xs: Float64Array,
  ys: Float64Array,
  capacity: number,
  warm: number,
  at: At,
  slope: At,
  out: Float64Array,
): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const a = at(xs[i], ys[i], 1 / 0);
    total += a;
    out[i] = a;
  }
  outLevel = 1 / 0;
  repeats = true;
  if (total <= capacity) return 1 / 0;
  repeats = false;
  let level = warm > 0 && Number.isFinite(warm) ? warm : 0;
  let g = 0;
  for (let i = 0; i < n; i++) g += at(xs[i], ys[i], level);
  let restarted = false;
  if (g > capacity) {
    level = 0;
    g = 0;
    restarted = true;
  }
  for (let it = 0; it < MAX_NEWTON; it++) {
    const gap = capacity - g;
    if (gap <= capacity * REL_EPS) {
      repeats = level > 0 && level < 1 / 0 && (g <= capacity || restarted);
      return level;
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += slope(xs[i], ys[i], level);
    if (s <= 0) return level;
    const next = level + gap / s;
    let gn = 0;
    for (let i = 0; i < n; i++) {
      const a = at(xs[i], ys[i], next);
      gn += a;
      out[i] = a;
    }
    outLevel = next;
    if (gn > capacity * (1 + REL_EPS)) {
      // Rounding pushed us just past the root: the root lies on this segment, so bisect the sliver.
      return bisect(n, xs, ys, capacity, level, next, at);
    }
    level = next;
    g = gn;
  }
  return exactBySort(n, xs, ys, capacity, at, slope);
}

function bisect(
  n: number,
  xs: Float64Array,
  ys: Float64Array,
  capacity: number,
  lo: number,
  hi: number,
  at: At,
): number {
  for (let k = 0; k < 60 && hi - lo > lo * 1e-15; k++) {
    const mid = (lo + hi) / 2;
    let g = 0;
    for (let i = 0; i < n; i++) g += at(xs[i], ys[i], mid);
    if (g > capacity) hi = mid;
    else lo = mid;
  }
  return lo;
}

/** O(n log n): walk the sorted breakpoints until the segment holding the root. */
function exactBySort(
  n: number,
  xs: Float64Array,
  ys: Float64Array,
  capacity: number,
  at: At,
  slope: At,
): number {
  const points: number[] = [];
  for (let i = 0; i < n; i++) {
    // Breakpoints of each entity: where its slope changes (candidates: f, 1, cap point, limit/weight).
    const x = xs[i],
      y = ys[i];
    if (at === domainAt) {
      if (y > 0) points.push(x / y);
    } else if (x > 0) {
      const a = Math.floor(x);
      const f = x - a;
      if (f > 0) points.push(f);
      points.push(1);
      if (y < x) points.push(y <= (a + 1) * f ? y / (a + 1) : (y - f) / Math.max(a, 1));
    }
  }
  points.sort((p, q) => p - q);
  let prev = 0;
  for (const p of points) {
    let g = 0;
    for (let i = 0; i < n; i++) g += at(xs[i], ys[i], p);
    if (g >= capacity) return bisect(n, xs, ys, capacity, prev, p, at);
    prev = p;
  }
  void slope;
  return prev;
}

/**
 * Weighted max-min fair split of `capacity` (domain weighting: Xen credit, cgroup cpu.weight):
 * out[i] = min(limit[i], weight[i]·λ). Returns λ (Infinity when everyone's limit fits).
 * `contended`: the caller knows Σ limit exceeds the capacity (a hint for speed; same result).
 */
export function waterFillDomain(
  n: number,
  limit: Float64Array,
  weight: Float64Array,
  capacity: number,
  out: Float64Array,
  warm = 0,
  contended = false,
): number {
  if (out === limit || out === weight) throw new Error('waterFillDomain: out must not alias its inputs');
  const level = solveDomain(n, limit, weight, capacity, warm, out, contended);
  if (level !== outLevel) for (let i = 0; i < n; i++) out[i] = domainAt(limit[i], weight[i], level);
  return level;
}

/**
 * Max-min fair split among vCPUs (flat CFS): every runnable vCPU is one equal entity capped at its
 * own demand (⌊d⌋ busy vCPUs plus one at d − ⌊d⌋); the vCPUs of a capped VPS share its cap.
 * out[i] = that VPS's total. Returns the per-vCPU level λ (Infinity when everything fits).
 */
export function waterFillVcpu(
  n: number,
  demand: Float64Array,
  cap: Float64Array,
  capacity: number,
  out: Float64Array,
  warm = 0,
): number {
  if (out === demand || out === cap) throw new Error('waterFillVcpu: out must not alias its inputs');
  const level = solve(n, demand, cap, capacity, warm, vcpuAt, vcpuSlope, out);
  if (level !== outLevel) for (let i = 0; i < n; i++) out[i] = vcpuAt(demand[i], cap[i], level);
  return level;
}

/** What an entity asking `demand` cores, capped at `cap`, gets at level λ under vCPU weighting. */
export function vcpuShareAt(demand: number, cap: number, level: number): number {
  return vcpuAt(demand, cap, level);
}

/** The right derivative of `vcpuShareAt` in λ. */
export function vcpuShareSlope(demand: number, cap: number, level: number): number {
  return vcpuSlope(demand, cap, level);
}

/**
 * One FIFO queue served in proportion to demand (not fair): out[i] = demand[i]·min(1, C/Σ).
 * A closed-loop submitter cannot keep more than the device's worth in flight, so each demand
 * counts at most `capacity`. Returns the served fraction.
 */
export function shareProportional(
  n: number,
  demand: Float64Array,
  capacity: number,
  out: Float64Array,
): number {
  let total = 0;
  for (let i = 0; i < n; i++) total += demand[i] < capacity ? demand[i] : capacity;
  const frac = total > capacity ? capacity / total : 1;
  for (let i = 0; i < n; i++) out[i] = (demand[i] < capacity ? demand[i] : capacity) * frac;
  return frac;
}
