/**
 * A card's explanation line is coloured by how bad things are for its VPS: on the healthy demo lab
 * its cards' lines ("p99 ×1.1: its neighbours' combined load …") are no alarm, while the card of
 * a VPS a kernel panic takes down says why in the alarm colour.
 */
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTest } from './fixture.js';
import { api } from './harness.js';
import { createLab } from './lab.js';

const test = browserTest();

/** Each card's state, explanation line and its colour, with the page's alarm colour. */
async function lines(page: Page) {
  return page.evaluate(() => {
    const probe = document.createElement('span');
    probe.style.color = 'var(--fault)';
    document.body.append(probe);
    const fault = getComputedStyle(probe).color;
    probe.remove();
    const cards = Array.from(document.querySelectorAll<HTMLElement>('[data-testid^="vps-card-"]'));
    return {
      fault,
      cards: cards.map((c) => {
        const p = c.querySelector<HTMLElement>('[data-testid^="explain-"]')!;
        return {
          id: c.dataset.testid!.slice('vps-card-'.length),
          state: c.dataset.state!,
          text: p.textContent!.trim(),
          color: getComputedStyle(p).color,
        };
      }),
    };
  });
}

describe("a card's explanation line", () => {
  test('is not red on a healthy lab, and red on a VPS that is down', async ({ server, open }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const { page, errors } = await open(`/?lab=${lab}`, { width: 1280, height: 720 });
    await page.getByTestId('vps-card-web-1').waitFor({ timeout: 15_000 });
    // The demo's cards name their raised p99 after a few seconds of the lab.
    await expect
      .poll(async () => (await lines(page)).cards.filter((c) => /^\S+ p99 ×/.test(c.text)).length, {
        timeout: 20_000,
      })
      .toBeGreaterThan(0);
    const healthy = await lines(page);
    for (const c of healthy.cards.filter((c) => c.state === 'running'))
      expect(c.color, `${c.id}: "${c.text}"`).not.toBe(healthy.fault);

    const r = await api(server, `/api/labs/${lab}/commands`, {
      body: { type: 'startFault', vps: 'web-1', fault: 'kernel_panic', durationS: 60 },
    });
    expect(r.status).toBe(200);
    await expect
      .poll(async () => (await lines(page)).cards.find((c) => c.id === 'web-1')?.state, { timeout: 15_000 })
      .not.toBe('running');
    const down = (await lines(page)).cards.find((c) => c.id === 'web-1')!;
    expect(down.text).toMatch(/^web-1 (is down|is rebooting|does not respond)/);
    expect(down.color).toBe(healthy.fault);
    expect(errors).toEqual([]);
  }, 60_000);
});
