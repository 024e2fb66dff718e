/**
 * The backlog as a queue an outsider can check: once a VPS's backlog holds steady, the requests it
 * answers waited what Little's law says (backlog ÷ throughput), up to the client timeout, however
 * long it has been in that state.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ModeSpec, Scenario } from '../../../shared/commands.js';
import { createEngine, DEFAULT_PARAMS } from '../../../server/sim/index.js';

const SHARED_MODES: ModeSpec[] = [
  'para',
  'container',
  { base: 'container', containerLimits: false },
  { base: 'para', cpuWeighting: 'vcpu' },
];

/** A victim asking `ask` of its vCPUs beside neighbours asking `nLoad` of theirs (CPU only, steady). */
function victimBeside(
  mode: ModeSpec,
  cores: number,
  vcpus: number,
  ask: number,
  nVcpus: number[],
  nLoad: number,
): Scenario {
  const vps = (id: string, v: number, cpu: number) => ({
    id,
    vcpus: v,
    ramGiB: 1,
    diskIops: 1000,
    netMbps: 100,
    profile: 'steady' as const,
    load: { cpu, mem: 0.2, disk: 0, net: 0 },
  });
  return {
    name: 'victim and neighbours',
    seed: 3,
    mode,
    host: { cores },
    vps: [vps('victim', vcpus, ask), ...nVcpus.map((v, k) => vps(`n${k}`, v, nLoad))],
  };
}

describe('a full request queue', () => {
  it('answers what waited backlog ÷ throughput (Little’s law), however long it stays full', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SHARED_MODES),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 6 }),
        fc.double({ min: 0.6, max: 0.95, noNaN: true }),
        (mode, cores, neighbours, ask) => {
          // A victim asking `ask` of its vCPUs beside CPU-bound neighbours: alone it keeps up, shared
          // it gets less than it asks, so its queue fills to its bound and stays there.
          const vcpus = cores;
          const s = victimBeside(mode, cores, vcpus, ask, Array<number>(neighbours).fill(vcpus), 1);
          const e = createEngine(s);
          e.advance(1200);
          const f = e.step();
          const v = f.vps[0];
          expect(v.backlog, 'the victim queues').toBeGreaterThan(0);
          const little = Math.min(DEFAULT_PARAMS.clientTimeoutMs, (1000 * v.backlog) / v.throughputRps);
          const at = `${JSON.stringify(mode)}, ${cores} cores, ${neighbours} neighbours, ask ${ask}: backlog ${v.backlog}, ${v.throughputRps} req/s`;
          expect(v.latencyMeanMs, at).toBeGreaterThan(0.9 * little);
          expect(v.latencyMeanMs, at).toBeLessThan(1.1 * little + 100);
        },
      ),
      { seed: 20261201, numRuns: 30 },
    );
  });
});

describe('a victim beside busier neighbours', () => {
  it('never answers more requests when its neighbours ask for more CPU (work-conserving share)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<ModeSpec>(
          'para',
          'container',
          { base: 'container', containerLimits: false },
          { base: 'para', cpuWeighting: 'vcpu' },
          { base: 'container', cpuWeighting: 'vcpu' },
        ),
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 4 }),
        fc.double({ min: 0.05, max: 0.9, noNaN: true }),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 6, maxLength: 6 }),
        (mode, cores, neighbours, vcpus, ask, nVcpus) => {
          // The victim asks `ask` of its vCPUs; its neighbours ask more and more of theirs. Its own
          // requests (and so its arrivals) stay the same: what it answers can only stay or fall.
          const at = (nLoad: number) => {
            const s = victimBeside(mode, cores, vcpus, ask, nVcpus.slice(0, neighbours), nLoad);
            const e = createEngine(s);
            e.advance(5);
            return e.step().vps[0];
          };
          let last = at(0);
          for (let nLoad = 0.1; nLoad <= 1.5; nLoad += 0.1) {
            const v = at(nLoad);
            // Past its bound the victim queues: that is a different regime (it answers at its capacity).
            if (v.backlog > 0) break;
            const where = `${JSON.stringify(mode)}, ${cores} cores, victim ${vcpus} vCPUs asking ${ask}, neighbours at ${nLoad.toFixed(1)}`;
            expect(v.throughputRps, where).toBeLessThanOrEqual(last.throughputRps * (1 + 1e-12));
            last = v;
          }
        },
      ),
      { seed: 4242, numRuns: 80 },
    );
  });
});
