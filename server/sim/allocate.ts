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

function solve(n: number, xs: Float64Array, ys: Float64Array, capacity: number, warm: number, at: At, slope: At): number {
  let total = 0;
  for (let i = 0; i < n; i++) total += at(xs[i], ys[i], Infinity);
  if (total <= capacity) return Infinity;
  let level = warm > 0 && Number.isFinite(warm) ? warm : 0;
  let g = 0;
  for (let i = 0; i < n; i++) g += at(xs[i], ys[i], level);
  if (g > capacity) {
    level = 0;
    g = 0;
  }
  for (let it = 0; it < MAX_NEWTON; it++) {
    const gap = capacity - g;
    if (gap <= capacity * REL_EPS) return level;
    let s = 0;
    for (let i = 0; i < n; i++) s += slope(xs[i], ys[i], level);
    if (s <= 0) return level;
    const next = level + gap / s;
    let gn = 0;
    for (let i = 0; i < n; i++) gn += at(xs[i], ys[i], next);
    if (gn > capacity * (1 + REL_EPS)) {
      // Rounding pushed us just past the root: the root lies on this segment, so bisect the sliver.
      return bisect(n, xs, ys, capacity, level, next, at);
    }
    level = next;
    g = gn;
  }
  return exactBySort(n, xs, ys, capacity, at, slope);
}

function bisect(n: number, xs: Float64Array, ys: Float64Array, capacity: number, lo: number, hi: number, at: At): number {
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
function exactBySort(n: number, xs: Float64Array, ys: Float64Array, capacity: number, at: At, slope: At): number {
  const points: number[] = [];
  for (let i = 0; i < n; i++) {
    // Breakpoints of each entity: where its slope changes (candidates: f, 1, cap point, limit/weight).
    const x = xs[i], y = ys[i];
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
 */
export function waterFillDomain(
  n: number,
  limit: Float64Array,
  weight: Float64Array,
  capacity: number,
  out: Float64Array,
  warm = 0,
): number {
  const level = solve(n, limit, weight, capacity, warm, domainAt, domainSlope);
  for (let i = 0; i < n; i++) out[i] = domainAt(limit[i], weight[i], level);
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
  const level = solve(n, demand, cap, capacity, warm, vcpuAt, vcpuSlope);
  for (let i = 0; i < n; i++) out[i] = vcpuAt(demand[i], cap[i], level);
  return level;
}

/** What entity i would get at level λ with unlimited demand up to `ceiling` (its headroom). */
export function headroomDomain(weight: number, ceiling: number, level: number): number {
  return domainAt(ceiling, weight, level);
}

export function headroomVcpu(vcpus: number, cap: number, level: number): number {
  return vcpuAt(vcpus, cap, level);
}

/**
 * One FIFO queue served in proportion to demand (not fair): out[i] = demand[i]·min(1, C/Σ).
 * A closed-loop submitter cannot keep more than the device's worth in flight, so each demand
 * counts at most `capacity`. Returns the served fraction.
 */
export function shareProportional(n: number, demand: Float64Array, capacity: number, out: Float64Array): number {
  let total = 0;
  for (let i = 0; i < n; i++) total += demand[i] < capacity ? demand[i] : capacity;
  const frac = total > capacity ? capacity / total : 1;
  for (let i = 0; i < n; i++) out[i] = (demand[i] < capacity ? demand[i] : capacity) * frac;
  return frac;
}
