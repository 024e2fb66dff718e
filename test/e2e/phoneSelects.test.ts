/**
 * On a phone (390×844) the menus read whole: the mode menu showed "Full virtualization (type-2, h",
 * "Containers (one shared ker", even "Paravirtualization (Xen PV)" ran under its arrow; the lab
 * menu "SRE incident: a noisy batch box · 4 VPS" under its arrow; the preset menu beside Create lab
 * "Memory bomb with reserved RAM (fu". Each choice of each menu now fits its menu (the modes by
 * their short names, a lab by its name alone, the presets on a row of their own), and a longer lab
 * name than a phone has room for ends in an ellipsis.
 */
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTest } from './fixture.js';
import { createLab, waitChartsPast } from './lab.js';

const test = browserTest();

/** What Chromium keeps at a menu's end for its arrow, px (measured: about 18). */
const ARROW = 20;

interface Cut {
  menu: string;
  option: string;
  text: number;
  room: number;
}

/** Every choice of the named menu that does not fit it, each measured as it shows when chosen. */
function cuts(page: Page, name: string): Promise<Cut[]> {
  return page.getByRole('combobox', { name, exact: true }).evaluate((s: HTMLSelectElement, arrow) => {
    const cs = getComputedStyle(s);
    const ctx = document.createElement('canvas').getContext('2d')!;
    ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
    const room = s.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - arrow;
    return Array.from(s.options)
      .map((o) => ({
        menu: s.getAttribute('aria-label') ?? '',
        option: o.text,
        text: ctx.measureText(o.text).width,
        room,
      }))
      .filter((c) => c.text > c.room);
  }, ARROW);
}

describe('a phone’s menus', () => {
  test('show each choice whole', async ({ server, open }) => {
    const lab = await createLab(server, { preset: 'sre-incident' });
    const { page, errors } = await open(`/?lab=${lab}`, { width: 390, height: 844, touch: true });
    await waitChartsPast(page, 3);
    await page.getByTestId('vps-card-web-1').waitFor({ timeout: 15_000 });
    const lab1 = page.getByRole('combobox', { name: 'Lab', exact: true });
    await expect.poll(() => lab1.evaluate((s: HTMLSelectElement) => s.options.length)).toBeGreaterThan(1);
    for (const name of ['Lab', 'Virtualization mode', 'Simulation speed', 'web-1 workload profile'])
      expect(await cuts(page, name), name).toEqual([]);
    // The mode chosen reads in full where a finger opens it (the short name is the option's words).
    expect(
      await page
        .getByRole('combobox', { name: 'Virtualization mode' })
        .evaluate((s: HTMLSelectElement) => s.selectedOptions[0].title),
    ).toBe('Paravirtualization (Xen PV)');
    await page.getByRole('button', { name: 'More controls' }).click();
    await page.getByRole('combobox', { name: 'Preset' }).waitFor();
    expect(await cuts(page, 'Preset'), 'Preset').toEqual([]);
    // A name longer than any phone has room for ends in an ellipsis, not under the arrow.
    expect(await lab1.evaluate((s) => getComputedStyle(s).textOverflow)).toBe('ellipsis');
    expect(errors).toEqual([]);
  }, 60_000);
});
