/**
 * Between the phone and the desktop: at 768, 900, 1024 and 1180 px wide (tablets, small laptops,
 * a window beside another) every chart caption is whole (title, unit, legend, line keys), no text
 * is cut, nothing pushes the page sideways, and the charts of a row have their plots level.
 */
import { describe, expect } from 'vitest';
import { browserTest } from './fixture.js';
import { api } from './harness.js';
import { createLab, waitChartsPast } from './lab.js';
import { clippedText, cutCaptions } from './clipped.js';

const test = browserTest();

const CHARTS = ['chart-p99', 'chart-throughput', 'chart-disk', 'chart-steal', 'chart-health', 'chart-host'];

describe('the dashboard between phone and desktop widths', () => {
  for (const width of [768, 900, 1024, 1180]) {
    test(`at ${width}×768 every chart legend and every text is whole, and each row of plots is level`, async ({
      server,
      open,
    }) => {
      const lab = await createLab(server, { preset: 'demo' });
      const hog = await api(server, `/api/labs/${lab}/commands`, {
        body: { type: 'startFault', vps: 'batch-1', fault: 'cpu_hog' },
      });
      expect(hog.status).toBe(200);
      const { page, errors } = await open(`/?lab=${lab}`, { width, height: 768 });
      await waitChartsPast(page, 3);
      await page.getByTestId('event-log').waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth), 'no sideways scroll').toBe(
        width,
      );
      expect(await cutCaptions(page)).toEqual([]);
      // Page coordinates (the narrower layouts scroll).
      const plots = await page.evaluate((ids) => {
        return ids.map((id) => {
          const fig = document.querySelector<HTMLElement>(`[data-testid="${id}"]`)!;
          const f = fig.getBoundingClientRect();
          const p = fig.querySelector('[role="img"]')!.getBoundingClientRect();
          return { id, y: f.top + scrollY, right: f.right, w: f.width, top: p.top - f.top, h: p.height };
        });
      }, CHARTS);
      for (const p of plots) {
        expect(p.right, `${p.id} ends on screen`).toBeLessThanOrEqual(width);
        expect(p.w, `${p.id} is wide enough to read`).toBeGreaterThanOrEqual(180);
        expect(p.h, `${p.id} plot height`).toBeGreaterThanOrEqual(90);
      }
      // Charts that start at one height (a row) start their plots at one height too.
      for (const a of plots)
        for (const b of plots)
          if (Math.abs(a.y - b.y) < 1)
            expect(Math.abs(a.top - b.top), `${a.id} and ${b.id} level`).toBeLessThan(1);
      expect(await clippedText(page)).toEqual([]);
      expect(errors).toEqual([]);
    }, 60_000);
  }
});
