/**
 * A finger on a chart: a tap shows the readout at that time (what hovering shows a mouse), a tap
 * further right moves it later, a tap elsewhere on the page hides it, and a swipe that starts on
 * the chart still scrolls the page.
 */
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTest } from './fixture.js';
import { advanceTo, byTestId, createLab, textNow, waitChartsPast } from './lab.js';

const test = browserTest();

/**
 * The readout's time in seconds ("t = 1:05" → 65), or null when none is shown. Read in one look: a
 * count, then `textContent()`, would wait 30 s for a readout hidden in between.
 */
async function readoutTime(page: Page, chart: string): Promise<number | null> {
  const r = page.locator(`[data-testid="${chart}"] [data-testid="readout"]`);
  const [text] = await r.evaluateAll((els) => els.map((e) => e.textContent ?? ''));
  if (text === undefined) return null;
  const m = /t = (\d+):(\d+)/.exec(text);
  if (!m) throw new Error(`readout without a time: ${text}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

describe('touch: a chart’s readout', () => {
  for (const [width, height] of [
    [390, 844],
    [844, 390],
  ])
    test(`${width}×${height}: a tap shows the values at that time, a tap elsewhere hides them`, async ({
      server,
      open,
    }) => {
      const lab = await createLab(server, { preset: 'demo' });
      // Half a minute of history, so the chart's width spans distinct times.
      const at = await advanceTo(server, lab, 300);
      const { page, errors } = await open(`/?lab=${lab}`, { width, height, touch: true });
      await waitChartsPast(page, at);
      const chart = 'chart-p99';
      const box = page.locator(`[data-testid="${chart}"] .canvas-box`);
      await box.scrollIntoViewIfNeeded();
      const b = (await box.boundingBox())!;
      await box.tap({ position: { x: b.width * 0.35, y: b.height * 0.6 } });
      await expect
        .poll(() => readoutTime(page, chart), { message: 'a tap shows the readout', timeout: 10_000 })
        .not.toBeNull();
      // Read in one look: a readout hidden since the poll would hold a waiting read 30 s.
      const readout = await textNow(page, `${byTestId(chart)} ${byTestId('readout')}`);
      for (const id of ['web-1', 'db-1', 'cache-1', 'batch-1', 'ci-1', 'mail-1'])
        expect(readout, `the readout names ${id}`).toContain(id);
      const first = (await readoutTime(page, chart))!;
      // The finger lifted, the readout stays (a finger has no hover to keep it).
      await page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
      expect(await readoutTime(page, chart), 'still shown after the finger lifts').toBe(first);
      await box.tap({ position: { x: b.width * 0.85, y: b.height * 0.6 } });
      await expect
        .poll(async () => (await readoutTime(page, chart)) ?? -1, {
          message: 'a tap further right reads later',
        })
        .toBeGreaterThan(first);
      // A tap on the page outside the chart hides it.
      await page.getByTestId('host-panel').locator('h2').tap();
      await expect.poll(() => readoutTime(page, chart), { message: 'a tap elsewhere hides it' }).toBeNull();
      expect(errors).toEqual([]);
    }, 60_000);
});
