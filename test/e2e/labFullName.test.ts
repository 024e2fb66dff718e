/**
 * On a phone (390×844) a long lab name ends in "…" in the lab menu. It can still be read whole:
 * as the menu's and each choice's title, behind the ⋯ menu (wrapped, inside the screen), and as the
 * tab's title.
 */
import { describe, expect } from 'vitest';
import { browserTest } from './fixture.js';
import { createLab, presetScenario, waitChartsPast } from './lab.js';

const test = browserTest();

const LONG = 'Production replay: checkout database under the nightly batch window (EU-West)';
const OTHER = 'Staging copy of the checkout tier with the batch box moved to its own host';

describe('a long lab name on a phone', () => {
  test('ends in "…" in the lab menu, and reads whole in its title, the ⋯ menu and the tab', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { scenario: presetScenario('sre-incident', { name: LONG }) });
    await createLab(server, { scenario: presetScenario('demo', { name: OTHER }) });
    const { page, errors } = await open(`/?lab=${lab}`, { width: 390, height: 844, touch: true });
    await waitChartsPast(page, 2);
    const menu = page.getByRole('combobox', { name: 'Lab', exact: true });
    await expect.poll(() => menu.evaluate((s: HTMLSelectElement) => s.options.length)).toBe(3);

    // The name is longer than the menu has room for (what this test is about).
    const shown = await menu.evaluate((s: HTMLSelectElement) => {
      const cs = getComputedStyle(s);
      const ctx = document.createElement('canvas').getContext('2d')!;
      ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      return { text: ctx.measureText(s.selectedOptions[0].text).width, box: s.clientWidth };
    });
    expect(shown.text).toBeGreaterThan(shown.box);

    // The menu's title, and each choice's, hold the whole name.
    expect(await menu.getAttribute('title')).toBe(LONG);
    const titles = await menu.evaluate((s: HTMLSelectElement) => Array.from(s.options).map((o) => o.title));
    expect(titles).toContain(LONG);
    expect(titles).toContain(OTHER);

    // Behind ⋯ the name reads whole, wrapped inside the screen.
    await page.getByRole('button', { name: 'More controls' }).click();
    const full = page.getByTestId('lab-full-name');
    await full.waitFor();
    expect(await full.innerText()).toBe(`Lab ${LONG}`);
    const box = await full.evaluate((e) => {
      const r = e.getBoundingClientRect();
      return { left: r.left, right: r.right, scroll: e.scrollWidth, client: e.clientWidth };
    });
    expect(box.left).toBeGreaterThanOrEqual(0);
    expect(box.right).toBeLessThanOrEqual(390);
    expect(box.scroll).toBeLessThanOrEqual(box.client);

    // And the tab names it.
    expect(await page.title()).toBe(`${LONG} · Contention Lab`);
    expect(errors).toEqual([]);
  }, 60_000);
});
