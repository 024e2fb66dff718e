import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MIN_STEP_MS } from '../../../client/src/lib/countdown.js';
import { layoutMarkers, type ChartMarker } from '../../../client/src/lib/markers.js';

/** One animation frame of the scheduler (a timer of 16 ms where there is no requestAnimationFrame). */
const FRAME_MS = 20;

describe('the shared countdown', () => {
  // A fresh scheduler (module state) under this file's fake timers: another file of this worker may
  // have left the shared one waiting for a frame its fake timers dropped.
  let Countdown: typeof import('../../../client/src/lib/countdown.js').Countdown;
  beforeEach(async () => {
    vi.useFakeTimers();
    vi.resetModules();
    ({ Countdown } = await import('../../../client/src/lib/countdown.js'));
  });
  afterEach(() => void vi.useRealTimers());

  it('moves once per whole second of the lab, at most every MIN_STEP_MS, telling every chart in one frame', async () => {
    const c = new Countdown();
    const told: (number | undefined)[][] = [[], []];
    // Two charts: each reads the shared value when it is told.
    c.onChange(() => told[0].push(c.now));
    c.onChange(() => told[1].push(c.now));
    expect(c.now).toBeUndefined();
    c.set(10.4);
    await vi.advanceTimersByTimeAsync(FRAME_MS);
    expect(told).toEqual([[10], [10]]);
    c.set(10.9);
    await vi.advanceTimersByTimeAsync(FRAME_MS);
    expect(told[0]).toEqual([10]);
    // A fast lab: seconds go by within one step; the charts are told the newest once.
    for (const t of [11.1, 12.1, 13.1, 14.1]) c.set(t);
    await vi.advanceTimersByTimeAsync(FRAME_MS);
    expect(c.now).toBe(10);
    await vi.advanceTimersByTimeAsync(MIN_STEP_MS);
    expect(told).toEqual([
      [10, 14],
      [10, 14],
    ]);
    // A reset goes back at once.
    c.set(0.2);
    await vi.advanceTimersByTimeAsync(FRAME_MS);
    expect(told[1]).toEqual([10, 14, 0]);
    c.close();
    c.set(30);
    await vi.advanceTimersByTimeAsync(10 * MIN_STEP_MS);
    expect(told[0]).toEqual([10, 14, 0]);
  });

  it('gives two charts of different newest data the same time left to an event ahead', () => {
    const ahead: ChartMarker = { tick: 750, t: 75, kind: 'command', label: 'stop io_storm', ahead: true };
    const label = (now: number | undefined, newest: number): string | undefined =>
      layoutMarkers([ahead], {
        min: 0,
        max: 60,
        toPx: (t) => t * 10,
        right: 600,
        measure: (s) => s.length * 6,
        now: now ?? newest,
      }).labels.find((l) => l.countdown)?.text;
    const c = new Countdown();
    // One chart last drew at 19.4 s, another at 20.6 s: on their own, they differ by a second.
    expect(label(undefined, 19.4)).not.toBe(label(undefined, 20.6));
    c.set(20.6);
    vi.runAllTimers();
    expect(label(c.now, 19.4)).toBe('▸ stop io_storm in 0:55');
    expect(label(c.now, 20.6)).toBe('▸ stop io_storm in 0:55');
  });
});
