/**
 * A session past the week of simulated time a scenario file holds is refused by the export
 * (409 naming `durationS`): its Scenario button says so before the click, disabled and with the
 * reason as its description, on every side of a compare lab and on a phone. Under a week the
 * button stays the link, and its file downloads.
 */
import { describe, expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { MAX_DURATION_S, type Scenario } from '../../shared/commands.js';
import { clippedText } from './clipped.js';
import { browserTest } from './fixture.js';
import type { RunningServer } from './harness.js';
import { createLab, stepTo } from './lab.js';

// Steps of 600 ticks, fast: the command rate is raised so the clock takes them back to back.
const test = browserTest({ env: { COMMAND_RATE: '10000' } });

const REASON = 'Past a week of simulated time: a scenario file holds at most 7 days';
/** Ticks of 10 s (the longest a scenario has): a week is 60 480 of them. */
const WEEK_TICKS = MAX_DURATION_S / 10;
const SHOTS = process.env.SHOT_DIR;

const scenario: Scenario = {
  name: 'a long week',
  tickMs: 10_000,
  mode: 'full',
  vps: [{ id: 'a', vcpus: 1, ramGiB: 1, diskIops: 100, netMbps: 10 }],
} as Scenario;

async function exportStatus(server: RunningServer, lab: string, side?: 1): Promise<number> {
  const r = await fetch(`${server.url}/api/labs/${lab}/scenario?download${side ? '&side=1' : ''}`);
  await r.arrayBuffer();
  return r.status;
}

/** The page's simulated time has reached `tick` (the header's "tick N"). */
async function seenTick(page: Page, tick: number): Promise<void> {
  await page.waitForFunction(
    (t) =>
      Array.from(document.querySelectorAll('.tick')).some(
        (e) => Number(/tick (\d+)/.exec(e.textContent ?? '')?.[1]) >= t,
      ),
    tick,
    { timeout: 15_000 },
  );
}

/** A refused Scenario button: aria-disabled, its reason as tooltip and description, no file. */
async function expectRefused(button: Locator): Promise<void> {
  await button.waitFor({ timeout: 15_000 });
  expect(await button.getAttribute('aria-disabled')).toBe('true');
  expect(await button.getAttribute('href')).toBeNull();
  expect(await button.getAttribute('download')).toBeNull();
  expect(await button.getAttribute('title')).toBe(REASON);
  const described = await button.evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' ')
      .trim(),
  );
  expect(described).toBe(REASON);
  // It keeps the keyboard's focus; a press starts no download.
  await button.focus();
  expect(await button.evaluate((el) => el === document.activeElement)).toBe(true);
}

describe('the Scenario button past a week of simulated time', () => {
  test('a compare lab past a week: both sides disabled with the reason, on a laptop and a phone', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { scenario, compare: ['para', 'full'], id: 'long-week' });
    expect(await stepTo(server, lab, WEEK_TICKS + 1)).toBe(WEEK_TICKS + 1);
    expect(await exportStatus(server, lab)).toBe(409);
    expect(await exportStatus(server, lab, 1)).toBe(409);

    const { page, errors } = await open(`/?lab=${lab}&view=compare`, { width: 1280, height: 720 });
    await seenTick(page, WEEK_TICKS);
    const exports = page.getByRole('group', { name: 'Export' });
    for (const name of ['para', 'full']) {
      await expectRefused(exports.getByRole('button', { name: `Export scenario (${name})`, exact: true }));
      expect(await exports.getByRole('link', { name: `Export scenario (${name})` }).count()).toBe(0);
    }
    let downloads = 0;
    page.on('download', () => downloads++);
    await exports.getByRole('button', { name: 'Export scenario (para)', exact: true }).click({ force: true });
    await page.keyboard.press('Enter');
    // The CSV still downloads.
    expect(await exports.getByRole('link', { name: 'Export metrics of both modes as CSV' }).count()).toBe(1);
    // In the header's row the reason is the tooltip (and the description), no words that would widen it.
    expect((await exports.getByText(REASON, { exact: true }).boundingBox())?.width).toBeLessThanOrEqual(1);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/week-compare-1280x720.png` });
    expect(downloads).toBe(0);
    expect(errors).toEqual([]);

    const phone = await open(`/?lab=${lab}`, { width: 390, height: 844, touch: true });
    await seenTick(phone.page, WEEK_TICKS);
    await phone.page.getByRole('button', { name: 'More controls' }).tap();
    const menu = phone.page.locator('#header-menu');
    await menu.waitFor({ state: 'visible' });
    for (const name of ['para', 'full'])
      await expectRefused(menu.getByRole('button', { name: `Export scenario (${name})`, exact: true }));
    // No pointer shows a tooltip there: the menu says why in words.
    expect((await menu.getByText(REASON, { exact: true }).boundingBox())?.width).toBeGreaterThan(200);
    if (SHOTS) await phone.page.screenshot({ path: `${SHOTS}/week-compare-390x844.png` });
    expect(phone.errors).toEqual([]);
  }, 300_000);

  test('a lab under a week keeps its link, whose file downloads; past a week it is disabled', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { scenario, id: 'short-week' });
    await stepTo(server, lab, WEEK_TICKS);
    const { page, errors } = await open(`/?lab=${lab}`, { width: 1280, height: 720 });
    await seenTick(page, WEEK_TICKS - 1);
    const exports = page.getByRole('group', { name: 'Export' });
    const link = exports.getByRole('link', { name: 'Export scenario', exact: true });
    await link.waitFor({ timeout: 15_000 });
    expect(await link.getAttribute('aria-disabled')).toBeNull();
    const href = await link.getAttribute('href');
    expect(href).toBeTruthy();
    const r = await fetch(new URL(href!, server.url));
    expect(r.status).toBe(200);
    expect(((await r.json()) as { durationS: number }).durationS).toBe(MAX_DURATION_S);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/week-single-under-1280x720.png` });

    // One tick more: the page turns the link into the disabled button as the frame arrives.
    await stepTo(server, lab, WEEK_TICKS + 1);
    await seenTick(page, WEEK_TICKS);
    await expectRefused(exports.getByRole('button', { name: 'Export scenario', exact: true }));
    expect(await exports.getByRole('link', { name: 'Export scenario', exact: true }).count()).toBe(0);
    expect(await exportStatus(server, lab)).toBe(409);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/week-single-past-1280x720.png` });
    // The event log's times (168:00:10) stand whole beside their lines.
    expect(await page.getByTestId('event-log').locator('time').first().textContent()).toMatch(
      /^168:00:\d\d$/,
    );
    expect(await clippedText(page, '[data-testid="event-log"] li')).toEqual([]);
    expect(errors).toEqual([]);
  }, 300_000);
});
