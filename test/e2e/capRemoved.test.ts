/**
 * A CPU cap taken away from the resize form: its field emptied ("none") and applied, the VPS has no
 * cap any more (the server's state and its card say so), where the form used to do nothing at all.
 */
import { describe, expect } from 'vitest';
import { browserTest } from './fixture.js';
import { waitForState } from './lab.js';
import { openWebResize } from './resizeForm.js';

const test = browserTest();

describe('the resize form', () => {
  test('an emptied CPU cap field, applied, takes the cap away', async ({ server, open }) => {
    const { lab, page, errors, cap, apply } = await openWebResize(server, open);
    const card = page.getByTestId('vps-card-web-1');
    await cap.fill('1');
    await apply();
    await waitForState(server, lab, (s) => s.vps.find((v) => v.id === 'web-1')?.cpuCapCores === 1);
    await expect.poll(() => card.getByText('(cap 1)').count(), { timeout: 10_000 }).toBe(1);

    await cap.fill('');
    // Empty reads "none": no hint that the VPS may use only part of its vCPUs.
    expect(await page.getByTestId('cap-hint-web-1').count()).toBe(0);
    await apply();
    await waitForState(server, lab, (s) => {
      const web1 = s.vps.find((v) => v.id === 'web-1');
      return web1 !== undefined && web1.cpuCapCores === undefined;
    });
    await expect.poll(() => card.getByText('(cap 1)').count(), { timeout: 10_000 }).toBe(0);
    await expect
      .poll(() => page.getByText('CPU cap removed').count(), { timeout: 10_000 })
      .toBeGreaterThan(0);
    expect(await page.getByTestId('form-error-web-1').count()).toBe(0);
    expect(errors).toEqual([]);
  }, 60_000);
});
