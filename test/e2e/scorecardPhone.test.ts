/**
 * The scorecard on a phone (390×844 and turned, 844×390) and a tablet (1024×768): read top to
 * bottom, nothing scrolls sideways, each cell names its mode (the table's column heads are off
 * screen there). Turned, the wide table hid its container columns past the box's right edge.
 */
import { describe, expect } from 'vitest';
import { browserTest } from './fixture.js';
import { clippedText } from './clipped.js';

const test = browserTest();

describe('the scorecard on a phone', () => {
  for (const [width, height] of [
    [390, 844],
    [844, 390],
    [1024, 768],
  ] as const)
    test(`${width}×${height}: reads without sideways scrolling, each cell naming its mode`, async ({
      open,
    }) => {
      const { page, errors } = await open('/?view=scorecard', { width, height, touch: true });
      const view = page.getByTestId('scorecard-view');
      await view.getByTestId('scorecard-summary').first().waitFor({ timeout: 60_000 });
      const seen = await view.evaluate((v) => {
        const sideways = Array.from(v.querySelectorAll<HTMLElement>('*'))
          .filter((e) => e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0)
          .filter((e) => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX))
          .map((e) => `${e.tagName.toLowerCase()}.${e.className} ${e.scrollWidth}>${e.clientWidth}`);
        const cells = Array.from(v.querySelectorAll<HTMLTableCellElement>('td[data-testid^="score-"]')).map(
          (td) => {
            const r = td.getBoundingClientRect();
            const col = td.closest('table')!.querySelectorAll('thead th')[td.cellIndex];
            const mode = col.childNodes[0].textContent!.trim();
            return { id: td.dataset.testid!, left: r.left, right: r.right, mode, text: td.innerText };
          },
        );
        return { sideways, cells, page: document.documentElement.scrollWidth };
      });
      expect(seen.page, 'no sideways scroll of the page').toBeLessThanOrEqual(width);
      expect(seen.sideways, 'no box scrolls sideways').toEqual([]);
      expect(seen.cells.length).toBeGreaterThanOrEqual(20);
      for (const c of seen.cells) {
        expect(c.left, `${c.id} on screen`).toBeGreaterThanOrEqual(0);
        expect(c.right, `${c.id} on screen`).toBeLessThanOrEqual(width);
        expect(c.text, `${c.id} names its mode`).toContain(c.mode);
      }
      // The first and the last cell, scrolled to, show their figures whole.
      const cells = view.locator('td[data-testid^="score-"]');
      for (const cell of [cells.first(), cells.last()]) {
        await cell.scrollIntoViewIfNeeded();
        expect(await clippedText(page), (await cell.getAttribute('data-testid'))!).toEqual([]);
      }
      expect(errors).toEqual([]);
    }, 120_000);
});
