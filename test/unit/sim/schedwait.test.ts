/**
 * The run-queue wait (model spec §3): how busy the run queue is, who holds the core and for how
 * long, how many are queued ahead, and what a CPU hog leaves its neighbours.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dom0Wakes, guestWakes, wakeWaitMs } from '../../../server/sim/schedwait.js';
import { make, mean, run, scenario, vpsOf, web } from './helpers.js';

describe('one wake-up (wakeWaitMs)', () => {
  it('entities at one priority each holding whole slices: (runnable per core − 1) half slices, as §3 says', () => {
    // Four CPU-bound entities at their fair quarter of one core; the waker sees the other three.
    expect(wakeWaitMs(1, true, 0.75, 0.75 * 15, 0.75, 3)).toBeCloseTo(3 * 15, 12);
    // Eight such on two cores: the other seven, 3.5 per core.
    expect(wakeWaitMs(2, true, 2 - 0.25, (2 - 0.25) * 15, 2 - 0.25, 7)).toBeCloseTo(3.5 * 15, 12);
  });

  it('a light waker is queued ahead of the OVER part of a hog, but the hog keeps the rest of its slice', () => {
    // One core: a hog holding 0.6 of it, 0.25 of it with credit left; light neighbours 0.3 (4 ms runs).
    const held = 0.6 * 15 + 0.3 * 2;
    const overHog = wakeWaitMs(1, true, 0.9, held, 0.3 + 0.25, 4);
    expect(overHog).toBeCloseTo(held / 0.9 / (1 - 0.55), 12);
    // The same hog entirely within its credit is queued ahead in full: the waker waits longer.
    expect(wakeWaitMs(1, true, 0.9, held, 0.9, 4)).toBeGreaterThan(overHog);
  });

  it('idle cores: no wait unless every core is taken, each as busy as the others keep the host', () => {
    // 16 cores, light work on 2.4 of them: all sixteen taken with chance 0.15^16.
    expect(wakeWaitMs(16, false, 2.4, 2.4 * 2, 2.4, 40)).toBeLessThan(1e-12);
    // A hog on 15 of 16 cores and light work on 0.5: every core taken with chance (15.5/16)^16.
    const held = 15 * 15 + 0.5 * 2;
    const w = wakeWaitMs(16, false, 15.5, held, 0.5, 20);
    expect(w).toBeCloseTo(((15.5 / 16) ** 16 * (held / 15.5)) / (1 - 0.5 / 16), 12);
  });

  it('never falls when the others hold more core time in runs no shorter than theirs, or more are ahead or runnable', () => {
    const args = fc.record({
      cores: fc.integer({ min: 1, max: 64 }),
      contended: fc.boolean(),
      got: fc.double({ min: 0, max: 64, noNaN: true }),
      runMs: fc.double({ min: 0.5, max: 30, noNaN: true }),
      ahead: fc.double({ min: 0, max: 1, noNaN: true }),
      entities: fc.integer({ min: 0, max: 200 }),
    });
    const more = fc.record({
      got: fc.double({ min: 0, max: 4, noNaN: true }),
      runMs: fc.double({ min: 0, max: 30, noNaN: true }),
      ahead: fc.double({ min: 0, max: 1, noNaN: true }),
      entities: fc.integer({ min: 0, max: 8 }),
    });
    fc.assert(
      fc.property(args, more, (a, m) => {
        // The added core time brings its own runs (held) and may be queued ahead in part.
        const before = wakeWaitMs(
          a.cores,
          a.contended,
          a.got,
          a.got * a.runMs * 0.5,
          a.got * a.ahead,
          a.entities,
        );
        const got = a.got + m.got;
        const held = a.got * a.runMs * 0.5 + m.got * (a.runMs + m.runMs) * 0.5;
        const ahead = Math.min(got, a.got * a.ahead + m.got * m.ahead);
        const after = wakeWaitMs(a.cores, a.contended, got, held, ahead, a.entities + m.entities);
        expect(after).toBeGreaterThanOrEqual(before * (1 - 1e-9));
      }),
      { seed: 31, numRuns: 2000 },
    );
  });

  it('a request wakes the guest on arrival and on its disk completion; Dom0 on each I/O hop', () => {
    expect(guestWakes(false)).toBe(1);
    expect(guestWakes(true)).toBe(2);
    expect(dom0Wakes(false, false)).toBe(0);
    expect(dom0Wakes(true, true)).toBe(4);
  });
});

/** One-vCPU web guests with the paper's light mix on a small host, the last of them hogging from tick 50. */
function smallHost(mode: 'para' | 'container', cores: number, guests: number, cpu: number) {
  return scenario({
    mode,
    host: { cores, ramGiB: 8, diskIops: 200, netMbps: 1000, memBwGBs: 6.4 },
    vps: Array.from({ length: guests }, (_, k) =>
      web(`w${k + 1}`, {
        vcpus: 1,
        ramGiB: 0.5,
        diskIops: 100,
        netMbps: 500,
        load: { cpu, mem: 0.5, disk: 0.3, net: 0.05 },
      }),
    ),
    events: [{ atTick: 50, type: 'startFault', vps: `w${guests}`, fault: 'cpu_hog' }],
  });
}

