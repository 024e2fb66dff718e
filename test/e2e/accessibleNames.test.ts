/**
 * What a screen reader hears: every control on the page (buttons, sliders, links, menus, fields)
 * has a name of its own, so one that acts on a VPS says which VPS. Read from Chromium's own
 * accessibility tree, with every card's "Resize or remove" open and a removal being confirmed,
 * on a desktop and on a phone with its header menu open.
 */
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTest } from './fixture.js';
import { createLab, waitChartsPast } from './lab.js';

const test = browserTest();

/** Roles a user operates: each must have a name, and no two the same. */
const CONTROLS = new Set([
  'button',
  'slider',
  'link',
  'combobox',
  'ListBox',
  'spinbutton',
  'checkbox',
  'radio',
  'switch',
  'textbox',
  'tab',
  'menuitem',
  'DisclosureTriangle',
]);

interface AxNode {
  ignored?: boolean;
  backendDOMNodeId?: number;
  role?: { value?: string };
  name?: { value?: string };
}

/**
 * Role and accessible name of every control Chromium exposes (hidden ones are not). Cards off screen
 * are not laid out (content-visibility), so the tree is read with each card in view in turn.
 */
async function controlNames(page: Page, ids: readonly string[]): Promise<{ role: string; name: string }[]> {
  const cdp = await page.context().newCDPSession(page);
  const seen = new Map<number, { role: string; name: string }>();
  try {
    for (const id of ['', ...ids]) {
      if (id) await page.getByTestId(`vps-card-${id}`).scrollIntoViewIfNeeded();
      const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: AxNode[] };
      for (const n of nodes)
        if (!n.ignored && n.backendDOMNodeId !== undefined && CONTROLS.has(n.role?.value ?? ''))
          seen.set(n.backendDOMNodeId, { role: n.role!.value!, name: (n.name?.value ?? '').trim() });
    }
    return [...seen.values()];
  } finally {
    await cdp.detach();
  }
}

/** Names given to more than one control, and controls with no name. */
function repeated(controls: { role: string; name: string }[]): string[] {
  const count = new Map<string, number>();
  for (const c of controls) count.set(c.name, (count.get(c.name) ?? 0) + 1);
  return [
    ...controls.filter((c) => c.name === '').map((c) => `a ${c.role} with no name`),
    ...[...count].filter(([name, n]) => name !== '' && n > 1).map(([name, n]) => `"${name}" × ${n}`),
  ];
}

/** Opens every card's "Resize or remove", and asks to remove two VPSs (their confirm buttons showing). */
async function openEveryCard(page: Page, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    const card = page.getByTestId(`vps-card-${id}`);
    await card.scrollIntoViewIfNeeded();
    await card.locator('summary').click();
    await card.getByRole('button', { name: `Remove ${id}` }).waitFor();
  }
  for (const id of ids.slice(0, 2))
    await page
      .getByTestId(`vps-card-${id}`)
      .getByRole('button', { name: `Remove ${id}` })
      .click();
}

const IDS = ['web-1', 'db-1', 'cache-1', 'batch-1', 'ci-1', 'mail-1'];

describe('accessible names', () => {
  test('on a desktop every control has a name no other control has', async ({ server, open }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const { page, errors } = await open(`/?lab=${lab}`, { width: 1280, height: 720 });
    await waitChartsPast(page, 2);
    await page.getByTestId('vps-card-mail-1').waitFor();
    await openEveryCard(page, IDS);
    const controls = await controlNames(page, IDS);
    // The per-VPS controls are there to be checked: sliders, faults, resize fields, confirmations.
    expect(controls.filter((c) => c.role === 'slider').length).toBeGreaterThanOrEqual(IDS.length * 4);
    expect(controls.some((c) => /Resize or remove mail-1/.test(c.name))).toBe(true);
    expect(repeated(controls)).toEqual([]);
    expect(errors).toEqual([]);
  }, 90_000);

  test('on a phone, with its header menu open, every control has a name no other control has', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const { page, errors } = await open(`/?lab=${lab}`, { width: 390, height: 844, touch: true });
    await waitChartsPast(page, 2);
    await page.getByTestId('vps-card-mail-1').waitFor();
    await openEveryCard(page, IDS);
    await page.evaluate(() => scrollTo(0, 0));
    await page.getByRole('button', { name: 'More controls' }).click();
    await page.getByRole('button', { name: 'Export charts as PNG' }).waitFor();
    const controls = await controlNames(page, IDS);
    expect(controls.some((c) => c.name === 'Export charts as PNG')).toBe(true);
    expect(controls.filter((c) => c.role === 'slider').length).toBeGreaterThanOrEqual(IDS.length * 4);
    expect(repeated(controls)).toEqual([]);
    expect(errors).toEqual([]);
  }, 90_000);
});
