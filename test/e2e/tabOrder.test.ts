/**
 * Keyboard only: Tab walks the dashboard's three parts (host panel, VPS cards, time bar and charts)
 * in the order the eye reads them in each layout, not in the order they happen to sit in the page.
 */
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTest } from './fixture.js';
import { createLab } from './lab.js';

const test = browserTest();

type Part = 'host' | 'cards' | 'charts';

/** Where the focus sits after each Tab press, as the page records it (see `tabOrder`). */
type Recorded = { __tabParts?: (Part | null)[] };

/** Tab presses between two looks at what the page recorded. */
const BATCH = 10;

/** The parts in the order Tab first enters them, starting from the top of the page. */
async function tabOrder(page: Page): Promise<Part[]> {
  // From the top: the page itself focused, as after loading it. After each Tab, once its keyup
  // reaches the page, the part holding the focus is noted there: the presses need no look each.
  await page.evaluate(() => {
    const w = window as unknown as Recorded & { __tabNoted?: boolean };
    w.__tabParts = [];
    if (!w.__tabNoted) {
      w.__tabNoted = true;
      window.addEventListener(
        'keyup',
        (ev) => {
          if (ev.key !== 'Tab') return;
          const e = document.activeElement;
          let part: Part | null = null;
          if (e && e !== document.body) {
            if (e.closest('[data-testid="host-panel"]')) part = 'host';
            else if (e.closest('[data-testid^="vps-card-"]')) part = 'cards';
            else if (e.closest('[data-testid="follow-status"]') || e.closest('.dash section.main'))
              part = 'charts';
          }
          w.__tabParts?.push(part);
        },
        true,
      );
    }
    document.body.tabIndex = -1;
    document.body.focus();
    document.body.removeAttribute('tabindex');
  });
  let seen: Part[] = [];
  for (let i = 0; i < 300 && seen.length < 3; i += BATCH) {
    for (let k = 0; k < BATCH; k++) await page.keyboard.press('Tab');
    const parts = await page.evaluate(() => (window as unknown as Recorded).__tabParts ?? []);
    expect(parts, 'one note per Tab press').toHaveLength(i + BATCH);
    seen = [];
    for (const part of parts) if (part && !seen.includes(part)) seen.push(part);
  }
  return seen;
}

describe('keyboard only: tab order', () => {
  // Wide and tall: cards on the left, host over the charts on the right. 961–1279 px, and wide but
  // short: host over the cards on the left, charts on the right. Up to 960 px: one column, host
  // then charts (blame and log with them) then the cards.
  const layouts: [number, number, Part[]][] = [
    [1920, 1080, ['cards', 'host', 'charts']],
    [1100, 768, ['host', 'cards', 'charts']],
    [1280, 720, ['host', 'cards', 'charts']],
    [844, 390, ['host', 'charts', 'cards']],
    [390, 844, ['host', 'charts', 'cards']],
  ];
  test('follows what the eye sees in each layout', async ({ server, open }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const { page, errors } = await open(`/?lab=${lab}`, { width: 1920, height: 1080 });
    await page.getByTestId('vps-card-web-1').waitFor({ timeout: 15_000 });
    for (const [width, height, expected] of layouts) {
      await page.setViewportSize({ width, height });
      await expect.poll(() => page.evaluate(() => innerWidth), { timeout: 10_000 }).toBe(width);
      // The new layout's order may take a rendering pass or two after the resize to reach Tab.
      await expect
        .poll(() => tabOrder(page), { message: `${width}×${height}`, timeout: 15_000, interval: 250 })
        .toEqual(expected);
    }
    expect(errors).toEqual([]);
  }, 120_000);
});
