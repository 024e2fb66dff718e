/**
 * The runner's closing line: its rate is of the stepping alone, and a long write of the output
 * after the last tick (a summary of 100 000 VPSs takes seconds) is said apart, not folded into it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Progress, timing } from '../../server/cli/report.js';

describe('the runner closing line', () => {
  it('gives the plain rate when writing after the last tick took little', () => {
    expect(timing({ seconds: 2.64, steppingSeconds: 2.6, vpsTicks: 6_144_000 })).toBe(
      'in 2.64 s (2.36 M VPS-ticks/s)',
    );
    // Under half a second is not worth a word, even when it is most of a short run.
    expect(timing({ seconds: 0.3, steppingSeconds: 0.1, vpsTicks: 1000 })).toBe(
      'in 0.30 s (10 k VPS-ticks/s)',
    );
  });

  it('says the writing apart, and the rate is of the stepping alone', () => {
    expect(timing({ seconds: 9.07, steppingSeconds: 1.1, vpsTicks: 100_000 })).toBe(
      'in 9.07 s: 1.10 s stepping (91 k VPS-ticks/s), 7.97 s writing the output',
    );
  });

  it('ends the stepping at the last tick, not when the output is closed', async () => {
    const p = new Progress(2, null);
    p.tick(10);
    p.tick(10);
    await sleep(600);
    const t = p.end();
    expect(t.vpsTicks).toBe(20);
    expect(t.seconds - t.steppingSeconds).toBeGreaterThanOrEqual(0.5);
    // A run stopped early (a signal) has no last tick: it stepped until it ended.
    const cut = new Progress(5, null);
    cut.tick(10);
    await sleep(50);
    const c = cut.end();
    expect(c.steppingSeconds).toBe(c.seconds);
  });
});
