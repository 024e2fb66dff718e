/**
 * The dashboard's chart captions with nine VPSs, where a legend grows ("(highlighted VPS)"), from
 * 1279 to 1920 px: every part of every caption reads whole, and the charts of a row
 * keep their plots level and as tall.
 */
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTest } from './fixture.js';
import { addVpss, byTestId, createLab, textNow } from './lab.js';
import { cutCaptions } from './clipped.js';
import { resize } from './boxes.js';

const test = browserTest();

const ROWS = [
  ['p99', 'throughput', 'disk'],
  ['steal', 'health', 'host'],
];

/** Each row's plots: where they start (viewport px) and how tall they are. */
function plots(page: Page) {
  return page.evaluate(
    (rows) =>
      rows.map((row) =>
        row.map((kind) => {
          const r = document
            .querySelector(`[data-testid="chart-${kind}"] [role="img"]`)!
            .getBoundingClientRect();
          return { kind, top: r.top, height: r.height };
        }),
      ),
    ROWS,
  );
}

describe("the dashboard's chart captions with nine VPSs", () => {
  test('read whole from 1279 to 1920 px; a row keeps its plots level', async ({ server, open }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const { page, errors } = await open(`/?lab=${lab}`, { width: 1279, height: 720 });
    await page.getByTestId('vps-card-mail-1').waitFor({ timeout: 15_000 });
    await addVpss(server, lab, ['queue-1', 'queue-2', 'queue-3'], 9);
    await expect
      .poll(() => textNow(page, `${byTestId('chart-steal')} figcaption`))
      .toMatch(/\(highlighted VPS\)/);
    const sizes = [
      [1279, 720],
      [1280, 720],
      [1366, 720],
      [1440, 720],
      [1536, 864],
      [1680, 1050],
      [1920, 1080],
    ] as const;
    for (const [width, height] of sizes) {
      await resize(page, width, height);
      expect.soft(await cutCaptions(page), `${width}×${height}: cut`).toEqual([]);
      for (const row of await plots(page)) {
        for (const p of row.slice(1)) {
          expect
            .soft(Math.abs(p.top - row[0]!.top), `${width}: ${p.kind} level with ${row[0]!.kind}`)
            .toBeLessThan(1);
          expect
            .soft(Math.abs(p.height - row[0]!.height), `${width}: ${p.kind} as tall as ${row[0]!.kind}`)
            .toBeLessThan(1);
        }
      }
    }
    expect(errors).toEqual([]);
  }, 60_000);
});
