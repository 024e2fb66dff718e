/**
 * A crowded host (sixteen tenants on four cores, each far past its share) read on its VPS cards:
 * a three-digit p99 ratio ("×103 vs alone") shows whole on a phone, and a ten-character name beside
 * its role shows whole at 1280 px, the role giving way first.
 */
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import type { Scenario } from '../../shared/commands.js';
import { browserTest } from './fixture.js';
import { createLab, stepTo } from './lab.js';
import { clippedText } from './clipped.js';

const test = browserTest();

const IDS = Array.from({ length: 16 }, (_, i) => `tenant-${String(i + 1).padStart(3, '0')}`);

/** Sixteen 1-vCPU tenants at 30 % on four cores: 4.8 cores asked of 4, every p99 climbs past ×100. */
const crowded = (name: string): Scenario => ({
  name,
  seed: 1,
  tickMs: 100,
  mode: 'para',
  host: { cores: 4, ramGiB: 64, diskIops: 100_000, netMbps: 10_000, memBwGBs: 100 },
  vps: IDS.map((id, i) => ({
    id,
    role: i % 2 ? 'web' : 'database',
    vcpus: 1,
    ramGiB: 1,
    diskIops: 500,
    netMbps: 100,
    profile: 'steady',
    load: { cpu: 0.3 },
  })),
});

/** What a card shows of its name, its role and its p99 note, each with the room it has (px). */
function cardText(page: Page, id: string) {
  return page.getByTestId(`vps-card-${id}`).evaluate((card) => {
    const fit = (el: Element | null) => {
      if (!el) return null;
      const r = document.createRange();
      r.selectNodeContents(el);
      return {
        text: el.textContent!.trim(),
        needs: r.getBoundingClientRect().width,
        has: el.getBoundingClientRect().width,
      };
    };
    return {
      name: fit(card.querySelector('header h3')),
      role: fit(card.querySelector('header .role')),
      p99: fit(card.querySelector('[data-testid^="p99-"] + dd')),
    };
  });
}

describe('the cards of a crowded host', () => {
  for (const [w, h] of [
    [390, 844],
    [360, 740],
  ] as const)
    test(`at ${w}×${h} a three-digit p99 ratio shows whole`, async ({ server, open }) => {
      const lab = await createLab(server, { scenario: crowded(`crowded-${w}`) });
      await stepTo(server, lab, 200);
      const { page, errors } = await open(`/?lab=${lab}`, { width: w, height: h, touch: true });
      for (const id of IDS.slice(0, 2)) {
        const card = page.getByTestId(`vps-card-${id}`);
        await card.waitFor({ timeout: 15_000 });
        await card.scrollIntoViewIfNeeded();
        await expect
          .poll(async () => (await cardText(page, id)).p99?.text, { timeout: 10_000 })
          .toMatch(/^×1\d\d vs alone$/);
        expect(await clippedText(page, `[data-testid="vps-card-${id}"] dl`)).toEqual([]);
      }
      expect(errors).toEqual([]);
    }, 60_000);

  test('at 1280×720 a ten-character name beside its role shows whole', async ({ server, open }) => {
    const lab = await createLab(server, { scenario: crowded('crowded-desk') });
    await stepTo(server, lab, 200);
    const { page, errors } = await open(`/?lab=${lab}`, { width: 1280, height: 720 });
    for (const id of IDS.slice(0, 2)) {
      const card = page.getByTestId(`vps-card-${id}`);
      await card.waitFor({ timeout: 15_000 });
      await card.scrollIntoViewIfNeeded();
      await expect
        .poll(async () => (await cardText(page, id)).p99?.text, { timeout: 10_000 })
        .toMatch(/vs alone$/);
      const { name, role } = await cardText(page, id);
      expect(name!.text).toBe(id);
      // An ellipsis shows as soon as the text is wider than its box, by any fraction of a pixel.
      expect(name!.needs, `${id}'s name (${name!.has} px for ${name!.needs})`).toBeLessThanOrEqual(name!.has);
      expect(role!.has, `${id}'s role beside it`).toBeGreaterThan(0);
    }
    expect(errors).toEqual([]);
  }, 60_000);
});
