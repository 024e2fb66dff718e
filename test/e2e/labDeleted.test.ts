/**
 * The lab a page shows is deleted (from another browser, or over REST): the page says in its place
 * that it cannot be shown, naming it, instead of going on with frozen charts under a banner "Not
 * applied: this lab no longer exists" (nobody on that page had asked for anything). Its header
 * stops saying "Live" beside it: a lab that no longer exists is not live.
 */
import { describe, expect } from 'vitest';
import { browserTest } from './fixture.js';
import { api } from './harness.js';
import { byTestId, createLab, textNow, waitChartsPast } from './lab.js';

const test = browserTest();

describe('the lab shown is deleted', () => {
  test('the page says so in its place, shows no action as refused, and is not Live', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const { page, errors } = await open(`/?lab=${lab}`, { width: 390, height: 844, touch: true });
    await waitChartsPast(page, 2);
    await page.getByTestId('host-panel').waitFor();
    const status = page.getByTestId('connection-status');
    expect(await status.textContent()).toBe('Live');

    expect((await api(server, `/api/labs/${lab}`, { method: 'DELETE' })).status).toBe(200);

    const alert = page.locator('main [role="alert"]');
    await alert.first().waitFor({ timeout: 10_000 });
    expect(await alert.first().innerText()).toContain(`This lab cannot be shown: lab "${lab}" was deleted.`);
    expect(await page.getByTestId('host-panel').count()).toBe(0);
    expect(await page.getByTestId('error-banner').count()).toBe(0);
    // Still connected to its server, but showing no lab: the header says that, not "Live".
    expect(await status.textContent()).toBe('No lab');
    expect(await status.getAttribute('title')).toContain('no lab');
    // Its clock cannot be steered any more: the header's controls say they are unavailable.
    for (const name of ['Pause simulation', 'Simulation speed'])
      expect(await page.getByLabel(name).getAttribute('aria-disabled'), name).toBe('true');
    expect(errors).toEqual([]);

    // Opened again (reloaded, or from an old link), the lab is not there: said once, in its place.
    await page.reload();
    await alert.first().waitFor({ timeout: 10_000 });
    expect(await alert.first().innerText()).toContain(`This lab cannot be shown: no lab "${lab}".`);
    await expect.poll(() => textNow(page, byTestId('connection-status')), { timeout: 10_000 }).toBe('No lab');
    expect(await page.getByTestId('error-banner').count(), 'no action was refused').toBe(0);
  }, 60_000);
});
