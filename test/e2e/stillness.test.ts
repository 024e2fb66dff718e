/**
 * What a finger aims at stays where it is while the lab runs: nothing above the VPS cards (or
 * their controls) grows or shrinks with the live figures, at a phone's, a laptop's and a wide
 * screen's size; and a phone's header is compact, with everything else one menu away.
 */
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTest } from './fixture.js';
import { api } from './harness.js';
import { createLab, waitChartsPast, waitForState } from './lab.js';

const test = browserTest();

/** Where each control a user aims at sits on the page (document coordinates, whole pixels). */
function targets(page: Page): Promise<Record<string, [number, number]>> {
  return page.evaluate(() => {
    const out: Record<string, [number, number]> = {};
    const at = (name: string, el: Element | null): void => {
      if (!el) return;
      const r = el.getBoundingClientRect();
      out[name] = [Math.round(r.left + scrollX), Math.round(r.top + scrollY)];
    };
    for (const card of Array.from(document.querySelectorAll('[data-testid^="vps-card-"]'))) {
      const id = card.getAttribute('data-testid')!;
      at(id, card);
      at(`${id} focus`, card.querySelector('button[aria-label^="Focus the charts"]'));
      at(`${id} faults`, card.querySelector('[role="group"][aria-label^="Misbehaviours"]'));
      at(`${id} sliders`, card.querySelector('input[type="range"]'));
      at(`${id} resize`, card.querySelector('summary'));
    }
    at('mode', document.querySelector('[aria-label="Virtualization mode"]'));
    at('pause', document.querySelector('[aria-label="Pause simulation"]'));
    at(
      'reboot host',
      Array.from(document.querySelectorAll('button')).find((b) => b.textContent === 'Reboot host') ?? null,
    );
    at('time window', document.querySelector('[data-testid="host-panel"] ~ * button'));
    return out;
  });
}

/** The height of what the event log holds (whatever box it is shown in). */
function logContent(page: Page): Promise<number> {
  return page
    .getByTestId('event-log')
    .locator('ol')
    .evaluate((ol) => Array.from(ol.children).reduce((h, li) => h + li.getBoundingClientRect().height, 0));
}

