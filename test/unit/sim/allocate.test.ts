import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  lastFillRepeats,
  shareProportional,
  waterFillDomain,
  waterFillVcpu,
} from '../../../server/sim/allocate.js';

/** Slow reference: progressive filling. Raise every unfrozen entity at the same per-weight rate; freeze at its limit. */
function referenceDomain(limit: number[], weight: number[], capacity: number): number[] {
  const n = limit.length;
  const out = new Array<number>(n).fill(0);
  const frozen = limit.map((l) => l <= 0);
  let left = capacity;
  for (;;) {
    const active = [...Array(n).keys()].filter((i) => !frozen[i]);
    if (!active.length || left <= 1e-12) break;
    const wsum = active.reduce((a, i) => a + weight[i], 0);
    // The level step at which the first active entity reaches its limit.
    let step = Infinity;
    for (const i of active) step = Math.min(step, (limit[i] - out[i]) / weight[i]);
    step = Math.min(step, left / wsum);
    for (const i of active) {
      out[i] += weight[i] * step;
      if (out[i] >= limit[i] - 1e-12) frozen[i] = true;
    }
    left -= wsum * step;
    if (left <= 1e-12) break;
  }
  return out;
}

/** Slow reference for flat vCPU fairness: expand every VPS into its vCPU entities and bisect the level. */
function referenceVcpu(demand: number[], cap: number[], capacity: number): number[] {
  const perVps = (level: number) =>
    demand.map((d, i) => {
      const entities: number[] = [];
      for (let k = 0; k < Math.floor(d); k++) entities.push(1);
      if (d - Math.floor(d) > 0) entities.push(d - Math.floor(d));
      return Math.min(
        cap[i],
        entities.reduce((a, e) => a + Math.min(e, level), 0),
      );
    });
  const total = (level: number) => perVps(level).reduce((a, b) => a + b, 0);
  if (total(1) <= capacity) return perVps(1);
  let lo = 0;
  let hi = 1;
  for (let k = 0; k < 200; k++) {
    const mid = (lo + hi) / 2;
    if (total(mid) > capacity) hi = mid;
    else lo = mid;
  }
  return perVps(lo);
}

const entity = fc.record({
  limit: fc.double({ min: 0, max: 8, noNaN: true }),
  weight: fc.integer({ min: 1, max: 1024 }),
});
const entities = fc.array(entity, { minLength: 1, maxLength: 40 });
const capacity = fc.double({ min: 0.01, max: 64, noNaN: true });

function runDomain(es: { limit: number; weight: number }[], cap: number): number[] {
  const n = es.length;
  const out = new Float64Array(n);
  waterFillDomain(
    n,
    Float64Array.from(es.map((e) => e.limit)),
    Float64Array.from(es.map((e) => e.weight)),
    cap,
    out,
  );
  return Array.from(out);
}

