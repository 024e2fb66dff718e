/**
 * A VPS card says whether its plan's CPU cap holds: under para (Xen's credit cap off) the demo's
 * batch-1 takes more than its cap of 2 cores, and its card says the cap is off; under full
 * virtualization the same cap is a fixed quota, and the card names it plainly.
 */
import { describe, expect } from 'vitest';
import { browserTest } from './fixture.js';
import { api } from './harness.js';
import { createLab, waitForState } from './lab.js';

const test = browserTest();

describe('the cap on a VPS card', () => {
  test('is said to be off where the mode does not enforce it, and plain where it does', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const { page, errors } = await open(`/?lab=${lab}`, { width: 1280, height: 720 });
    const plan = page.getByTestId('vps-card-batch-1').locator('.plan');
    await plan.waitFor({ timeout: 15_000 });
    await expect.poll(() => plan.textContent(), { timeout: 10_000 }).toMatch(/8 vCPUs \(cap 2 off\)/);
    const hog = await api(server, `/api/labs/${lab}/commands`, { body: { type: 'setMode', mode: 'full' } });
    expect(hog.status).toBe(200);
    await waitForState(server, lab, (s) => s.mode === 'full');
    await expect.poll(() => plan.textContent(), { timeout: 10_000 }).toMatch(/8 vCPUs \(cap 2\)/);
    expect(errors).toEqual([]);
  }, 60_000);
});