/** Each page counts the animation frames in which any target stood elsewhere than at `base`. */
function watchMoves(page: Page, base: Record<string, [number, number]>): Promise<void> {
  return page.evaluate((base) => {
    const w = window as unknown as { __moves: string[]; __frames: number };
    w.__moves = [];
    w.__frames = 0;
    const names = Object.keys(base);
    const sel: Record<string, () => Element | null> = {
      mode: () => document.querySelector('[aria-label="Virtualization mode"]'),
      'time window': () => document.querySelector('[data-testid="host-panel"] ~ * button'),
      pause: () => document.querySelector('[aria-label="Pause simulation"]'),
    };
    const frame = (): void => {
      w.__frames++;
      for (const card of Array.from(document.querySelectorAll('[data-testid^="vps-card-"]'))) {
        const id = card.getAttribute('data-testid')!;
        sel[id] = () => card;
        sel[`${id} faults`] = () => card.querySelector('[role="group"][aria-label^="Misbehaviours"]');
      }
      for (const n of names) {
        const el = sel[n]?.();
        if (!el) continue;
        const r = el.getBoundingClientRect();
        const y = Math.round(r.top + scrollY);
        if (y !== base[n][1] && w.__moves.length < 20) w.__moves.push(`${n} ${base[n][1]} → ${y}`);
      }
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }, base);
}

describe('a page that holds still', () => {
  test('while the lab runs (faults, mode switches, blame and log filling) no card, card control or header control moves, at 390×844, 1280×720 and 1920×1080', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const pages = [
      await open(`/?lab=${lab}`, { width: 390, height: 844, touch: true }),
      await open(`/?lab=${lab}`, { width: 1280, height: 720 }),
      await open(`/?lab=${lab}`, { width: 1920, height: 1080 }),
    ];
    const base: Record<string, [number, number]>[] = [];
    const logHeight: number[] = [];
    for (const { page } of pages) {
      await waitChartsPast(page, 0);
      await page
        .getByTestId('vps-card-mail-1')
        .getByRole('group', { name: /Misbehaviours/ })
        .waitFor({ timeout: 15_000 });
      base.push(await targets(page));
      logHeight.push(await logContent(page));
      await watchMoves(page, base[base.length - 1]);
    }
    // One change at a time, each seen by every page before the next: hosted virtualization (eight
    // host tiles, the most) is on screen for a while, not skipped between two ticks.
    const steps: [object, (page: Page) => Promise<unknown>][] = [
      [
        { type: 'startFault', vps: 'batch-1', fault: 'cpu_hog' },
        (p) => p.getByRole('button', { name: 'Stop cpu_hog on batch-1' }).waitFor(),
      ],
      [{ type: 'setMode', mode: 'full' }, (p) => p.getByTestId('host-idle').waitFor()],
      [
        { type: 'startFault', vps: 'db-1', fault: 'io_storm' },
        (p) => p.getByRole('button', { name: 'Stop io_storm on db-1' }).waitFor(),
      ],
      [{ type: 'setMode', mode: 'hosted' }, (p) => p.getByTestId('host-hostos').waitFor()],
      [
        { type: 'setMode', mode: 'container' },
        (p) => p.getByTestId('host-idle').waitFor({ state: 'detached' }),
      ],
    ];
    for (const [body, seen] of steps) {
      expect((await api(server, `/api/labs/${lab}/commands`, { body })).status).toBe(200);
      for (const { page } of pages) await seen(page);
    }
    await waitForState(server, lab, (s) => s.mode === 'container');
    for (const [i, { page, errors }] of pages.entries()) {
      const size = `${page.viewportSize()!.width}×${page.viewportSize()!.height}`;
      // The live parts have changed: five entries in the log, a reason on a card, a VPS no longer running well.
      await expect
        .poll(() => page.getByTestId('event-log').locator('li:not(.empty)').count(), { timeout: 20_000 })
        .toBeGreaterThanOrEqual(5);
      await expect
        .poll(() => page.locator('[data-testid^="explain-"]:not(.quiet)').count(), { timeout: 20_000 })
        .toBeGreaterThan(0);
      await expect
        .poll(
          () =>
            page
              .locator('[data-testid^="state-"]')
              .filter({ hasText: /degraded|dnr/i })
              .count(),
          { timeout: 20_000 },
        )
        .toBeGreaterThan(0);
      expect(await logContent(page), `${size}: the log grew`).toBeGreaterThan(logHeight[i]);
      await expect.poll(() => page.getByLabel('Virtualization mode').inputValue()).toBe('container');
      expect(await targets(page), `${size}: controls moved`).toEqual(base[i]);
      const seen = await page.evaluate(() => {
        const w = window as unknown as { __moves: string[]; __frames: number };
        return { moves: w.__moves, frames: w.__frames };
      });
      expect(seen.frames, `${size}: frames watched`).toBeGreaterThan(0);
      expect(seen.moves, `${size}: moved on the way`).toEqual([]);
      expect(errors).toEqual([]);
    }
  }, 120_000);

  test('a phone header takes three rows; the theme, reset, presets and exports are in its menu, labelled, and work', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const { page, errors } = await open(`/?lab=${lab}`, { width: 390, height: 844, touch: true });
    await waitChartsPast(page, 0);
    const header = page.getByTestId('header');
    expect((await header.boundingBox())!.height, 'header height').toBeLessThanOrEqual(140);
    // What a watcher uses is on the header itself.
    for (const name of ['Lab', 'Virtualization mode', 'Simulation speed'])
      expect(await page.getByLabel(name, { exact: true }).isVisible(), name).toBe(true);
    for (const name of ['Dashboard', 'Compare', 'Scorecard', 'Pause simulation', 'Step one tick'])
      expect(await page.getByRole('button', { name, exact: true }).isVisible(), name).toBe(true);
    expect(await page.getByTestId('connection-status').textContent()).toMatch(/Live/);
    expect(await page.getByTestId('sim-time').textContent()).toMatch(/t = \d/);
    // The rest is one tap away.
    const more = page.getByRole('button', { name: 'More controls' });
    const theme = page.getByRole('button', { name: 'Switch to dark theme' });
    expect(await theme.isVisible()).toBe(false);
    expect(await more.getAttribute('aria-expanded')).toBe('false');
    await more.click();
    expect(await more.getAttribute('aria-expanded')).toBe('true');
    const menu = page.getByRole('group', { name: 'More controls' });
    for (const name of ['Reset lab', 'Create lab', 'Export charts as PNG'])
      expect(await menu.getByRole('button', { name }).isVisible(), name).toBe(true);
    for (const name of ['Export metrics as CSV', 'Export scenario'])
      expect(await menu.getByRole('link', { name }).isVisible(), name).toBe(true);
    expect(await menu.getByLabel('Preset', { exact: true }).isVisible()).toBe(true);
    expect(await menu.getByTestId('viewers').textContent()).toMatch(/1 watching/);
    await theme.click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    // Escape closes it and gives the focus back to its button; a tap elsewhere closes it too.
    await page.keyboard.press('Escape');
    expect(await more.getAttribute('aria-expanded')).toBe('false');
    expect(await more.evaluate((b) => b === document.activeElement)).toBe(true);
    await more.click();
    await page.getByRole('img', { name: 'Contention Lab' }).click();
    expect(await more.getAttribute('aria-expanded')).toBe('false');
    // Reset from the menu asks first, like on a wide screen.
    await more.click();
    await menu.getByRole('button', { name: 'Reset lab' }).click();
    await menu.getByRole('group', { name: 'Confirm reset' }).getByRole('button', { name: 'Keep' }).click();
    expect(await menu.getByRole('button', { name: 'Reset lab' }).isVisible()).toBe(true);
    expect((await header.boundingBox())!.height, 'header height with the menu open').toBeLessThanOrEqual(140);
    // Escape closes the menu and does nothing else: the charts' focus on a VPS stays.
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Focus the charts on web-1' }).click();
    await expect.poll(() => page.getByTestId('focus-chip').count()).toBe(1);
    await more.click();
    await page.keyboard.press('Escape');
    expect(await more.getAttribute('aria-expanded')).toBe('false');
    expect(await page.getByTestId('focus-chip').count(), 'the focus chip after Escape closed the menu').toBe(
      1,
    );
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true);
    expect(errors).toEqual([]);
  }, 60_000);
});