describe('the wait in the engine', () => {
  it('a light guest among many light guests waits little', () => {
    // Twelve guests each busy ~6 % of a core, on one core: the core is busy ~70 % of the time, but
    // each holder runs one request stage, so a request waits a few ms, not slices.
    const e = make({ ...smallHost('container', 1, 12, 0.05), events: [] });
    const f = run(e, 30).slice(10);
    expect(mean(f, 'w1', 'cpuGranted')).toBeLessThan(0.07);
    expect(mean(f, 'w1', 'schedWaitMs')).toBeGreaterThan(0);
    expect(mean(f, 'w1', 'schedWaitMs')).toBeLessThan(10);
    // Many cores and the same light guests: nearly never every core taken.
    const big = make({ ...smallHost('para', 16, 12, 0.05), events: [] });
    expect(mean(run(big, 30).slice(10), 'w1', 'schedWaitMs')).toBeLessThan(0.01);
  });

  it('behind a hog on one core a request waits several slices (para: guest and Dom0 wake-ups)', () => {
    const e = make(smallHost('para', 1, 4, 0.1));
    const before = mean(run(e, 50).slice(20), 'w1', 'schedWaitMs');
    const after = run(e, 100).slice(20);
    const wait = mean(after, 'w1', 'schedWaitMs');
    expect(wait).toBeGreaterThan(2 * 30);
    expect(wait).toBeGreaterThan(8 * before);
    // Latency, not throughput: every request still answered within the SLO.
    expect(mean(after, 'w1', 'goodFraction')).toBeGreaterThan(0.99);
  });

  it('a hog on a host with room for everyone costs neighbours latency, not requests (containers)', () => {
    // Two cores, four one-vCPU containers: the neighbours want just under one core, the hog the rest. Each
    // neighbour's share of the cores (with the hog yielding) carries its load comfortably.
    for (const limits of [true, false]) {
      const s = smallHost('container', 2, 4, 0.31);
      const e = make({ ...s, mode: { base: 'container', containerLimits: limits } });
      const before = run(e, 50).slice(20);
      const after = run(e, 100).slice(20);
      const thr = (fs: typeof before) => mean(fs, 'w1', 'throughputRps') * mean(fs, 'w1', 'goodFraction');
      expect(thr(after)).toBeGreaterThan(0.99 * thr(before));
      expect(mean(after, 'w1', 'latencyP99Ms')).toBeGreaterThan(1.25 * mean(before, 'w1', 'latencyP99Ms'));
      expect(vpsOf(after.at(-1)!, 'w4').cpuGranted).toBeGreaterThan(0.9);
    }
  });
});
