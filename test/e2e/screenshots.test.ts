/**
 * The pictures of docs/screenshots (with UPDATE_SCREENSHOTS=1; otherwise in .test-results), taken
 * from the real server, each the whole page: the noisy-neighbour story (a CPU hog starts at 30 s on
 * an oversold para host) in the dashboard at 1280×720, 1920×1080, dark and on a phone (scrolled
 * through, every card drawn); a kernel panic compared between containers and full virtualization;
 * the scorecard.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTest } from './fixture.js';
import { ROOT, api } from './harness.js';
import {
  advanceTo,
  attributeNow,
  byTestId,
  canvasHasInk,
  CHARTS,
  createLab,
  presetScenario,
  textNow,
  waitChartsPast,
} from './lab.js';
import { inkShare, wholePageShot } from './capture.js';

/** Test runs keep their pictures beside the test report; UPDATE_SCREENSHOTS=1 refreshes the README's. */
const DIR = join(
  ROOT,
  process.env.UPDATE_SCREENSHOTS === '1' ? 'docs/screenshots' : '.test-results/screenshots',
);
const test = browserTest();
let storyLab = '';
let compareLab = '';

/**
 * The scorecard, asked for once the server is up: it is computed once (a few seconds of CPU in a
 * child process) while the dashboard pictures are taken, and its page then finds it ready.
 */
let scorecard: Promise<number> = Promise.resolve(0);

test.beforeAll(async ({ server }) => {
  mkdirSync(DIR, { recursive: true });
  scorecard = api(server, '/api/scorecard').then(
    (r) => r.status,
    () => -1,
  );
  const story = presetScenario('cpu-noisy-neighbour-para', {}, true);
  [storyLab, compareLab] = await Promise.all([
    createLab(server, { scenario: story }),
    createLab(server, { scenario: presetScenario('kernel-panic', {}, true), compare: ['container', 'full'] }),
  ]);
  // The hog starts at 30 s; the panic at 20 s, with everyone (container) or web-1 (full) back at 50 s.
  await advanceTo(server, storyLab, 480);
  await advanceTo(server, compareLab, 560);
}, 60_000);

async function settle(page: Page, charts: readonly string[]): Promise<void> {
  await page.mouse.move(0, 0); // hovering a chart freezes it and shows a readout
  const t = await waitChartsPast(page, 0, charts);
  await waitChartsPast(page, t + 2, charts);
  for (const c of charts) expect(await canvasHasInk(page, c), `${c} drew`).toBe(true);
}

describe('screenshots', () => {
  const main: [string, number, number, 'light' | 'dark'][] = [
    ['dashboard.png', 1280, 720, 'light'],
    ['dashboard-1920.png', 1920, 1080, 'light'],
    ['dashboard-dark.png', 1280, 720, 'dark'],
    ['dashboard-phone.png', 390, 844, 'light'],
  ];
  for (const [file, width, height, colorScheme] of main) {
    test(`dashboard ${width}×${height} ${colorScheme} → ${file}`, async ({ open }) => {
      const { page, errors } = await open(`/?lab=${storyLab}`, {
        width,
        height,
        colorScheme,
      });
      await settle(page, [...CHARTS, 'chart-disk', 'chart-host']);
      await expect.poll(() => attributeNow(page, 'html', 'data-theme')).toBe(colorScheme);
      await expect
        .poll(() => textNow(page, byTestId('explain-web-1')), { timeout: 15_000 })
        .toMatch(/batch-1/);
      const png = await wholePageShot(page, join(DIR, file));
      // Every card the picture holds shows its contents, those below the fold included (they were
      // empty boxes: the browser skips painting cards off screen).
      const cards = await page.evaluate(() =>
        Array.from(document.querySelectorAll('[data-testid^="vps-card-"]')).map((c) => {
          const r = c.getBoundingClientRect();
          const clip = c.parentElement!.getBoundingClientRect();
          return {
            id: c.getAttribute('data-testid')!,
            x: r.x + scrollX,
            y: r.y + scrollY,
            width: r.width,
            height: Math.min(r.bottom, clip.bottom) - r.y,
          };
        }),
      );
      const pictured = cards.filter((c) => c.height > 100 && c.y + c.height <= png.readUInt32BE(20));
      if (width < 761) expect(pictured.length, 'a phone picture holds every card').toBe(cards.length);
      for (const c of pictured)
        expect(await inkShare(page, png, c), `${c.id} drawn in ${file}`).toBeGreaterThan(0.05);
      expect(errors).toEqual([]);
    }, 60_000);
  }

  test('compare 1280×720 → compare.png', async ({ open }) => {
    const { page, errors } = await open(`/?lab=${compareLab}&view=compare`);
    await page.getByTestId('compare-view').waitFor();
    // The panic (20 s) and the recovery (50 s) are older than the last minute by now.
    await page.getByRole('button', { name: 'Show the last 5 min' }).click();
    await settle(page, [
      'compare-p99-container',
      'compare-p99-full',
      'compare-health-container',
      'compare-health-full',
    ]);
    await wholePageShot(page, join(DIR, 'compare.png'));
    expect(errors).toEqual([]);
  }, 60_000);

  test('scorecard 1280×720 → scorecard.png', async ({ open }) => {
    expect(await scorecard).toBe(200);
    const { page, errors } = await open(`/?view=scorecard`);
    const summaries = page.getByTestId('scorecard-summary');
    await summaries.first().waitFor({ timeout: 15_000 });
    // One table per experiment host, each with its summary.
    expect(await summaries.count()).toBeGreaterThanOrEqual(2);
    await wholePageShot(page, join(DIR, 'scorecard.png'));
    expect(errors).toEqual([]);
  }, 60_000);
});
