/**
 * A form's refusal is said in the form, once: a resize the host has no room for said so beside the
 * resize form and, at the same time, in a page banner ("Not applied: the host has no room for it.
 * …") that then stayed on the page for good, after the form was put right and applied; a new VPS
 * named as one that exists was refused in its form and in a banner too. A refused resize put back to
 * the plan the VPS has, and applied, kept saying it was refused.
 */
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTest } from './fixture.js';
import { byTestId, createLab, textNow, waitForState } from './lab.js';
import { openWebResize } from './resizeForm.js';

const test = browserTest();

/** How many error banners the page shows now. */
const banners = (page: Page) => page.getByTestId('error-banner').count();

describe('a refusal of a form', () => {
  test('a resize the host has no room for is said beside the form, not in a banner that stays', async ({
    server,
    open,
  }) => {
    const { lab, page, errors, vcpus, cap, apply } = await openWebResize(server, open);
    // The six caps of the demo take the host's ten cores: web-1 at 8 vCPUs, capped at 8, is refused.
    await vcpus.fill('8');
    await cap.fill('8');
    await apply();
    await expect
      .poll(() => textNow(page, byTestId('form-error-web-1')), { timeout: 10_000 })
      .toMatch(/cores on a 10-core host/);
    // Less than the 6 s a page banner stays.
    await expect.poll(() => banners(page), { timeout: 3_000 }).toBe(0);
    // Put right and applied: the form's message goes, and no banner says "Not applied".
    await vcpus.fill('2');
    await cap.fill('1.5');
    await apply();
    await waitForState(server, lab, (s) => s.vps.find((v) => v.id === 'web-1')?.cpuCapCores === 1.5);
    await page.getByTestId('form-error-web-1').waitFor({ state: 'detached', timeout: 10_000 });
    expect(await banners(page)).toBe(0);
    expect(errors).toEqual([]);
  }, 60_000);

  test('a refused resize put back to the plan it has, and applied, no longer says it was refused', async ({
    server,
    open,
  }) => {
    const { page, errors, vcpus, cap, apply } = await openWebResize(server, open);
    await vcpus.fill('8');
    await cap.fill('8');
    await apply();
    await page.getByTestId('form-error-web-1').waitFor({ timeout: 10_000 });
    // Back to what web-1 has: nothing to change, and nothing refused.
    await vcpus.fill('2');
    await cap.fill('2');
    await apply();
    await page.getByTestId('form-error-web-1').waitFor({ state: 'detached', timeout: 5_000 });
    expect(errors).toEqual([]);
  }, 60_000);

  test('a new VPS named as one that exists is refused in the form, in words, not in a banner too', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const { page, errors } = await open(`/?lab=${lab}`, { width: 1280, height: 720 });
    await page.getByRole('button', { name: '+ New VPS' }).click();
    await page.getByRole('textbox', { name: 'New VPS name' }).fill('web-1');
    await page.getByRole('button', { name: 'Add VPS' }).click();
    await expect
      .poll(() => textNow(page, 'form[aria-label="New VPS"] [role="alert"]'), { timeout: 10_000 })
      .toMatch(/^A VPS "web-1" already exists/);
    await expect.poll(() => banners(page), { timeout: 3_000 }).toBe(0);
    // Cancelled and opened again, the form starts without the refusal of its last use.
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: '+ New VPS' }).click();
    await page.getByRole('textbox', { name: 'New VPS name' }).waitFor();
    expect(await textNow(page, 'form[aria-label="New VPS"] [role="alert"]')).toBeUndefined();
    expect(errors).toEqual([]);
  }, 60_000);
});
