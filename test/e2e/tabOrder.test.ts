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

/** The parts in the order Tab first enters them, starting from the top of the page. */
async function tabOrder(page: Page): Promise<Part[]> {
  // From the top: the page itself focused, as after loading it.
  await page.evaluate(() => {
    document.body.tabIndex = -1;
    document.body.focus();
    document.body.removeAttribute('tabindex');
  });
  const seen: Part[] = [];
  for (let i = 0; i < 300 && seen.length < 3; i++) {
    await page.keyboard.press('Tab');
    const part = await page.evaluate(() => {
      const e = document.activeElement;
      if (!e || e === document.body) return null;
      if (e.closest('[data-testid="host-panel"]')) return 'host';
      if (e.closest('[data-testid^="vps-card-"]')) return 'cards';
      if (e.closest('[data-testid="follow-status"]') || e.closest('.dash section.main')) return 'charts';
      return null;
    });
    if (part && !seen.includes(part)) seen.push(part);
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
