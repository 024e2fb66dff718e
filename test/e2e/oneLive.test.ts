/**
 * The page says "Live" once: on a phone the header's status and the charts' follow status stood
 * one above the other, both "Live". The header keeps it (it also says Held, Offline, Connecting);
 * the charts' bar keeps what only it knows (zoomed, with Resume live). On a desktop both stay: the
 * charts' status sits beside the charts, far from the header. A phone turned to landscape said it
 * twice again, header and charts' bar a few lines apart.
 */
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTest } from './fixture.js';
import { byTestId, textNow, waitChartsPast } from './lab.js';

const test = browserTest();

/** The visible elements whose own text is "Live". */
const visibleLive = (page: Page) =>
  page.evaluate(
    () =>
      Array.from(document.querySelectorAll('body *')).filter((e) => {
        const own = Array.from(e.childNodes)
          .filter((n) => n.nodeType === Node.TEXT_NODE)
          .map((n) => n.textContent ?? '')
          .join('')
          .trim();
        const r = e.getBoundingClientRect();
        return own === 'Live' && r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden';
      }).length,
  );

describe('"Live" on a phone', () => {
  for (const [w, h] of [
    [390, 844],
    [360, 740],
    // Turned to landscape, the header's status sits just above the charts' bar too.
    [844, 390],
    [667, 375],
  ] as const)
    test(`at ${w}×${h} it is said once, in the header`, async ({ open }) => {
      const { page, errors } = await open('/?lab=demo', { width: w, height: h, touch: true });
      await waitChartsPast(page, 5);
      const status = page.getByTestId('connection-status');
      await expect.poll(() => textNow(page, byTestId('connection-status'))).toMatch(/Live/);
      expect(await status.isVisible()).toBe(true);
      expect(await visibleLive(page)).toBe(1);
      expect(errors).toEqual([]);
    }, 60_000);
});
