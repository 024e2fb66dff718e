/**
 * The compare view's header at every width, from a phone to a wide screen: which modes are compared
 * reads whole, no control or text in it is cut, overlaps another or leaves the screen, and it keeps
 * its rows (two from 961 px up; on a phone three, the rest in its ⋯ menu, whole there too).
 */
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTest } from './fixture.js';
import { byTestId, createLab, textNow } from './lab.js';
import { clippedText } from './clipped.js';
import { atoms, cutMenus, offScreen, overlaps, resize, rowsOf, type Atom } from './boxes.js';

const test = browserTest();

/**
 * What is wrong with the atoms of `part` (a CSS selector) at this size: cut, overlapping, off
 * screen. Below 1280 px the lab's name may end in "…": it is the user's, of any length, and the
 * lab menu gives way (to 120 px) beside the header's other parts, the name whole in its title and
 * in the phone's menu; from 1280 px the row has room for it.
 */
async function faults(page: Page, part: string, width: number, height: number) {
  const list = await atoms(page.locator(part));
  const named = width < 1280 ? list.filter((a) => !a.name.startsWith('Lab "')) : list;
  return {
    list,
    cut: [...cutMenus(named), ...(await clippedText(page, part))],
    overlapping: overlaps(list),
    off: offScreen(list, width, height),
  };
}

/** The mode menu showing the first side's mode, then the second side's after "vs". */
const MODES = /Virtualization mode "[^"]*container[^"]*" \| vs full/i;

const where = (rows: Atom[][]): string => rows.map((r) => r.map((a) => a.name).join(' | ')).join(' // ');

describe("the compare view's header", () => {
  test('at 961 to 1920 px and on a phone: the modes whole, nothing cut, overlapping or off screen', async ({
    server,
    open,
  }) => {
    // Another lab with a long name in the lab menu, as on a server in use; the compare lab forked
    // from a running one, as the Compare button does (its name says so: "Demo lab · container vs full").
    await createLab(server, { preset: 'sre-incident' });
    const src = await createLab(server, { preset: 'demo' });
    const lab = await createLab(server, { from: src, compare: ['container', 'full'] });
    const { page, errors } = await open(`/?lab=${lab}&view=compare`, { width: 1280, height: 720 });
    await page.getByTestId('compare-view').waitFor();
    await page.getByTestId('export-scenario-1').waitFor({ timeout: 15_000 });
    await expect.poll(() => textNow(page, byTestId('sim-time'))).toMatch(/t = \d/);
    const header = '[data-testid="header"]';

    for (const width of [961, 1024, 1100, 1200, 1279, 1280, 1440, 1920]) {
      await resize(page, width, 720);
      const seen = await faults(page, header, width, 720);
      const rows = rowsOf(seen.list);
      expect.soft(seen.cut, `${width}: cut`).toEqual([]);
      expect.soft(seen.overlapping, `${width}: overlapping`).toEqual([]);
      expect.soft(seen.off, `${width}: off screen`).toEqual([]);
      expect.soft(rows.length, `${width}: rows ${where(rows)}`).toBe(2);
      const rowOf = (name: string | RegExp) =>
        rows.findIndex((r) =>
          r.some((a) => (typeof name === 'string' ? a.name === name : name.test(a.name))),
        );
      // The lab and the views above; the modes and the clock below.
      expect
        .soft(
          [/^Lab "/, 'Compare', /^Virtualization mode "/, 'Pause simulation'].map(rowOf),
          `${width}: ${where(rows)}`,
        )
        .toEqual([0, 0, 1, 1]);
      const labMenu = page.getByRole('combobox', { name: 'Lab', exact: true });
      expect
        .soft((await labMenu.boundingBox())!.width, `${width}: lab menu width`)
        .toBeGreaterThanOrEqual(120);
      expect
        .soft(await labMenu.getAttribute('title'), `${width}: lab menu title`)
        .toMatch(/^Demo lab.* · container vs full$/);
      // Which modes are compared, in words (each read whole: nothing above is cut).
      expect.soft(seen.list.map((a) => a.name).join(' | '), `${width}: the modes`).toMatch(MODES);
    }

    // A phone: three rows, the rest behind ⋯; a finger's pointer (taller controls).
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 5 });
    await resize(page, 390, 844);
    expect(await page.evaluate(() => matchMedia('(pointer: coarse)').matches)).toBe(true);
    const phone = await faults(page, header, 390, 844);
    const rows = rowsOf(phone.list);
    expect.soft(phone.cut, '390: cut').toEqual([]);
    expect.soft(phone.overlapping, '390: overlapping').toEqual([]);
    expect.soft(phone.off, '390: off screen').toEqual([]);
    expect.soft(rows.length, `390: rows ${where(rows)}`).toBe(3);
    expect.soft(phone.list.map((a) => a.name).join(' | '), '390: the modes').toMatch(MODES);
    await page.getByRole('button', { name: 'More controls' }).click();
    await page.locator('#header-menu').waitFor();
    const inMenu = await faults(page, '#header-menu', 390, 844);
    expect(inMenu.cut, '390 menu: cut').toEqual([]);
    expect(inMenu.overlapping, '390 menu: overlapping').toEqual([]);
    expect(inMenu.off, '390 menu: off screen').toEqual([]);
    // The lab's name, which the lab menu above may end in "…", whole in the menu.
    expect(inMenu.list.map((a) => a.name)).toContainEqual(expect.stringMatching(/ · container vs full$/));
    for (const name of ['Export scenario (container)', 'Export scenario (full)', 'Preset "Preset…"'])
      expect(
        inMenu.list.some((a) => a.name === name),
        `${name} in the menu`,
      ).toBe(true);
    expect(errors).toEqual([]);
  }, 90_000);
});
