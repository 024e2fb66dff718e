/**
 * CPU headroom under a share (domain-weighted, and flat per vCPU): what a VPS would get asking for its whole limit while
 * the others ask what they do, checked against the water-filling solved again with that one demand
 * raised, and for what it implies: a neighbour asking for more never raises anyone's headroom.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { waterFillDomain, waterFillVcpu } from '../../../server/sim/allocate.js';
import { domainHeadroom, HeadroomScratch } from '../../../server/sim/cpuheadroom.js';
import { vcpuHeadroom, VcpuHeadroomScratch } from '../../../server/sim/vcpuheadroom.js';

const entities = fc.array(
  fc.record({
    demand: fc.oneof(fc.constant(0), fc.double({ min: 0.001, max: 8, noNaN: true })),
    limit: fc.double({ min: 0.1, max: 8, noNaN: true }),
    weight: fc.constantFrom(1, 64, 256, 256, 256, 1000),
  }),
  { minLength: 1, maxLength: 24 },
);

/** Each entity's headroom by the engine's function, and by solving the split again for it. */
function both(es: { demand: number; limit: number; weight: number }[], capacity: number, dom0: boolean) {
  const n = dom0 ? es.length - 1 : es.length;
  const cnt = es.length;
  const take = Float64Array.from(es, (e) => Math.min(e.demand, e.limit));
  const weight = Float64Array.from(es, (e) => e.weight);
  const limit = Float64Array.from(es, (e) => e.limit);
  const got = new Float64Array(cnt);
  const level = waterFillDomain(cnt, take, weight, capacity, got);
  const out = new Float64Array(cnt);
  domainHeadroom(n, cnt, take, weight, limit, capacity, level, out, new HeadroomScratch(cnt));
  const ref = es.slice(0, n).map((e, i) => {
    const raised = Float64Array.from(take);
    raised[i] = e.limit;
    const g = new Float64Array(cnt);
    waterFillDomain(cnt, raised, weight, capacity, g);
    return g[i];
  });
  return { out: Array.from(out.subarray(0, n)), ref, got };
}

describe('CPU headroom under a domain-weighted share', () => {
  it('is what the split gives a VPS asking for its whole limit, the others unchanged', () => {
    fc.assert(
      fc.property(
        entities,
        fc.double({ min: 0.5, max: 64, noNaN: true }),
        fc.boolean(),
        (es, capacity, dom0) => {
          const { out, ref, got } = both(es, capacity, dom0);
          out.forEach((h, i) => {
            expect(h, `entity ${i}`).toBeCloseTo(ref[i], 9);
            expect(h + 1e-12).toBeGreaterThanOrEqual(Math.min(got[i], es[i].limit));
          });
        },
      ),
      { seed: 99, numRuns: 400 },
    );
  });

  it('never grows when a neighbour asks for more', () => {
    fc.assert(
      fc.property(
        entities,
        fc.double({ min: 0.5, max: 64, noNaN: true }),
        fc.nat(),
        fc.double({ min: 0.01, max: 8, noNaN: true }),
        (es, capacity, pick, more) => {
          if (es.length < 2) return;
          const j = pick % es.length;
          const before = both(es, capacity, false).out;
          const after = both(
            es.map((e, k) => (k === j ? { ...e, demand: e.demand + more } : e)),
            capacity,
            false,
          ).out;
          before.forEach((h, i) => {
            if (i !== j)
              expect(after[i], `entity ${i}, neighbour ${j} asks ${more} more`).toBeLessThanOrEqual(
                h * (1 + 1e-9) + 1e-12,
              );
          });
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });
});

const vcpuEntities = fc.array(
  fc.record({
    vcpus: fc.integer({ min: 1, max: 8 }),
    load: fc.oneof(fc.constant(0), fc.constant(1), fc.double({ min: 0.001, max: 1, noNaN: true })),
    cap: fc.option(fc.double({ min: 0.1, max: 8, noNaN: true }), { nil: undefined }),
  }),
  { minLength: 1, maxLength: 24 },
);

/** Each VPS's headroom under flat vCPU weighting by the engine's function, and by solving the split again for it. */
function bothVcpu(es: { vcpus: number; load: number; cap?: number }[], capacity: number, dom0: boolean) {
  const n = dom0 ? es.length - 1 : es.length;
  const cnt = es.length;
  const vcpus = Float64Array.from(es, (e) => e.vcpus);
  const demand = Float64Array.from(es, (e) => e.load * e.vcpus);
  const limit = Float64Array.from(es, (e) => Math.min(e.vcpus, e.cap ?? e.vcpus));
  const got = new Float64Array(cnt);
  waterFillVcpu(cnt, demand, limit, capacity, got);
  const out = new Float64Array(cnt);
  vcpuHeadroom(n, cnt, demand, limit, vcpus, capacity, out, new VcpuHeadroomScratch(cnt));
  const ref = es.slice(0, n).map((e, i) => {
    const raised = Float64Array.from(demand);
    raised[i] = e.vcpus;
    const g = new Float64Array(cnt);
    waterFillVcpu(cnt, raised, limit, capacity, g);
    return g[i];
  });
  return { out: Array.from(out.subarray(0, n)), ref, got };
}

describe('CPU headroom under flat vCPU weighting', () => {
  it('is what the split gives a VPS whose every vCPU asks a whole core, the others unchanged', () => {
    fc.assert(
      fc.property(
        vcpuEntities,
        fc.double({ min: 0.5, max: 64, noNaN: true }),
        fc.boolean(),
        (es, capacity, dom0) => {
          const { out, ref, got } = bothVcpu(es, capacity, dom0);
          out.forEach((h, i) => {
            expect(h, `VPS ${i}`).toBeCloseTo(ref[i], 9);
            expect(h + 1e-9).toBeGreaterThanOrEqual(got[i]);
          });
        },
      ),
      { seed: 1201, numRuns: 500 },
    );
  });

  it('never grows when a neighbour asks for more', () => {
    fc.assert(
      fc.property(
        vcpuEntities,
        fc.double({ min: 0.5, max: 64, noNaN: true }),
        fc.nat(),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        (es, capacity, pick, more) => {
          if (es.length < 2) return;
          const j = pick % es.length;
          const before = bothVcpu(es, capacity, false).out;
          const busier = es.map((e, k) => (k === j ? { ...e, load: Math.min(1, e.load + more) } : e));
          const after = bothVcpu(busier, capacity, false).out;
          before.forEach((h, i) => {
            if (i !== j)
              expect(after[i], `VPS ${i}, neighbour ${j} asks ${more} more`).toBeLessThanOrEqual(
                h * (1 + 1e-9) + 1e-12,
              );
          });
        },
      ),
      { seed: 8, numRuns: 300 },
    );
  });
});
