/**
 * What a user started outlives a resize or a rotation: the control that has the focus keeps it, a
 * question asked stays asked, a menu opened stays open, across every width the layout changes at.
 */
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTest } from './fixture.js';
import { focused } from './focus.js';
import { createLab } from './lab.js';

const test = browserTest();

/** Resizes the page and waits until it has taken the new size. */
async function resize(page: Page, width: number, height: number): Promise<void> {
  await page.setViewportSize({ width, height });
  await expect.poll(() => page.evaluate(() => [innerWidth, innerHeight])).toEqual([width, height]);
  // Two frames: the layout (and anything drawn from it) has followed.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/** What has the focus, named as a screen reader names it. */
describe('a resize keeps what the user started', () => {
  test('the host panel keeps the focus, a card its removal question, across 961 and 1280 px', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const { page, errors } = await open(`/?lab=${lab}`, { width: 1100, height: 720 });
    const card = page.getByTestId('vps-card-web-1');
    await card.waitFor({ timeout: 15_000 });
    await card.getByText('Resize or remove').click();
    await page.getByRole('button', { name: 'Remove web-1' }).click();
    const question = page.getByRole('button', { name: 'Yes, remove web-1' });
    await question.waitFor();
    await page.getByRole('button', { name: 'Crash Dom0' }).focus();
    expect(await focused(page)).toBe('Crash Dom0');
    // Laptop → wide → wide and short → one column → back: every layout of the dashboard.
    for (const [w, h] of [
      [1440, 900],
      [1280, 720],
      [1920, 1080],
      [940, 700],
      [1100, 720],
    ] as const) {
      await resize(page, w, h);
      expect(await focused(page), `${w}×${h}: the focus stays on Crash Dom0`).toBe('Crash Dom0');
      expect(await question.isVisible(), `${w}×${h}: "Remove web-1?" still asked`).toBe(true);
    }
    expect(errors).toEqual([]);
  }, 60_000);

  test('a phone turned to landscape and back keeps the header menu open and its question asked', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const { page, errors } = await open(`/?lab=${lab}`, { width: 390, height: 844, touch: true });
    await page.getByTestId('vps-card-web-1').waitFor({ timeout: 15_000 });
    const menu = page.getByRole('button', { name: 'More controls' });
    await menu.click();
    await page.getByRole('button', { name: 'Reset lab' }).click();
    const keep = page.getByRole('button', { name: 'Keep', exact: true });
    await keep.focus();
    await resize(page, 844, 390);
    expect(await keep.isVisible(), 'landscape: "Back to the start?" still asked').toBe(true);
    expect(await focused(page), 'landscape: the focus stays on Keep').toBe('Keep');
    await resize(page, 390, 844);
    expect(await menu.getAttribute('aria-expanded'), 'portrait again: the menu is open').toBe('true');
    expect(await keep.isVisible(), 'portrait again: the question still asked').toBe(true);
    expect(await focused(page), 'portrait again: the focus stays on Keep').toBe('Keep');
    // Escape closes the menu and hands the focus back to its button.
    await page.keyboard.press('Escape');
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(await focused(page)).toBe('More controls');
    // Narrowed to a phone while on a control that a wider window has in a row and the phone keeps in
    // its menu: the menu opens, the focus in it. (A phone in landscape keeps it in its menu too.)
    await resize(page, 900, 700);
    await page.getByRole('link', { name: 'Export metrics as CSV' }).focus();
    await resize(page, 390, 844);
    await expect.poll(() => focused(page)).toBe('Export metrics as CSV');
    expect(await menu.getAttribute('aria-expanded'), 'the menu opened to hold the focus').toBe('true');
    expect(errors).toEqual([]);
  }, 60_000);
});
