/**
 * A lab whose mode has overrides ({ base: para, cpuPolicy: quota }) read as plain para on the page:
 * the mode menu said "Paravirtualization (Xen PV)", the host panel left out the idle cores a fixed
 * quota leaves, and a compare lab of para against { base: para, cpuCaps: true } had two identical
 * headings. The menu now names the overrides, whole at every width (the phone's short name too), the
 * page reads the policy the overrides give, and the two sides are told apart.
 */
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTest } from './fixture.js';
import { byTestId, createLab, presetScenario, textNow, waitForState } from './lab.js';
import { atoms, cutMenus, offScreen, overlaps, resize } from './boxes.js';
import { clippedText } from './clipped.js';

const test = browserTest();

const HEADER = '[data-testid="header"]';

/** What the header shows cut, overlapping or off screen at this size. */
async function faults(page: Page, width: number, height: number): Promise<string[]> {
  const list = await atoms(page.locator(HEADER));
  // The lab menu may end a long lab name in "…" below 1280 px (its title and the phone's menu hold it).
  const named = width < 1280 ? list.filter((a) => !a.name.startsWith('Lab "')) : list;
  return [
    ...cutMenus(named),
    ...(await clippedText(page, HEADER)),
    ...overlaps(list),
    ...offScreen(list, width, height),
  ];
}

/** The mode menu's chosen entry as it reads, and the menu's title. */
function modeMenu(page: Page): Promise<{ text: string; title: string }> {
  return page
    .getByRole('combobox', { name: 'Virtualization mode' })
    .evaluate((s: HTMLSelectElement) => ({ text: s.selectedOptions[0]?.text ?? '', title: s.title }));
}

describe('a mode with overrides', () => {
  test('is named with its overrides in the mode menu at every width, and read by its policy', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, {
      scenario: presetScenario('demo', {
        name: 'Fixed-quota para',
        mode: { base: 'para', cpuPolicy: 'quota' },
      }),
    });
    const { page, errors } = await open(`/?lab=${lab}`, { width: 1280, height: 720 });
    await page.getByTestId('host-panel').waitFor({ timeout: 15_000 });
    await expect.poll(() => textNow(page, byTestId('sim-time'))).toMatch(/t = \d/);
    const full = 'Paravirtualization (Xen PV) · cpuPolicy=quota';
    for (const [width, height] of [
      [1280, 720],
      [1920, 1080],
      [1024, 720],
    ]) {
      await resize(page, width, height);
      expect.soft(await modeMenu(page), `${width}`).toEqual({ text: full, title: full });
      expect.soft(await faults(page, width, height), `${width}: cut, overlapping, off screen`).toEqual([]);
    }
    // A fixed quota by policy, not by base: the host panel counts the cores nobody may use.
    await page.getByTestId('host-idle').waitFor();

    // A phone: the short name with the overrides, whole; the full name in the title.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 5 });
    await resize(page, 390, 844);
    expect(await modeMenu(page)).toEqual({ text: 'Paravirt. (Xen PV) · cpuPolicy=quota', title: full });
    expect(await faults(page, 390, 844), '390: cut, overlapping, off screen').toEqual([]);
    // Turned to landscape: whole too (the header takes a second row for it).
    await resize(page, 844, 390);
    expect(await modeMenu(page)).toEqual({ text: 'Paravirt. (Xen PV) · cpuPolicy=quota', title: full });
    expect(await faults(page, 844, 390), '844×390: cut, overlapping, off screen').toEqual([]);

    // Another mode from the menu is sent plain, as before.
    await resize(page, 1280, 720);
    await page.getByRole('combobox', { name: 'Virtualization mode' }).selectOption('container');
    await waitForState(server, lab, (s) => s.mode === 'container');
    await expect.poll(() => modeMenu(page)).toEqual({ text: 'Containers (one shared kernel)', title: '' });
    await expect.poll(() => page.getByTestId('host-idle').count()).toBe(0);
    expect(errors).toEqual([]);
  }, 90_000);

  test('tells the two sides of a compare lab on one base apart', async ({ server, open }) => {
    const src = await createLab(server, { preset: 'demo' });
    const lab = await createLab(server, { from: src, compare: ['para', { base: 'para', cpuCaps: true }] });
    const { page, errors } = await open(`/?lab=${lab}&view=compare`, { width: 1280, height: 720 });
    await page.getByTestId('compare-mode-1').waitFor({ timeout: 15_000 });
    await page.getByTestId('compare-row-web-1').waitFor({ timeout: 15_000 });
    const heads = [
      await textNow(page, byTestId('compare-mode-0')),
      await textNow(page, byTestId('compare-mode-1')),
    ];
    expect(heads).toEqual(['Paravirtualization (Xen PV)', 'Paravirtualization (Xen PV) · cpuCaps=true']);
    // The header says which two, in the words the exports use; the table names both sides, and fits.
    expect(await textNow(page, `${HEADER} .vs`)).toBe('vs para (cpuCaps=true)');
    const table = page.getByRole('region', { name: 'Side by side, now' });
    expect(await table.locator('th[scope="colgroup"]').allTextContents()).toEqual([
      'para',
      'para (cpuCaps=true)',
    ]);
    for (const [width, height] of [
      [1280, 720],
      [1920, 1080],
    ]) {
      await resize(page, width, height);
      const [wide, room] = await table.evaluate((t) => [t.scrollWidth, t.clientWidth]);
      expect.soft(wide, `${width}: table ${wide} px in a panel of ${room}`).toBeLessThanOrEqual(room);
      expect.soft(await faults(page, width, height), `${width}: header`).toEqual([]);
    }
    await resize(page, 390, 844);
    expect(await faults(page, 390, 844), '390: header').toEqual([]);
    expect(errors).toEqual([]);
  }, 90_000);
});
