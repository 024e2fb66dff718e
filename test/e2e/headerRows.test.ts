/**
 * The header on laptops and tablets (961–1279 px wide): two rows at most, every control whole and
 * on screen, nothing pushing the page sideways.
 */
import { describe, expect } from 'vitest';
import { browserTest } from './fixture.js';
import { createLab, waitChartsPast } from './lab.js';
import { clippedText } from './clipped.js';

const test = browserTest();

describe('the header between 961 and 1279 px', () => {
  test('holds on two rows with every control on screen', async ({ server, open }) => {
    const lab = await createLab(server, { preset: 'demo' });
    // A lab with a long name in the lab menu, as on a server in use.
    await createLab(server, { preset: 'sre-incident' });
    const { page, errors } = await open(`/?lab=${lab}`, { width: 1180, height: 768 });
    await waitChartsPast(page, 2);
    for (const width of [961, 1024, 1100, 1180, 1240, 1279]) {
      await page.setViewportSize({ width, height: 768 });
      await expect.poll(() => page.evaluate(() => innerWidth), { timeout: 10_000 }).toBe(width);
      const seen = await page.getByTestId('header').evaluate((h) => {
        const controls = Array.from(h.querySelectorAll<HTMLElement>('button, select, a, [data-testid]'))
          .filter((e) => e.offsetParent !== null && e.getBoundingClientRect().width > 1)
          .map((e) => {
            const r = e.getBoundingClientRect();
            const name = e.getAttribute('aria-label') ?? e.dataset.testid ?? e.textContent!.trim();
            return { name, top: Math.round(r.top), bottom: r.bottom, right: r.right };
          });
        return { controls, scrollWidth: document.documentElement.scrollWidth };
      });
      expect(seen.scrollWidth, `${width}: no sideways scroll`).toBeLessThanOrEqual(width);
      const offScreen = seen.controls.filter((c) => c.right > width + 0.5).map((c) => c.name);
      expect(offScreen, `${width}: controls past the right edge`).toEqual([]);
      // Rows: controls whose tops are within 12 px of one another share a row.
      const rows: number[] = [];
      for (const c of [...seen.controls].sort((a, b) => a.top - b.top))
        if (!rows.some((y) => Math.abs(y - c.top) <= 12)) rows.push(c.top);
      const where = seen.controls.map((c) => `${c.name}@${c.top}`).join(', ');
      expect(rows.length, `${width}: header rows (${where})`).toBeLessThanOrEqual(2);
      for (const name of ['Export metrics as CSV', 'Export scenario', 'Export charts as PNG', 'Preset'])
        expect(
          seen.controls.some((c) => c.name === name),
          `${width}: ${name} shown`,
        ).toBe(true);
      expect(await clippedText(page), `${width}: text cut`).toEqual([]);
    }
    expect(errors).toEqual([]);
  }, 90_000);
});
