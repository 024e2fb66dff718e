/**
 * The compare view's charts and table at the widths where the table beside them leaves each chart
 * narrow (961 to 1280 px), and on a phone: every caption (title, unit, legend) reads whole, as
 * does every other text, the table fits its panel, and both sides of a pair keep their plots level
 * and as tall, however their captions wrap. With nine VPSs a legend grows ("(highlighted VPS)").
 */
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTest } from './fixture.js';
import { addVpss, byTestId, createLab, textNow } from './lab.js';
import { clippedText, cutCaptions } from './clipped.js';
import { resize } from './boxes.js';

const test = browserTest();

const KINDS = ['p99', 'throughput', 'disk', 'steal', 'health'];
const MODES = ['container', 'full'];
const VIEW = '[data-testid="compare-view"]';

/** Each pair's two plots: where they start (viewport px) and how tall they are. */
function plots(page: Page) {
  return page.evaluate(
    ({ kinds, modes }) =>
      kinds.map((kind) =>
        modes.map((m) => {
          const r = document
            .querySelector(`[data-testid="compare-${kind}-${m}"] [role="img"]`)!
            .getBoundingClientRect();
          return { kind, top: r.top, height: r.height };
        }),
      ),
    { kinds: KINDS, modes: MODES },
  );
}

/** What a user cannot read whole at this size. */
async function cut(page: Page): Promise<string[]> {
  const table = await page.evaluate(() => {
    const t = document.querySelector<HTMLElement>('[aria-label="Side by side, now"]')!;
    return t.scrollWidth > t.clientWidth + 1 ? [`table ${t.scrollWidth}>${t.clientWidth}`] : [];
  });
  return [...(await cutCaptions(page)), ...(await clippedText(page, VIEW)), ...table];
}

async function check(page: Page, width: number, height: number, what: string): Promise<void> {
  await resize(page, width, height);
  expect.soft(await cut(page), `${what} at ${width}: cut`).toEqual([]);
  for (const [a, b] of await plots(page)) {
    expect.soft(Math.abs(a.top - b.top), `${what} at ${width}: ${a.kind} plots level`).toBeLessThan(1);
    expect.soft(Math.abs(a.height - b.height), `${what} at ${width}: ${a.kind} as tall`).toBeLessThan(1);
    // As on the dashboard between phone and desktop (widths.test.ts): room for a plot.
    expect.soft(a.height, `${what} at ${width}: ${a.kind} plot height`).toBeGreaterThanOrEqual(90);
  }
}

describe("the compare view's charts between 961 and 1280 px and on a phone", () => {
  test('every caption, legend and table cell reads whole; a pair keeps its plots level', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo', compare: ['container', 'full'] });
    const { page, errors } = await open(`/?lab=${lab}&view=compare`, { width: 1280, height: 720 });
    await page.getByTestId('compare-health-full').waitFor({ timeout: 15_000 });
    await page.getByTestId('compare-row-web-1').waitFor({ timeout: 15_000 });
    const widths = [961, 1024, 1100, 1200, 1279, 1280];
    for (const width of widths) await check(page, width, 720, 'six VPSs');

    // Nine VPSs: the faint line is drawn for the highlighted VPS alone, and its legend says so.
    await addVpss(server, lab, ['queue-1', 'queue-2', 'queue-3'], 9);
    await page.getByTestId('compare-row-queue-3').waitFor({ timeout: 15_000 });
    await expect
      .poll(() => textNow(page, `${byTestId('compare-steal-full')} figcaption`))
      .toMatch(/\(highlighted VPS\)/);
    for (const width of widths) await check(page, width, 720, 'nine VPSs');

    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 5 });
    await check(page, 390, 844, 'nine VPSs, a phone');
    expect(errors).toEqual([]);
  }, 60_000);
});
