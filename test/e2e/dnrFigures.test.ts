/**
 * A VPS that does not respond (DNR: its answers come past the client's timeout) does not read "as if
 * alone" under its p99: batch-1, held to its own cap by a cpu_hog under full virtualization, showed
 * the red DNR badge over "10.0 s · as if alone", which a student reads as "fine". True (alone it
 * would time out too), but the figure's word now says what the badge says: timed out.
 */
import { describe, expect } from 'vitest';
import { browserTest } from './fixture.js';
import { byTestId, createLab, presetScenario, setSpeed, textNow } from './lab.js';

const test = browserTest();

describe('a VPS that does not respond', () => {
  test('its p99 says timed out, not "as if alone"', async ({ server, open }) => {
    const lab = await createLab(server, { scenario: presetScenario('demo', { mode: 'full' }) });
    const { page, errors } = await open(`/?lab=${lab}`, { width: 1280, height: 720 });
    const card = page.getByTestId('vps-card-batch-1');
    await card.waitFor({ timeout: 15_000 });
    const cpu = page.getByRole('slider', { name: 'batch-1 CPU load' });
    await cpu.focus();
    await page.keyboard.press('End');
    await page.getByRole('button', { name: 'Start cpu_hog on batch-1' }).click();
    // Its backlog takes simulated seconds to pass the client's timeout: the lab gets there faster.
    await setSpeed(server, lab, 10);
    // The card re-renders each tick: each look reads it now, never waiting on a figure re-rendered away.
    await expect
      .poll(() => textNow(page, byTestId('vps-card-batch-1')), { timeout: 40_000 })
      .toMatch(/\bDNR\b/);
    const sub = `${byTestId('vps-card-batch-1')} ${byTestId('p99-batch-1')} + dd`;
    await expect.poll(() => textNow(page, sub), { timeout: 10_000 }).toMatch(/^timed out$/);
    expect(await textNow(page, sub)).not.toMatch(/as if\s+alone/);
    // Whole on a phone too, not cut to an ellipsis in its narrow column.
    const phone = await open(`/?lab=${lab}`, { width: 360, height: 740, touch: true });
    const small = phone.page.locator('[data-testid="p99-batch-1"] + dd');
    await expect
      .poll(() => textNow(phone.page, `${byTestId('p99-batch-1')} + dd`), { timeout: 15_000 })
      .toMatch(/^timed out$/);
    await small.scrollIntoViewIfNeeded();
    const fit = await small.evaluate((e) => [e.scrollWidth, e.clientWidth]);
    expect(fit[1], 'laid out').toBeGreaterThan(0);
    expect(fit[0], 'whole at 360 px').toBeLessThanOrEqual(fit[1]);
    expect([...errors, ...phone.errors]).toEqual([]);
  }, 60_000);
});
