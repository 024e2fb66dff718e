/**
 * Swap faults (model spec §4): a request that touches swapped-out memory waits for the page to be
 * read back from the host's disk, whatever its guest's load; the wait of one fault is at least one
 * read, never more than a full device queue, and grows with the swap traffic.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { swapFaultMs } from '../../../server/sim/swapfault.js';
import { createEngine, DEFAULT_PARAMS } from '../../../server/sim/index.js';
import { scenario, web, run, mean } from './helpers.js';

describe('swap fault latency', () => {
  it('one fault waits at least one read and at most a full queue, more as the swap traffic grows; none without swap traffic', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e7, noNaN: true }),
        fc.double({ min: 0, max: 1e7, noNaN: true }),
        fc.integer({ min: 50, max: 2_000_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0.001, max: 10, noNaN: true }),
        fc.integer({ min: 1, max: 1024 }),
        (a, b, iops, uDisk, readMs, slots) => {
          const read = Math.max(readMs, 1000 / iops);
          const lo = swapFaultMs(Math.min(a, b), iops, uDisk, readMs, slots);
          const hi = swapFaultMs(Math.max(a, b), iops, uDisk, readMs, slots);
          expect(swapFaultMs(0, iops, uDisk, readMs, slots)).toBe(0);
          if (Math.min(a, b) > 0) expect(lo).toBeGreaterThanOrEqual(read * (1 - 1e-12));
          expect(hi).toBeLessThanOrEqual((read * (slots + 1)) / 2 + 1e-9);
          expect(lo).toBeLessThanOrEqual(hi * (1 + 1e-12));
        },
      ),
      { seed: 3, numRuns: 500 },
    );
  });

  it('a lightly loaded guest with part of its memory swapped out pays the faults in every mode; without swap it pays none', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('full', 'hosted', 'para', 'container'),
        fc.double({ min: 0.01, max: 0.15, noNaN: true }),
        fc.double({ min: 1.05, max: 1.45, noNaN: true }),
        (mode, cpu, mem) => {
          const host = { cores: 16, ramGiB: 64, diskIops: 200, netMbps: 10_000 };
          const latency = (m: number) => {
            const e = createEngine(
              scenario({
                mode,
                host,
                vps: [
                  web('a', { load: { cpu, mem: m, disk: 0, net: 0.05 } }),
                  web('b', { load: { cpu: 0.1, mem: 0.5, disk: 0, net: 0.05 } }),
                ],
              }),
            );
            return mean(run(e, 3), 'a', 'latencyMeanMs');
          };
          // Its own swap: the excess over its plan, a share (mem − 1)/mem of its memory.
          const swapped = (mem - 1) / mem;
          const read = Math.max(DEFAULT_PARAMS.swapReadMs, 1000 / host.diskIops);
          const faultsMs = DEFAULT_PARAMS.swapPagesPerRequest * swapped * read;
          const without = latency(0.5);
          expect(latency(mem) - without, mode).toBeGreaterThanOrEqual(faultsMs * 0.999);
          // Neighbour b has nothing swapped out (plans are reserved or the host has RAM to spare).
          const e = createEngine(
            scenario({
              mode,
              host,
              vps: [
                web('a', { load: { cpu, mem, disk: 0, net: 0.05 } }),
                web('b', { load: { cpu: 0.1, mem: 0.5, disk: 0, net: 0.05 } }),
              ],
            }),
          );
          const e0 = createEngine(
            scenario({
              mode,
              host,
              vps: [
                web('a', { load: { cpu, mem: 0.5, disk: 0, net: 0.05 } }),
                web('b', { load: { cpu: 0.1, mem: 0.5, disk: 0, net: 0.05 } }),
              ],
            }),
          );
          expect(mean(run(e, 3), 'b', 'latencyMeanMs')).toBeCloseTo(
            mean(run(e0, 3), 'b', 'latencyMeanMs'),
            6,
          );
        },
      ),
      { seed: 5, numRuns: 40 },
    );
  });
});
