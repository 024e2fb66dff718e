/**
 * On a desktop the dashboard and the compare view are the window's height: what does not fit
 * scrolls inside its own panel, and the page itself does not scroll onto blank space (the compare
 * view's words for screen readers, placed past the window's bottom, made the page 130 px taller).
 */
import { describe, expect } from 'vitest';
import { browserTest } from './fixture.js';
import { createLab, presetScenario, waitChartsPast } from './lab.js';

const test = browserTest();

describe('the page on a desktop', () => {
  test('neither the dashboard nor the compare view scrolls the page past the window', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, {
      scenario: presetScenario('kernel-panic'),
      compare: ['container', 'full'],
    });
    const plain = await createLab(server, { preset: 'demo' });
    for (const [w, h] of [
      [1280, 720],
      [1366, 768],
      [1920, 1080],
    ] as const) {
      for (const [path, charts] of [
        [`/?lab=${lab}&view=compare`, ['compare-p99-container', 'compare-health-full']],
        [`/?lab=${plain}`, ['chart-p99', 'chart-host']],
      ] as const) {
        const { page, errors, context } = await open(path, { width: w, height: h });
        await waitChartsPast(page, 0, charts);
        const [scrollH, innerH] = await page.evaluate(() => [
          document.documentElement.scrollHeight,
          innerHeight,
        ]);
        expect(scrollH, `${path} at ${w}×${h}: page height`).toBeLessThanOrEqual(innerH);
        expect(errors).toEqual([]);
        await context.close();
      }
    }
  }, 90_000);
});
