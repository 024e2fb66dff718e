/**
 * Laptops and tablets (961–1279 px wide, 700–800 px high) and the common laptop screens past them
 * (1280×720, 1366×768, 1440×900): every chart's plot tall enough to read (120 px or more), with
 * blame and log on screen below the charts and the host panel whole.
 */
import { describe, expect } from 'vitest';
import { browserTest } from './fixture.js';
import { api } from './harness.js';
import { createLab, waitChartsPast } from './lab.js';
import { clippedText } from './clipped.js';

const test = browserTest();

const CHARTS = ['chart-p99', 'chart-throughput', 'chart-disk', 'chart-steal', 'chart-health', 'chart-host'];

describe('the dashboard on laptops and tablets', () => {
  // At 1280×720 the plots were 119 px tall, 48 px less than one pixel narrower (the host panel sat
  // above the charts there, in the VPS column below 1280 px).
  test('every plot at least 120 px tall, blame and log on screen, the host panel whole', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const hog = await api(server, `/api/labs/${lab}/commands`, {
      body: { type: 'startFault', vps: 'batch-1', fault: 'cpu_hog' },
    });
    expect(hog.status).toBe(200);
    const { page, errors } = await open(`/?lab=${lab}`, { width: 1180, height: 768 });
    await waitChartsPast(page, 3);
    await page.getByTestId('event-log').waitFor();
    await page.getByTestId('culprit-batch-1').first().waitFor({ timeout: 15_000 });
    for (const [width, height] of [
      [961, 700],
      [1024, 768],
      [1100, 720],
      [1180, 768],
      [1279, 800],
      [1280, 720],
      [1366, 768],
      [1440, 900],
    ]) {
      const size = `${width}×${height}`;
      await page.setViewportSize({ width, height });
      await expect.poll(() => page.evaluate(() => [innerWidth, innerHeight])).toEqual([width, height]);
      const boxes = () =>
        page.evaluate((ids) => {
          const box = (sel: string) => {
            const r = document.querySelector(sel)!.getBoundingClientRect();
            return { top: r.top, bottom: r.bottom, right: r.right, h: r.height };
          };
          return {
            plots: ids.map((id) => ({ id, ...box(`[data-testid="${id}"] [role="img"]`) })),
            charts: ids.map((id) => ({ id, ...box(`[data-testid="${id}"]`) })),
            blame: box('[data-testid="who-hurts-whom"]'),
            log: box('[data-testid="event-log"]'),
            host: box('[data-testid="host-panel"]'),
            scrollWidth: document.documentElement.scrollWidth,
          };
        }, CHARTS);
      // The plots follow the new size within a frame or two.
      await expect
        .poll(async () => Math.min(...(await boxes()).plots.map((p) => p.h)), { timeout: 10_000 })
        .toBeGreaterThanOrEqual(120);
      const seen = await boxes();
      for (const p of seen.plots) expect(p.h, `${size}: ${p.id} plot height`).toBeGreaterThanOrEqual(120);
      for (const c of seen.charts) {
        expect(c.right, `${size}: ${c.id} ends on screen`).toBeLessThanOrEqual(width);
        expect(c.bottom, `${size}: ${c.id} ends on screen`).toBeLessThanOrEqual(height);
      }
      for (const [name, b] of [
        ['who hurts whom', seen.blame],
        ['event log', seen.log],
      ] as const) {
        expect(b.bottom, `${size}: ${name} ends on screen`).toBeLessThanOrEqual(height);
        expect(b.h, `${size}: ${name} has room to be read`).toBeGreaterThanOrEqual(150);
        expect(b.top, `${size}: ${name} below the charts`).toBeGreaterThanOrEqual(
          Math.max(...seen.charts.map((c) => c.bottom)),
        );
      }
      expect(seen.host.bottom, `${size}: host panel on screen`).toBeLessThanOrEqual(height);
      expect(seen.scrollWidth, `${size}: no sideways scroll`).toBeLessThanOrEqual(width);
      expect(await clippedText(page), `${size}: text cut`).toEqual([]);
      const spill = await page.getByTestId('host-panel').evaluate((p) =>
        Array.from(p.querySelectorAll<HTMLElement>('[data-testid^="host-"]'))
          .filter((t) => t.scrollWidth > t.clientWidth + 1)
          .map((t) => `${t.dataset.testid} ${t.scrollWidth}>${t.clientWidth}`),
      );
      expect(spill, `${size}: host tiles whole`).toEqual([]);
    }
    expect(errors).toEqual([]);
  }, 90_000);
});
