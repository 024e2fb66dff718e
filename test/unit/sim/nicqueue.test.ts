/**
 * The NIC's shared transmit FIFO (model spec §5): a packet waits behind the bytes queued ahead of
 * it, never more than the whole queue takes to drain, and a flood that keeps the queue full
 * delays every neighbour whose replies cross it, in every mode where the flood reaches the link.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nicQueueDelayMs } from '../../../server/sim/nicqueue.js';
import { createEngine } from '../../../server/sim/index.js';
import { scenario, web, run, mean } from './helpers.js';

describe('NIC transmit queue delay', () => {
  it('is 0 without traffic, never above the queue drain time, full from the link rate on, and grows with the offered rate', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e5, noNaN: true }),
        fc.double({ min: 0, max: 1e5, noNaN: true }),
        fc.double({ min: 1, max: 1e5, noNaN: true }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 64, max: 65_536 }),
        (a, b, link, q, bytes) => {
          const drain = (q * bytes * 8) / (link * 1000);
          const lo = Math.min(a, b),
            hi = Math.max(a, b);
          const dLo = nicQueueDelayMs(lo, link, q, bytes),
            dHi = nicQueueDelayMs(hi, link, q, bytes);
          expect(nicQueueDelayMs(0, link, q, bytes)).toBe(0);
          expect(dLo).toBeGreaterThanOrEqual(0);
          expect(dHi).toBeLessThanOrEqual(drain * (1 + 1e-12));
          expect(dLo).toBeLessThanOrEqual(dHi * (1 + 1e-12));
          if (hi >= link) expect(dHi).toBeCloseTo(drain, 9);
        },
      ),
      { seed: 8, numRuns: 500 },
    );
  });

  it('a flood that fills the link delays a neighbour at least by the queue drain time; one held under the link by its plan does not', () => {
    const host = { cores: 16, ramGiB: 64, diskIops: 100_000, netMbps: 1000 };
    // 1 000 packets of 1 500 bytes on 1 Gbit/s: 12 ms.
    const drainMs = (1000 * 1500 * 8) / (1000 * 1000);
    const vps = [
      web('a', { netMbps: 100, load: { cpu: 0.1, mem: 0.3, disk: 0, net: 0.1 } }),
      web('f', { netMbps: 400, load: { cpu: 0.1, mem: 0.3, disk: 0, net: 0 } }),
    ];
    const latency = (mode: 'container' | 'para' | 'full', flood: boolean) => {
      const e = createEngine(
        scenario({
          mode,
          host,
          vps,
          events: flood ? [{ atS: 0, type: 'startFault', vps: 'f', fault: 'net_flood' }] : [],
        }),
      );
      return mean(run(e, 5), 'a', 'latencyMeanMs');
    };
    // Container (one kernel's queue) and para (Dom0's bridge in front of the NIC): the flood reaches the link.
    for (const mode of ['container', 'para'] as const)
      expect(latency(mode, true) - latency(mode, false), mode).toBeGreaterThanOrEqual(drainMs * 0.999);
    // Full virtualization caps the flood at its 400 Mbit/s plan: the link keeps headroom, the queue stays short.
    expect(latency('full', true) - latency('full', false)).toBeLessThan(drainMs / 10);
  });

  it('a busy link delays a neighbour’s replies but refuses none of its requests: only its own share of the link does', () => {
    const host = { cores: 16, ramGiB: 64, diskIops: 100_000, netMbps: 1000 };
    // Full virtualization: the flood is capped at its 900 Mbit/s plan, so the link runs ~92 % busy, never over.
    const vps = [
      web('a', { netMbps: 100, load: { cpu: 0.1, mem: 0.3, disk: 0, net: 0.2 } }),
      web('f', { netMbps: 900, load: { cpu: 0.1, mem: 0.3, disk: 0, net: 0 } }),
    ];
    const frames = (flood: boolean) =>
      run(
        createEngine(
          scenario({
            mode: 'full',
            host,
            vps,
            events: flood ? [{ atS: 0, type: 'startFault', vps: 'f', fault: 'net_flood' }] : [],
          }),
        ),
        20,
      ).slice(5);
    const quiet = frames(false),
      busy = frames(true);
    const util = busy.reduce((a, f) => a + f.host.netUtil, 0) / busy.length;
    expect(util).toBeGreaterThan(0.9);
    expect(util).toBeLessThan(1);
    // Its own traffic is served in full: nothing of its own share refuses it.
    expect(mean(busy, 'a', 'netServedMbps')).toBeCloseTo(mean(busy, 'a', 'netDemandMbps'), 9);
    expect(mean(busy, 'a', 'errorRate')).toBeLessThan(1e-6);
    expect(mean(busy, 'a', 'latencyMeanMs')).toBeGreaterThan(mean(quiet, 'a', 'latencyMeanMs'));
    // Held under its own share of the link (its plan), the same VPS is refused some requests.
    const capped = run(
      createEngine(
        scenario({
          mode: 'full',
          host,
          vps: [web('a', { netMbps: 20, load: { cpu: 0.1, mem: 0.3, disk: 0, net: 1 } })],
        }),
      ),
      20,
    ).slice(5);
    expect(mean(capped, 'a', 'errorRate')).toBeGreaterThan(0.01);
  });
});
