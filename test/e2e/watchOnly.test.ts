/**
 * Journey 4: a server started with a control token lets everyone watch, only token holders steer,
 * and every watcher sees the steering.
 */
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTest } from './fixture.js';
import { api } from './harness.js';
import { createLab, waitChartsPast, waitForState } from './lab.js';

const TOKEN = 'front-of-class-42';

const test = browserTest({ controlToken: TOKEN });

/**
 * The contrast of each header control's words against the header, as painted (opacity blended
 * in), WCAG's ratio: 21 black on white, 1 invisible.
 */
function headerContrast(page: Page): Promise<Record<string, { disabled: boolean; contrast: number }>> {
  return page.evaluate(() => {
    const rgba = (c: string): number[] => {
      const v = (c.match(/[\d.]+/g) ?? []).map(Number);
      return [v[0], v[1], v[2], v[3] ?? 1];
    };
    const over = (top: number[], under: number[], a: number): number[] =>
      [0, 1, 2].map((i) => top[i] * a + under[i] * (1 - a));
    const lum = (c: number[]): number => {
      const f = (v: number): number => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
    };
    const header = document.querySelector('header.top')!;
    const ground = rgba(getComputedStyle(header).backgroundColor);
    const out: Record<string, { disabled: boolean; contrast: number }> = {};
    for (const el of Array.from(
      header.querySelectorAll<HTMLButtonElement | HTMLSelectElement>('button, select'),
    )) {
      if (!el.getClientRects().length) continue;
      const cs = getComputedStyle(el);
      const op = Number(cs.opacity);
      const bg = rgba(cs.backgroundColor);
      const box = over(over(bg, ground, bg[3]), ground, op);
      const ink = over(rgba(cs.color), box, op);
      const [hi, lo] = [lum(ink), lum(ground)].sort((a, b) => b - a);
      out[el.getAttribute('aria-label') ?? el.textContent!.trim()] = {
        disabled: el.getAttribute('aria-disabled') === 'true',
        contrast: (hi + 0.05) / (lo + 0.05),
      };
    }
    return out;
  });
}

