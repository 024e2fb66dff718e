/**
 * A phone turned to landscape (844×390, 667×375): the header keeps to one line (two halves on the
 * narrowest), the rest of its controls in its menu and on screen there, and a row of charts is
 * most of the screen, whole below the time bar; nothing cut, nothing pushing the page sideways.
 */
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTest } from './fixture.js';
import type { ModeSpec } from '../../shared/commands.js';
import { byTestId, CHARTS, createLab, textNow, waitChartsPast } from './lab.js';
import { clippedText } from './clipped.js';

const test = browserTest();

interface Box {
  top: number;
  bottom: number;
  left: number;
  right: number;
  height: number;
}

function box(page: Page, selector: string): Promise<Box> {
  return page
    .locator(selector)
    .first()
    .evaluate((e) => {
      const r = e.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height };
    });
}

/** The header's visible controls, each with its name and box. */
function headerControls(page: Page): Promise<(Box & { name: string })[]> {
  return page.getByTestId('header').evaluate((h) =>
    Array.from(h.querySelectorAll<HTMLElement>('button, select, a'))
      .filter((e) => e.offsetParent !== null && e.getBoundingClientRect().width > 1)
      .map((e) => {
        const r = e.getBoundingClientRect();
        return {
          name: e.getAttribute('aria-label') ?? e.textContent!.trim(),
          top: r.top,
          bottom: r.bottom,
          left: r.left,
          right: r.right,
          height: r.height,
        };
      }),
  );
}

function rows(controls: { top: number }[]): number {
  const tops: number[] = [];
  for (const c of [...controls].sort((a, b) => a.top - b.top))
    if (!tops.some((y) => Math.abs(y - c.top) <= 12)) tops.push(c.top);
  return tops.length;
}

describe('a phone turned to landscape', () => {
  const phones: [number, number, number][] = [
    // width, height, header rows at most
    [844, 390, 1],
    [932, 430, 1],
    [667, 375, 2],
  ];
  for (const [width, height, maxRows] of phones)
    test(`${width}×${height}: the charts get the height, the header ${maxRows} row(s), nothing cut`, async ({
      server,
      open,
    }) => {
      const lab = await createLab(server, { preset: 'demo' });
      const { page, errors } = await open(`/?lab=${lab}`, { width, height, touch: true });
      await waitChartsPast(page, 2);
      const header = await box(page, '[data-testid="header"]');
      const controls = await headerControls(page);
      const where = controls.map((c) => `${c.name}@${Math.round(c.top)}`).join(', ');
      expect(rows(controls), `header rows (${where})`).toBeLessThanOrEqual(maxRows);
      expect(header.height, 'header height').toBeLessThanOrEqual(maxRows * 44 + 8);
      for (const name of [
        'Lab',
        'Dashboard',
        'Compare',
        'Scorecard',
        'Virtualization mode',
        'Pause simulation',
      ])
        expect(
          controls.some((c) => c.name === name),
          `${name} in the header`,
        ).toBe(true);
      expect(
        controls.filter((c) => c.right > width + 0.5 || c.left < 0).map((c) => c.name),
        'header controls past an edge',
      ).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      expect(await clippedText(page), 'text cut').toEqual([]);

      // Each chart is most of the screen's height; with the time bar at the top, a row of charts
      // is whole on screen under it.
      for (const c of CHARTS) {
        const b = await box(page, `[data-testid="${c}"]`);
        expect(b.height, `${c} height of ${height}`).toBeGreaterThanOrEqual(height * 0.6);
      }
      await page.getByTestId('follow-status').evaluate((e) => e.closest('div')!.scrollIntoView());
      const first = await box(page, `[data-testid="${CHARTS[0]}"]`);
      expect(first.bottom, 'the first row of charts is whole under the time bar').toBeLessThanOrEqual(height);

      // The menu holds the rest, every control of it on screen.
      await page.evaluate(() => scrollTo(0, 0));
      await page.getByRole('button', { name: 'More controls' }).tap();
      const panel = page.locator('#header-menu');
      await panel.waitFor();
      const inMenu = await panel.evaluate((p) =>
        Array.from(p.querySelectorAll<HTMLElement>('button, select, a')).map((e) => {
          const r = e.getBoundingClientRect();
          return {
            name: e.getAttribute('aria-label') ?? e.textContent!.trim(),
            bottom: r.bottom,
            right: r.right,
          };
        }),
      );
      for (const name of ['Reset lab', 'Export metrics as CSV', 'Export scenario', 'Export charts as PNG'])
        expect(
          inMenu.some((c) => c.name === name),
          `${name} in the menu`,
        ).toBe(true);
      expect(
        inMenu.filter((c) => c.bottom > height || c.right > width).map((c) => c.name),
        'menu controls off screen',
      ).toEqual([]);
      expect(errors).toEqual([]);
    }, 60_000);
  // A compare lab's header holds its second mode too ("vs container"), its clock running.
  const pairs: [number, number, [ModeSpec, ModeSpec]][] = [
    [844, 390, ['para', 'full']],
    [844, 390, ['hosted', 'container']],
    [932, 430, ['container', 'hosted']],
  ];
  for (const [width, height, modes] of pairs)
    test(`${width}×${height}: the compare view's header (${modes.join(' vs ')}) is one line`, async ({
      server,
      open,
    }) => {
      const lab = await createLab(server, { preset: 'demo', compare: modes });
      const { page, errors } = await open(`/?lab=${lab}&view=compare`, { width, height, touch: true });
      await page.getByTestId(`compare-p99-${modes[1]}`).waitFor({ timeout: 15_000 });
      await page.getByRole('button', { name: 'Pause simulation' }).waitFor();
      await expect.poll(() => textNow(page, byTestId('sim-time'))).toMatch(/t = \d/);
      const controls = await headerControls(page);
      const where = controls.map((c) => `${c.name}@${Math.round(c.top)}`).join(', ');
      expect(rows(controls), `header rows (${where})`).toBe(1);
      const header = await box(page, '[data-testid="header"]');
      expect(header.height, 'header height').toBeLessThanOrEqual(52);
      expect(
        controls.filter((c) => c.right > width + 0.5 || c.left < 0).map((c) => c.name),
        'header controls past an edge',
      ).toEqual([]);
      // What says the modes and the clock is whole, and each menu shows the start of its choice.
      expect(await clippedText(page), 'text cut').toEqual([]);
      for (const name of ['Lab', 'Virtualization mode'])
        expect(
          controls.find((c) => c.name === name)!.right - controls.find((c) => c.name === name)!.left,
          `${name} menu width`,
        ).toBeGreaterThanOrEqual(60);
      expect(errors).toEqual([]);
    }, 60_000);
  test('844×390: the compare view gives each pair of charts most of the screen, the table below', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo', compare: ['para', 'full'] });
    const { page, errors } = await open(`/?lab=${lab}&view=compare`, {
      width: 844,
      height: 390,
      touch: true,
    });
    await page.getByTestId('compare-view').waitFor({ timeout: 15_000 });
    const fig = await box(page, '[data-testid="compare-p99-para"]');
    expect(fig.height, 'a compare chart’s height of 390').toBeGreaterThanOrEqual(390 * 0.6);
    const table = await box(page, '[data-testid="compare-row-web-1"]');
    expect(table.left, 'the side-by-side table spans the page below the charts').toBeLessThan(100);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(844);
    expect(await clippedText(page), 'text cut').toEqual([]);
    expect(errors).toEqual([]);
  }, 60_000);
});
