/**
 * The lab menu is current: a lab someone else creates or removes shows there within moments, and
 * after a server restart the menu lists the labs that are back as soon as the page is connected
 * again (not only the lab it shows, until some later poll).
 */
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTest } from './fixture.js';
import { api } from './harness.js';
import { createLab, waitChartsPast } from './lab.js';

const test = browserTest();

/** Well under the page's periodic look at the list (15 s), with room for a busy machine. */
const SOON = { timeout: 8_000 };

/** The labs the menu offers, by id. */
async function menu(page: Page): Promise<string[]> {
  const ids = await page
    .getByRole('combobox', { name: 'Lab' })
    .locator('option')
    .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  return ids.sort();
}

describe('the lab menu', () => {
  test('lists a lab created or removed elsewhere within moments, and every lab back after a restart', async ({
    server,
    open,
  }) => {
    const first = await createLab(server, { preset: 'demo' });
    const { page, errors } = await open('/?lab=demo');
    await waitChartsPast(page, 2);
    await expect.poll(() => menu(page), SOON).toEqual(['demo', first].sort());

    // Someone else creates a lab, then removes one.
    const second = await createLab(server, { preset: 'sre-incident' });
    await expect.poll(() => menu(page), SOON).toEqual(['demo', first, second].sort());
    expect((await api(server, `/api/labs/${first}`, { method: 'DELETE' })).status).toBe(200);
    await expect.poll(() => menu(page), SOON).toEqual(['demo', second].sort());

    expect(errors).toEqual([]);

    // The server restarts; a lab is created as soon as it is back (before or after this page reconnects).
    await server.stop('SIGTERM');
    await page.getByTestId('disconnected-banner').waitFor({ timeout: 10_000 });
    await server.restart();
    const third = await createLab(server, { preset: 'demo' });
    await page.getByTestId('disconnected-banner').waitFor({ state: 'detached', timeout: 20_000 });
    await expect.poll(() => menu(page), SOON).toEqual(['demo', second, third].sort());
  }, 90_000);
});