describe('watch-only without the token', () => {
  test('shows the lab live, disables every control and says why', async ({ server, open }) => {
    const { page, errors } = await open(`/?lab=demo`);
    await waitChartsPast(page, 5);
    const banner = page.getByTestId('watch-only-banner');
    await banner.waitFor({ timeout: 10_000 });
    expect(await banner.textContent()).toMatch(/token/i);
    await expect
      .poll(() => page.getByRole('button', { name: 'Start cpu_hog on web-1' }).isDisabled())
      .toBe(true);
    expect(await page.getByRole('slider', { name: 'web-1 CPU load' }).isDisabled()).toBe(true);
    expect(await page.getByLabel('Virtualization mode').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Reboot host' }).isDisabled()).toBe(true);
    // Nor does it offer to start a lab (a comparison forks one), which the server would refuse.
    expect(await page.getByRole('button', { name: 'Compare', exact: true }).isDisabled()).toBe(true);
    expect(await page.getByRole('combobox', { name: 'Preset', exact: true }).isDisabled()).toBe(true);
    // Disabled looks disabled in both themes: every disabled control dimmer than every enabled one, all alike.
    for (const theme of ['light', 'dark']) {
      if (theme === 'dark') await page.getByRole('button', { name: 'Switch to dark theme' }).click();
      await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
      const look = await headerContrast(page);
      const off = Object.entries(look).filter(([, l]) => l.disabled);
      const on = Object.entries(look).filter(([, l]) => !l.disabled);
      expect(
        off.map(([k]) => k),
        theme,
      ).toEqual(
        expect.arrayContaining([
          'Pause simulation',
          'Step one tick',
          'Simulation speed',
          'Virtualization mode',
        ]),
      );
      expect(on.length, theme).toBeGreaterThan(0);
      for (const [name, l] of off) expect(l.contrast, `${theme}: disabled ${name} reads dim`).toBeLessThan(3);
      for (const [name, l] of on)
        expect(l.contrast, `${theme}: enabled ${name} reads clearly`).toBeGreaterThan(4.5);
      const c = off.map(([, l]) => l.contrast);
      expect(
        Math.max(...c) - Math.min(...c),
        `${theme}: every disabled control alike ${JSON.stringify(off)}`,
      ).toBeLessThan(0.05);
    }
    // Each keeps a keyboard's focus (aria-disabled, never `disabled`) and refuses what reaches it.
    const hog = page.getByRole('button', { name: 'Start cpu_hog on web-1' });
    expect(await hog.getAttribute('aria-disabled')).toBe('true');
    await hog.focus();
    await page.keyboard.press('Enter');
    await hog.click({ force: true });
    expect(await hog.evaluate((b) => b === document.activeElement), 'the focus on the fault button').toBe(
      true,
    );
    expect(
      await page.evaluate(() => document.querySelectorAll(':disabled').length),
      'disabled controls',
    ).toBe(0);
    // The server refuses too, whatever the page shows.
    const r = await api(server, '/api/labs/demo/commands', {
      body: { type: 'startFault', vps: 'web-1', fault: 'cpu_hog' },
    });
    expect(r.status).toBe(403);
    expect((await waitForState(server, 'demo', () => true)).faults).toEqual([]);
    expect(errors.filter((e) => !/403|Forbidden/i.test(e))).toEqual([]);
  }, 60_000);

  test('a mistyped ?token= is told so on a phone, and the right one in the same tab steers', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo' }, TOKEN);
    const { page } = await open(`/?lab=${lab}&token=${TOKEN}-typo`, { width: 390, height: 844, touch: true });
    await waitChartsPast(page, 5);
    const banner = page.getByTestId('watch-only-banner');
    await banner.waitFor({ timeout: 10_000 });
    // The page was given a token: it says that one is wrong, rather than asking for one.
    expect(await banner.textContent()).toMatch(/token this page was opened with is not this server/i);
    expect(await banner.textContent()).not.toMatch(/needs the control token/i);
    expect(await page.getByRole('button', { name: 'Start cpu_hog on web-1' }).isDisabled()).toBe(true);
    // The same tab opened again with the right token steers (the remembered wrong one is replaced).
    await page.goto(`${server.url}/?lab=${lab}&token=${TOKEN}`, { waitUntil: 'domcontentloaded' });
    await waitChartsPast(page, 5);
    await expect
      .poll(() => page.getByRole('button', { name: 'Start cpu_hog on web-1' }).isEnabled())
      .toBe(true);
    expect(await page.getByTestId('watch-only-banner').count()).toBe(0);
  }, 60_000);

  test('with ?token= the page steers, and a watching page sees the change', async ({ server, open }) => {
    const lab = await createLab(server, { preset: 'demo' }, TOKEN);
    const watcher = await open(`/?lab=${lab}`);
    const teacher = await open(`/?lab=${lab}&token=${TOKEN}`);
    await Promise.all([waitChartsPast(watcher.page, 5), waitChartsPast(teacher.page, 5)]);
    expect(await teacher.page.getByTestId('watch-only-banner').count()).toBe(0);
    const start = teacher.page.getByRole('button', { name: 'Start cpu_hog on web-1' });
    await expect.poll(() => start.isEnabled()).toBe(true);
    expect(await teacher.page.getByRole('button', { name: 'Compare', exact: true }).isEnabled()).toBe(true);
    expect(await teacher.page.getByRole('combobox', { name: 'Preset', exact: true }).isEnabled()).toBe(true);
    await start.click();
    await waitForState(server, lab, (s) => s.faults.some((f) => f.vps === 'web-1' && f.fault === 'cpu_hog'));
    await watcher.page.getByRole('button', { name: 'Stop cpu_hog on web-1' }).waitFor({ timeout: 10_000 });
    expect(await watcher.page.getByRole('button', { name: 'Stop cpu_hog on web-1' }).isDisabled()).toBe(true);
    expect(teacher.errors).toEqual([]);
    // Checked last: a token left in the address bar travels with every copied link.
    expect(
      new URL(teacher.page.url()).searchParams.get('token'),
      'the token leaves the address bar',
    ).toBeNull();
  }, 60_000);
});
