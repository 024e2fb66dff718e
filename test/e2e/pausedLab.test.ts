/**
 * A lab whose clock is paused is not said to be live: the header's status and the charts' bar
 * said "Live", the bar's dot pulsing, over charts standing still (a class watching a paused lab,
 * an SRE who paused to read). Every page on the lab says "Paused", and "Live" again once it runs.
 */
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTest } from './fixture.js';
import { byTestId, createLab, textNow, waitChartsPast, waitForState } from './lab.js';

const test = browserTest();

/** The CSS animations running now, by name (scoped: "svelte-…-pulse"). */
const running = (page: Page) =>
  page.evaluate(() =>
    document
      .getAnimations()
      .filter((a) => a.playState === 'running')
      .map((a) => (a as CSSAnimation).animationName),
  );

describe('a paused lab', () => {
  test('every page says Paused (header and charts’ bar, nothing pulsing), then Live once it runs', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const desk = await open(`/?lab=${lab}`, { reducedMotion: 'no-preference' });
    const phone = await open(`/?lab=${lab}`, { width: 390, height: 844, touch: true });
    for (const p of [desk.page, phone.page]) await waitChartsPast(p, 2);
    await desk.page.getByRole('button', { name: 'Pause simulation' }).click();
    await waitForState(server, lab, (s) => s.paused);
    for (const [name, page] of [
      ['desktop', desk.page],
      ['phone', phone.page],
    ] as const) {
      await expect
        .poll(() => textNow(page, byTestId('connection-status')), { timeout: 10_000 })
        .toMatch(/^Paused$/);
      await page.getByRole('button', { name: 'Resume simulation' }).waitFor();
      expect(await page.getByText('Live', { exact: true }).count(), `${name}: "Live" anywhere`).toBe(0);
    }
    await expect.poll(() => textNow(desk.page, byTestId('follow-status'))).toMatch(/paused/i);
    expect(await running(desk.page), 'nothing pulses').not.toContainEqual(expect.stringMatching(/pulse/));

    await phone.page.getByRole('button', { name: 'Resume simulation' }).tap();
    for (const page of [desk.page, phone.page])
      await expect
        .poll(() => textNow(page, byTestId('connection-status')), { timeout: 10_000 })
        .toMatch(/^Live$/);
    await expect.poll(() => textNow(desk.page, byTestId('follow-status'))).toMatch(/^Live$/);
    await expect.poll(() => running(desk.page)).toContainEqual(expect.stringMatching(/pulse/));
    expect([...desk.errors, ...phone.errors]).toEqual([]);
  }, 60_000);
});
