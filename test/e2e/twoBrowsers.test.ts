/**
 * Two browsers on one lab (a desktop and a phone in the dark theme) tell the same story: the same
 * VPSs in the same order and colours, the same culprits and victims, and a command given in one
 * shows in the other.
 */
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTest } from './fixture.js';
import { createLab, waitForState } from './lab.js';

const test = browserTest();

/** What a page says about the lab, in the order it says it. */
function story(page: Page) {
  return page.evaluate(() => {
    const ids = (sel: string, attr: string) =>
      Array.from(document.querySelectorAll(sel)).map((e) => e.getAttribute(attr));
    const chips = Array.from(document.querySelectorAll('[aria-label^="VPS colours"] button')).map((b) => ({
      name: b.textContent!.trim(),
      colour: getComputedStyle(b.querySelector('i')!).backgroundColor,
    }));
    return {
      cards: ids('[data-testid^="vps-card-"]', 'data-testid'),
      chips,
      culprits: ids('[data-testid^="culprit-"]', 'data-testid'),
      edges: ids('[data-testid^="edge-"]', 'data-testid').sort(),
      mode: (document.querySelector('select[aria-label="Virtualization mode"]') as HTMLSelectElement | null)
        ?.value,
    };
  });
}

describe('two browsers on one lab', () => {
  test('agree on names, order, colours and blame, and see each other’s commands', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const desk = await open(`/?lab=${lab}`, { width: 1280, height: 720 });
    const phone = await open(`/?lab=${lab}`, { width: 390, height: 844, touch: true, colorScheme: 'dark' });
    for (const { page } of [desk, phone])
      await page.getByTestId('vps-card-mail-1').waitFor({ timeout: 15_000 });
    const first = await story(desk.page);
    expect(first.cards).toHaveLength(6);
    expect(first.chips.map((c) => c.name)).toEqual(first.cards.map((c) => c!.replace('vps-card-', '')));
    expect(await story(phone.page)).toEqual(first);

    // A fault started on the desktop: the phone's button turns to Stop, and both blame batch-1 alike.
    await desk.page.getByRole('button', { name: 'Start cpu_hog on batch-1' }).click();
    await phone.page
      .getByRole('button', { name: 'Stop cpu_hog on batch-1' })
      .waitFor({ state: 'attached', timeout: 10_000 });
    for (const { page } of [desk, phone])
      await page.getByTestId('culprit-batch-1').first().waitFor({ state: 'attached', timeout: 20_000 });
    await expect
      .poll(
        async () => {
          const [a, b] = [await story(desk.page), await story(phone.page)];
          return JSON.stringify(a) === JSON.stringify(b) ? 'same' : JSON.stringify({ a, b });
        },
        { timeout: 20_000 },
      )
      .toBe('same');

    // The mode switched on the phone: the desktop's mode menu follows.
    await phone.page.getByRole('combobox', { name: 'Virtualization mode' }).selectOption('full');
    await waitForState(server, lab, (s) => JSON.stringify(s.mode).includes('full'));
    await expect.poll(() => story(desk.page).then((s) => s.mode), { timeout: 10_000 }).toBe('full');
    expect([...desk.errors, ...phone.errors]).toEqual([]);
  }, 90_000);
});
