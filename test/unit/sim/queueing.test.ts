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
          const s: Scenario = {
            name: 'full queue',
            seed: 3,
            mode,
            host: { cores },
            vps: [
              { id: 'victim', vcpus, ramGiB: 1, diskIops: 1000, netMbps: 100, profile: 'steady', load: { cpu: ask, mem: 0.2, disk: 0, net: 0 } },
              ...Array.from({ length: neighbours }, (_, k) => ({
                id: `n${k}`,
                vcpus,
                ramGiB: 1,
                diskIops: 1000,
                netMbps: 100,
                profile: 'steady' as const,
                load: { cpu: 1, mem: 0.2, disk: 0, net: 0 },
              })),
            ],
          };
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
