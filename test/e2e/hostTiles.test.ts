/**
 * Each of the host panel's tiles holds its label and its figure, in every mode and at every size:
 * under hosted virtualization, where the host panel heads the VPS column (961–1279 px, and
 * 1280×720 or 1366×768), "Host OS CPU" and its figure were 8 px wider than their tile, the figure
 * running into the next tile's "Fairness" ("Host OS CPU 1 %Fairness —").
 */
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTest } from './fixture.js';
import { api } from './harness.js';
import { resize } from './boxes.js';
import { createLab, presetScenario } from './lab.js';

const test = browserTest();

const SIZES: [number, number][] = [
  [390, 844],
  [844, 390],
  [900, 768],
  [961, 768],
  [1024, 768],
  [1180, 800],
  [1279, 800],
  [1280, 720],
  [1366, 768],
  [1440, 900],
  [1920, 1080],
];

/** Labels and figures reaching past their tile, by how many pixels. */
function outOfTiles(page: Page): Promise<string[]> {
  return page.getByTestId('host-panel').evaluate((panel) =>
    Array.from(panel.querySelectorAll<HTMLElement>('[data-testid^="host-"]')).flatMap((tile) => {
      const box = tile.getBoundingClientRect();
      return Array.from(tile.querySelectorAll<HTMLElement>('.kv > *')).flatMap((e) => {
        const r = e.getBoundingClientRect();
        const past = Math.max(r.right - box.right, box.left - r.left);
        return past > 0.5 ? [`${tile.dataset.testid} "${e.textContent!.trim()}" ${past.toFixed(1)} px`] : [];
      });
    }),
  );
}

describe('the host panel’s tiles', () => {
  test('each holds its label and figure, in every mode, from a phone to a wide screen', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { scenario: presetScenario('host-os-crash-hosted') });
    const { page, errors } = await open(`/?lab=${lab}`, { width: 1280, height: 720 });
    const tiles: [string, string][] = [
      ['hosted', 'host-hostos'],
      ['para', 'host-dom0'],
      ['full', 'host-idle'],
      ['container', 'host-fairness'],
    ];
    for (const [mode, tile] of tiles) {
      const r = await api(server, `/api/labs/${lab}/commands`, { body: { type: 'setMode', mode } });
      expect(r.status).toBe(200);
      await page.getByTestId(tile).waitFor({ timeout: 15_000 });
      for (const [width, height] of SIZES) {
        await resize(page, width, height);
        expect(await outOfTiles(page), `${mode} at ${width}×${height}`).toEqual([]);
      }
      await resize(page, 1280, 720);
    }
    expect(errors).toEqual([]);
  }, 90_000);
});
