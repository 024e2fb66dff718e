/**
 * The colour legend, when it wraps, wraps evenly: its rows hold as many chips as each other give or
 * take one, so no VPS is left alone on a line of its own (a phone showed five chips, then mail-1).
 */
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTest } from './fixture.js';
import { api } from './harness.js';
import { createLab, waitForState } from './lab.js';

const test = browserTest();

/** How many chips each row of the legend holds, top to bottom. */
async function rows(page: Page): Promise<number[]> {
  const legend = page.getByRole('list', { name: /VPS colours/ });
  const tops = await legend.evaluate((ul) =>
    Array.from(ul.querySelectorAll('button')).map((b) => Math.round(b.getBoundingClientRect().top)),
  );
  const count = new Map<number, number>();
  for (const t of tops) count.set(t, (count.get(t) ?? 0) + 1);
  return [...count.keys()].sort((a, b) => a - b).map((t) => count.get(t)!);
}

const even = (r: number[]): boolean => Math.max(...r) - Math.min(...r) <= 1;

describe('the colour legend', () => {
  test('wraps into even rows on a phone, held upright or turned, for six VPSs and seven', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const { page, errors } = await open(`/?lab=${lab}`, { width: 390, height: 844, touch: true });
    await page.getByTestId('vps-card-mail-1').waitFor({ timeout: 15_000 });
    const legend = page.getByRole('list', { name: /VPS colours/ });
    const sizes = [
      [390, 844],
      [360, 740],
      [844, 390],
    ] as const;
    for (const [w, h] of sizes) {
      await page.setViewportSize({ width: w, height: h });
      await expect.poll(() => legend.getByRole('button').count()).toBe(6);
      await expect
        .poll(() => rows(page), { timeout: 5_000, message: `${w}×${h}, six VPSs: chips a row` })
        .toSatisfy(even);
    }
    const add = await api(server, `/api/labs/${lab}/commands`, {
      body: {
        type: 'addVps',
        vps: { id: 'queue-1', vcpus: 1, ramGiB: 2, diskIops: 1000, netMbps: 500, profile: 'steady' },
      },
    });
    expect(add.status, JSON.stringify(add.body)).toBe(200);
    await waitForState(server, lab, (s) => s.vps.some((v) => v.id === 'queue-1'));
    for (const [w, h] of sizes) {
      await page.setViewportSize({ width: w, height: h });
      await expect.poll(() => legend.getByRole('button').count()).toBe(7);
      await expect
        .poll(() => rows(page), { timeout: 5_000, message: `${w}×${h}, seven VPSs: chips a row` })
        .toSatisfy(even);
    }
    expect(errors).toEqual([]);
  }, 60_000);
});
