/**
 * The charts focused on a VPS from the keyboard, and that VPS removed from another browser: the
 * chip kept saying "Focus: batch-1", the legend kept it pressed, the live region said "batch-1:
 * unaffected by its neighbours", the keyboard's focus fell to the page with the card, and the
 * chart's readout listed "batch-1 —" at times after it had gone. Now the charts show every VPS
 * again, nothing names batch-1 as focused, the keyboard's focus is on the card that took its place,
 * and the readout names batch-1 only where it has a value.
 */
import { describe, expect } from 'vitest';
import { browserTest } from './fixture.js';
import { focused } from './focus.js';
import { api, unwrap } from './harness.js';
import { advanceTo, byTestId, createLab, textNow, textWhenShown, waitChartsPast } from './lab.js';

const test = browserTest();

describe('a VPS the charts focus on, removed', () => {
  test('takes the charts’ focus with it, the keyboard’s goes to the next card, the readout forgets it', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const { page, errors } = await open(`/?lab=${lab}`);
    await waitChartsPast(page, 5);
    await page.getByRole('button', { name: 'Focus the charts on batch-1' }).focus();
    await page.keyboard.press('Enter');
    const chip = page.getByTestId('focus-chip');
    await chip.waitFor();
    expect(await focused(page)).toBe('Stop focusing on batch-1');
    const announced = () => textNow(page, byTestId('focus-announcer'));
    await expect.poll(announced).toMatch(/^batch-1/);

    // Removed from elsewhere (another browser, a script): the command goes to the server.
    const r = await api(server, `/api/labs/${lab}/commands`, { body: { type: 'removeVps', vps: 'batch-1' } });
    expect(r.status).toBe(200);
    const removedAt = unwrap<{ tick: number }>(r.body).tick;
    await page.getByTestId('vps-card-batch-1').waitFor({ state: 'detached', timeout: 15_000 });

    await chip.waitFor({ state: 'detached', timeout: 10_000 });
    const pressed = await page.$$eval('.legend button[aria-pressed="true"]', (b) =>
      b.map((e) => e.textContent),
    );
    expect(pressed).toEqual([]);
    expect(await announced()).not.toMatch(/batch-1/);
    // The card after batch-1's (the demo's order: web-1, db-1, cache-1, batch-1, ci-1, mail-1).
    await expect.poll(() => focused(page), { timeout: 10_000 }).toBe('Focus the charts on ci-1');

    // The readout near the newest time, 20 s of the lab after the removal (stepped at once): every
    // VPS there, batch-1 not (the window's last 15 % is its last 9 s).
    await advanceTo(server, lab, removedAt + 200);
    await waitChartsPast(page, removedAt + 200);
    const canvas = page.getByTestId('chart-p99').locator('.canvas-box');
    await canvas.scrollIntoViewIfNeeded();
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.85, box.y + box.height / 2);
    // Waited for and read in one look: the readout can leave between a wait and a read.
    const text = await textWhenShown(page, byTestId('readout'), 10_000);
    for (const id of ['web-1', 'db-1', 'cache-1', 'ci-1', 'mail-1']) expect(text).toContain(id);
    expect(text).not.toContain('batch-1');
    expect(errors).toEqual([]);
  }, 75_000);
});
