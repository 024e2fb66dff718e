/**
 * A scenario's scheduled stop of a fault is drawn on the charts as an event ahead while the fault
 * runs; once the fault is stopped by hand, the scheduled stop has nothing left to stop and no chart
 * counts down to it (it read as "the storm is still on and stops in 0:31").
 */
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTest } from './fixture.js';
import { api } from './harness.js';
import { advanceTo, createLab, presetScenario, waitForState } from './lab.js';

const test = browserTest();

/** The event labels ahead each chart drew last, whole (a cut label's full text), one list per chart. */
async function aheadLabels(page: Page): Promise<string[][]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('figure[data-markers]'), (f) => {
      const d = JSON.parse(f.getAttribute('data-markers') ?? '{}') as {
        labels?: { ahead: boolean; full: string[] }[];
      };
      return (d.labels ?? []).filter((l) => l.ahead).flatMap((l) => l.full);
    }),
  );
}

describe('a scheduled stop of a fault stopped by hand', () => {
  test('is no longer shown ahead on the charts', async ({ server, open }) => {
    // io-storm-dom0 starts batch-1's io_storm at 0:20 and stops it at 1:00.
    const lab = await createLab(server, { scenario: presetScenario('io-storm-dom0', {}, true) });
    await advanceTo(server, lab, 220);
    await waitForState(server, lab, (s) => s.faults.some((f) => f.fault === 'io_storm'));
    const { page, errors } = await open(`/?lab=${lab}`, { width: 1280, height: 720 });
    const stopAhead = async (): Promise<number> =>
      (await aheadLabels(page)).filter((ls) => ls.some((l) => l.includes('stop io_storm on batch-1'))).length;
    await expect.poll(stopAhead, { timeout: 20_000 }).toBeGreaterThan(0);

    const r = await api(server, `/api/labs/${lab}/commands`, {
      body: { type: 'stopFault', vps: 'batch-1', fault: 'io_storm' },
    });
    expect(r.status).toBe(200);
    const s = await waitForState(server, lab, (s) => !s.faults.some((f) => f.fault === 'io_storm'));
    // The server still lists the stop as scheduled: the page decides it stops nothing.
    expect(s.upcoming?.some((e) => e.command.type === 'stopFault')).toBe(true);
    await expect.poll(stopAhead, { timeout: 15_000 }).toBe(0);
    expect(errors).toEqual([]);
  }, 60_000);
});
