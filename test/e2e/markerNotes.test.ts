/**
 * Event labels on a chart cut short or standing for several markers ("web-1 rebooted after i… +4"):
 * their full text is reachable by hover and keyboard at 1280×720 and by tap on a phone, one marker
 * a line, whole on screen; leaving, Escape or a tap elsewhere closes it.
 */
import { describe, expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { browserTest } from './fixture.js';
import { api, type RunningServer } from './harness.js';
import { advanceTo, createLab, presetScenario } from './lab.js';

const test = browserTest();
const CHART = 'compare-p99-container';

interface Drawn {
  text: string;
  full: string[];
}

/** The labels the chart drew (its data-markers), once it has drawn some. */
async function drawnLabels(page: Page): Promise<Drawn[]> {
  const h = await page.waitForFunction(
    (id) => {
      const raw = document.querySelector(`[data-testid="${id}"]`)?.getAttribute('data-markers');
      const labels = raw ? (JSON.parse(raw) as { labels: Drawn[] }).labels : [];
      return labels.length ? labels : null;
    },
    CHART,
    { timeout: 20_000, polling: 100 },
  );
  return (await h.jsonValue()) as Drawn[];
}

/** The open note's lines, each checked whole (not cut) and on screen. */
async function noteLines(page: Page): Promise<string[]> {
  const note = page.locator(`[data-testid="${CHART}"] [data-testid="marker-note"]`);
  await note.waitFor({ timeout: 5_000 });
  return note.evaluate((n) => {
    const r = n.getBoundingClientRect();
    if (r.left < 0 || r.right > innerWidth || r.top < 0 || r.bottom > innerHeight)
      throw new Error(`note off screen: ${JSON.stringify(r)} in ${innerWidth}×${innerHeight}`);
    return Array.from(n.children).map((line) => {
      const el = line as HTMLElement;
      if (el.scrollWidth > el.clientWidth + 1) throw new Error(`line cut: ${el.textContent}`);
      return el.textContent!.trim();
    });
  });
}

function noteCount(page: Page): Promise<number> {
  return page.locator(`[data-testid="${CHART}"] [data-testid="marker-note"]`).count();
}

async function openLab(server: RunningServer): Promise<string> {
  const lab = await createLab(server, {
    scenario: presetScenario('kernel-panic', {}, true),
    compare: ['container', 'full'],
  });
  // The panic at 20 s and the reboot at 50 s, both in the one-minute window, the clock held.
  await advanceTo(server, lab, 560);
  await api(server, `/api/labs/${lab}/clock`, { body: { action: 'pause' } });
  return lab;
}

/** The button over the first label that does not say all, and what it stands for. */
async function cutLabel(page: Page): Promise<{ tip: Locator; label: Drawn }> {
  const labels = await drawnLabels(page);
  const label = labels.find((l) => l.full.length > 1 || l.full[0] !== l.text);
  expect(label, `a label cut short or standing for several (${JSON.stringify(labels)})`).toBeTruthy();
  const tip = page
    .locator(`[data-testid="${CHART}"] [data-testid="marker-tip"]`)
    .and(page.getByRole('button', { name: label!.full.join('; '), exact: true }))
    .first();
  return { tip, label: label! };
}

describe('event labels on a chart, whole', () => {
  test('1280×720: hover and keyboard read a cut label’s markers whole', async ({ server, open }) => {
    const lab = await openLab(server);
    const { page, errors } = await open(`/?lab=${lab}&view=compare`, { width: 1280, height: 720 });
    const { tip, label } = await cutLabel(page);
    expect(label.full.length, 'the cluster holds the panic and every container going down').toBeGreaterThan(
      1,
    );
    await tip.hover();
    expect(await noteLines(page)).toEqual(label.full);
    await page.mouse.move(2, 2);
    await expect.poll(() => noteCount(page), { message: 'leaving closes it' }).toBe(0);
    await tip.focus();
    expect(await noteLines(page), 'focus opens it').toEqual(label.full);
    await page.keyboard.press('Escape');
    await expect.poll(() => noteCount(page), { message: 'Escape closes it' }).toBe(0);
    expect(errors).toEqual([]);
  }, 60_000);

  // A wide screen has the room: a label as wide as a third of its plot is not cut at 140 px.
  test('1920×1080: a label with room beside its line reads whole on the chart itself', async ({
    server,
    open,
  }) => {
    const lab = await openLab(server);
    const { page, errors } = await open(`/?lab=${lab}&view=compare`, { width: 1920, height: 1080 });
    const labels = await drawnLabels(page);
    const reboot = labels.find((l) => l.full[0]?.startsWith('web-1 rebooted'));
    expect(reboot, JSON.stringify(labels)).toBeTruthy();
    expect(reboot!.text, 'the reboot label, whole').toMatch(
      /^web-1 rebooted after its kernel panic( \+\d+)?$/,
    );
    for (const l of labels) expect(l.text, 'no label cut').not.toContain('…');
    expect(errors).toEqual([]);
  }, 60_000);

  test('390×844 (touch): a tap reads a cut label’s markers whole, a tap elsewhere closes it', async ({
    server,
    open,
  }) => {
    const lab = await openLab(server);
    const { page, errors } = await open(`/?lab=${lab}&view=compare`, {
      width: 390,
      height: 844,
      touch: true,
    });
    const { tip, label } = await cutLabel(page);
    await tip.scrollIntoViewIfNeeded();
    await tip.tap();
    expect(await noteLines(page)).toEqual(label.full);
    await page.getByTestId('compare-mode-0').tap();
    await expect.poll(() => noteCount(page), { message: 'a tap elsewhere closes it' }).toBe(0);
    expect(errors).toEqual([]);
  }, 60_000);
});
