/**
 * A phone's header menu (theme, reset, presets, exports) closes once what it was opened for is
 * done: a lab created from a preset, or a reset confirmed, is shown with the menu out of the way
 * and the focus on the menu's button, not left open over the new lab's host panel and charts.
 */
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTest } from './fixture.js';
import { createLab, labState, waitChartsPast, waitForState } from './lab.js';

const test = browserTest();

/** Whether the host panel's middle is what a tap there would reach (nothing drawn over it). */
function hostPanelUncovered(page: Page): Promise<boolean> {
  return page.getByTestId('host-panel').evaluate((el) => {
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + Math.min(r.height / 2, 60));
    return !!hit && el.contains(hit);
  });
}

describe('the header menu on a phone', () => {
  for (const [width, height] of [
    [390, 844],
    [844, 390],
  ])
    test(`${width}×${height}: Create lab and a confirmed Reset close it, the focus on its button`, async ({
      server,
      open,
    }) => {
      const lab = await createLab(server, { preset: 'demo' });
      const { page, errors } = await open(`/?lab=${lab}`, { width, height, touch: true });
      await waitChartsPast(page, 0);
      const more = page.getByRole('button', { name: 'More controls' });
      const menu = page.locator('#header-menu');

      // By keyboard: a preset picked, then Create lab.
      await more.click();
      await menu.getByLabel('Preset', { exact: true }).selectOption('sre-incident');
      await menu.getByRole('button', { name: 'Create lab' }).focus();
      await page.keyboard.press('Enter');
      await page.waitForURL((u) => !!u.searchParams.get('lab') && u.searchParams.get('lab') !== lab, {
        timeout: 15_000,
      });
      await expect
        .poll(() =>
          page
            .getByLabel('Lab', { exact: true })
            .evaluate((s) => (s as HTMLSelectElement).selectedOptions[0]?.text),
        )
        .toMatch(/SRE incident/);
      await page.getByTestId('vps-card-batch-1').waitFor({ timeout: 15_000 });
      expect(await more.getAttribute('aria-expanded'), 'the menu after Create lab').toBe('false');
      expect(await menu.isVisible()).toBe(false);
      await expect.poll(() => more.evaluate((b) => b === document.activeElement)).toBe(true);
      await page.getByTestId('host-panel').scrollIntoViewIfNeeded();
      expect(await hostPanelUncovered(page), 'the new lab’s host panel, uncovered').toBe(true);

      // By touch: Reset lab, then the confirmation.
      const created = new URL(page.url()).searchParams.get('lab')!;
      const before = (await waitForState(server, created, (s) => s.tick >= 30)).tick;
      await page.evaluate(() => scrollTo(0, 0));
      await more.tap();
      await menu.getByRole('button', { name: 'Reset lab' }).tap();
      await menu.getByRole('group', { name: 'Confirm reset' }).getByRole('button', { name: 'Reset' }).tap();
      await expect.poll(() => more.getAttribute('aria-expanded')).toBe('false');
      expect(await menu.isVisible()).toBe(false);
      await expect
        .poll(async () => (await labState(server, created)).tick < before, { timeout: 15_000 })
        .toBe(true);
      await page.getByTestId('host-panel').scrollIntoViewIfNeeded();
      expect(await hostPanelUncovered(page), 'the host panel after the reset, uncovered').toBe(true);
      expect(errors).toEqual([]);
    }, 60_000);
});