describe('weighted max-min water-filling (domain weighting)', () => {
  it('never exceeds capacity nor any limit, and is work-conserving', () => {
    fc.assert(
      fc.property(entities, capacity, (es, cap) => {
        const got = runDomain(es, cap);
        const sum = got.reduce((a, b) => a + b, 0);
        const want = es.reduce((a, e) => a + e.limit, 0);
        expect(sum).toBeLessThanOrEqual(cap * (1 + 1e-9) + 1e-12);
        got.forEach((g, i) => {
          expect(g).toBeGreaterThanOrEqual(0);
          expect(g).toBeLessThanOrEqual(es[i].limit + 1e-12);
        });
        expect(sum).toBeCloseTo(Math.min(want, cap), 7);
      }),
      { numRuns: 400 },
    );
  });

  it('matches a slow progressive-filling reference', () => {
    fc.assert(
      fc.property(entities, capacity, (es, cap) => {
        const got = runDomain(es, cap);
        const ref = referenceDomain(
          es.map((e) => e.limit),
          es.map((e) => e.weight),
          cap,
        );
        got.forEach((g, i) => expect(g).toBeCloseTo(ref[i], 6));
      }),
      { numRuns: 400 },
    );
  });

  it('is monotone in an entity’s own demand', () => {
    fc.assert(
      fc.property(
        entities,
        capacity,
        fc.nat(),
        fc.double({ min: 0, max: 4, noNaN: true }),
        (es, cap, pick, extra) => {
          const i = pick % es.length;
          const before = runDomain(es, cap)[i];
          const more = es.map((e, k) => (k === i ? { ...e, limit: e.limit + extra } : e));
          expect(runDomain(more, cap)[i]).toBeGreaterThanOrEqual(before - 1e-9);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives the same answer from any warm start', () => {
    fc.assert(
      fc.property(entities, capacity, fc.double({ min: 0, max: 10, noNaN: true }), (es, cap, warm) => {
        const n = es.length;
        const a = new Float64Array(n);
        const lim = Float64Array.from(es.map((e) => e.limit));
        const w = Float64Array.from(es.map((e) => e.weight));
        waterFillDomain(n, lim, w, cap, a, warm);
        const b = runDomain(es, cap);
        Array.from(a).forEach((x, i) => expect(x).toBeCloseTo(b[i], 7));
      }),
      { numRuns: 200 },
    );
  });
});

/**
 * The plain Newton solve the allocator's fused passes stand for: one pass per sum (Σ at ∞, G at the
 * warm start, the slope, G at the next level), then one pass writing the split at the level found.
 * The engine's output is pinned to it bit for bit.
 */
function plainNewtonDomain(
  limit: Float64Array,
  weight: Float64Array,
  capacity: number,
  warm: number,
): { level: number; out: number[] } {
  const n = limit.length;
  const at = (i: number, l: number) => Math.min(limit[i], weight[i] * l);
  const g = (l: number) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += at(i, l);
    return sum;
  };
  const finish = (l: number) => ({ level: l, out: Array.from(limit, (_, i) => at(i, l)) });
  if (g(Infinity) <= capacity) return finish(Infinity);
  let level = warm > 0 && Number.isFinite(warm) ? warm : 0;
  let gl = g(level);
  if (gl > capacity) {
    level = 0;
    gl = 0;
  }
  for (let it = 0; it < 24; it++) {
    const gap = capacity - gl;
    if (gap <= capacity * 1e-13) return finish(level);
    let s = 0;
    for (let i = 0; i < n; i++) s += weight[i] * level < limit[i] ? weight[i] : 0;
    if (s <= 0) return finish(level);
    const next = level + gap / s;
    const gn = g(next);
    if (gn > capacity * (1 + 1e-13)) return { level: NaN, out: [] }; // the sliver bisection: not compared
    level = next;
    gl = gn;
  }
  return { level: NaN, out: [] };
}

describe('the allocator’s fused passes', () => {
  const big = fc.array(entity, { minLength: 1, maxLength: 300 });
  it('give bit for bit what the plain Newton solve gives, from any warm start', () => {
    fc.assert(
      fc.property(big, capacity, fc.double({ min: 0, max: 0.05, noNaN: true }), (es, cap, warm) => {
        const lim = Float64Array.from(es.map((e) => e.limit));
        const w = Float64Array.from(es.map((e) => e.weight));
        const ref = plainNewtonDomain(lim, w, cap, warm);
        if (Number.isNaN(ref.level)) return;
        const out = new Float64Array(es.length);
        const level = waterFillDomain(es.length, lim, w, cap, out, warm);
        expect(Object.is(level, ref.level)).toBe(true);
        ref.out.forEach((x, i) => expect(Object.is(out[i], x)).toBe(true));
        // The caller's hint that the split is contended changes nothing but the order of the passes.
        if (lim.reduce((a, b) => a + b, 0) > cap) {
          const hinted = new Float64Array(es.length);
          expect(Object.is(waterFillDomain(es.length, lim, w, cap, hinted, warm, true), ref.level)).toBe(
            true,
          );
          ref.out.forEach((x, i) => expect(Object.is(hinted[i], x)).toBe(true));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('when a fill says it repeats, rerunning it from its own level gives the same level and split bit for bit', () => {
    let repeated = 0;
    fc.assert(
      fc.property(big, capacity, fc.double({ min: 0, max: 0.05, noNaN: true }), (es, cap, warm) => {
        const lim = Float64Array.from(es.map((e) => e.limit));
        const w = Float64Array.from(es.map((e) => e.weight));
        const a = new Float64Array(es.length);
        const la = waterFillDomain(es.length, lim, w, cap, a, warm);
        if (!lastFillRepeats()) return;
        repeated++;
        const b = new Float64Array(es.length);
        const lb = waterFillDomain(es.length, lim, w, cap, b, Number.isFinite(la) ? la : 0);
        expect(Object.is(la, lb)).toBe(true);
        a.forEach((x, i) => expect(Object.is(b[i], x)).toBe(true));
      }),
      { numRuns: 400 },
    );
    expect(repeated).toBeGreaterThan(100);
  });

  it('refuse an output array that is also an input', () => {
    const lim = Float64Array.of(1, 2);
    expect(() => waterFillDomain(2, lim, Float64Array.of(1, 1), 1, lim)).toThrow(/alias/);
    expect(() => waterFillVcpu(2, lim, Float64Array.of(2, 2), 1, lim)).toThrow(/alias/);
  });
});

const vps = fc.record({
  demand: fc.double({ min: 0, max: 8, noNaN: true }),
  capFrac: fc.option(fc.double({ min: 0.05, max: 1, noNaN: true }), { nil: undefined }),
});

describe('flat vCPU fairness with nested per-VPS caps', () => {
  it('matches a reference that expands every vCPU, respects caps and capacity, conserves work', () => {
    fc.assert(
      fc.property(fc.array(vps, { minLength: 1, maxLength: 24 }), capacity, (vs, cap) => {
        const n = vs.length;
        const demand = vs.map((v) => v.demand);
        const caps = vs.map((v) => (v.capFrac === undefined ? Math.max(v.demand, 8) : v.capFrac * 8));
        const out = new Float64Array(n);
        waterFillVcpu(n, Float64Array.from(demand), Float64Array.from(caps), cap, out);
        const ref = referenceVcpu(demand, caps, cap);
        const sum = Array.from(out).reduce((a, b) => a + b, 0);
        const want = demand.reduce((a, d, i) => a + Math.min(d, caps[i]), 0);
        expect(sum).toBeLessThanOrEqual(cap * (1 + 1e-9) + 1e-12);
        expect(sum).toBeCloseTo(Math.min(want, cap), 6);
        Array.from(out).forEach((g, i) => {
          expect(g).toBeLessThanOrEqual(Math.min(demand[i], caps[i]) + 1e-9);
          expect(g).toBeCloseTo(ref[i], 5);
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('proportional (FIFO) device sharing', () => {
  it('serves in proportion to demand and never above capacity', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1000, noNaN: true }), { minLength: 1, maxLength: 30 }),
        capacity,
        (ds, cap) => {
          const out = new Float64Array(ds.length);
          shareProportional(ds.length, Float64Array.from(ds), cap, out);
          const sum = Array.from(out).reduce((a, b) => a + b, 0);
          expect(sum).toBeLessThanOrEqual(cap * (1 + 1e-9));
          const ratios = ds
            .map((d, i) => (d > 1e-3 ? out[i] / Math.min(d, cap) : undefined))
            .filter((r) => r !== undefined);
          for (const r of ratios) expect(r).toBeCloseTo(ratios[0]!, 9);
        },
      ),
    );
  });
});
