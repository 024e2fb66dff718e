/**
 * On a wide screen (1920×1080) the lab menu shows a compare lab's name whole: it ended in "…" at
 * 290 px ("Demo lab · para vs full (compare) · 6 …") with half the header's row empty beside it.
 */
import { describe, expect } from 'vitest';
import { browserTest } from './fixture.js';
import { createLab, waitChartsPast } from './lab.js';

const test = browserTest();

/** What Chromium keeps at a menu's end for its arrow, px (as in phoneSelects.test.ts). */
const ARROW = 20;

describe('the lab menu on a wide screen', () => {
  test('shows a compare lab’s name whole, on one row with the rest', async ({ server, open }) => {
    const src = await createLab(server, { preset: 'demo' });
    const lab = await createLab(server, { from: src, compare: ['para', 'full'] });
    const { page, errors } = await open(`/?lab=${lab}&view=compare`, { width: 1920, height: 1080 });
    await waitChartsPast(page, 2, ['compare-p99-para']);
    const menu = page.getByRole('combobox', { name: 'Lab', exact: true });
    await expect.poll(() => menu.evaluate((s: HTMLSelectElement) => s.value)).toBe(lab);
    const fit = await menu.evaluate((s: HTMLSelectElement, arrow) => {
      const cs = getComputedStyle(s);
      const ctx = document.createElement('canvas').getContext('2d')!;
      ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      const room = s.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - arrow;
      return {
        text: s.selectedOptions[0].text,
        width: ctx.measureText(s.selectedOptions[0].text).width,
        room,
      };
    }, ARROW);
    expect(fit.text).toMatch(/\(compare\) · 6 VPS$/);
    expect(fit.width, JSON.stringify(fit)).toBeLessThanOrEqual(fit.room);
    // The header's first row still holds on one line: every part of it overlaps every other's height.
    const line = await page.locator('header .row.main > *').evaluateAll((els) => {
      const boxes = els.map((e) => e.getBoundingClientRect()).filter((r) => r.width > 0 && r.height > 0);
      return {
        lowestTop: Math.max(...boxes.map((r) => r.top)),
        highestBottom: Math.min(...boxes.map((r) => r.bottom)),
      };
    });
    expect(line.lowestTop, JSON.stringify(line)).toBeLessThan(line.highestBottom);
    expect(errors).toEqual([]);
  }, 60_000);
});
