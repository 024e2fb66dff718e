/**
 * A long window's older part comes from the server's history, which an address may take only so
 * much of a second (EXPORT_RATE): a class behind one NAT address opening the page at once used it
 * up, and a page whose history fetch was refused never asked again, its 5- and 15-minute charts
 * left with their live minute only. Refused (429, Retry-After), the page says over each chart's gap
 * that its earlier data is on its way, asks again once the server's wait is over, and draws it.
 * The notes are drawn in the charts' images: the lab's one live region says it once for them all.
 */
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { HOST_METRICS, VPS_METRICS } from '../../shared/model.js';
import { browserTest, type Open } from './fixture.js';
import { api, type RunningServer } from './harness.js';
import { CHARTS, createLab, presetScenario, stepTo, waitChartsPast } from './lab.js';
import type { DebugView } from './types.js';

/** 10 000 values a second, bursts of 300 000: the page's 5-minute ask waits some seconds once it is used up. */
const test = browserTest({ env: { EXPORT_RATE: '10000' } });

/** The buckets of older history the page holds for its first mode. */
const olderBuckets = (page: Page): Promise<number> =>
  page.evaluate(() => (window as unknown as { __contention?: DebugView }).__contention?.olderBuckets(0) ?? 0);

/**
 * Records every change of what the page's live regions about the older data say (on
 * `window.__olderSaid`); there must be exactly one such region.
 */
const recordOlderNews = (page: Page): Promise<number> =>
  page.evaluate(() => {
    const regions = document.querySelectorAll('[data-testid="older-announcer"][role="status"]');
    const said: string[] = [];
    (window as unknown as { __olderSaid: string[] }).__olderSaid = said;
    for (const r of Array.from(regions))
      new MutationObserver(() => {
        const text = r.textContent?.trim() ?? '';
        if (text !== said.at(-1)) said.push(text);
      }).observe(r, { childList: true, characterData: true, subtree: true });
    return regions.length;
  });
const olderSaid = (page: Page): Promise<string[]> =>
  page.evaluate(() => (window as unknown as { __olderSaid: string[] }).__olderSaid);

/** What the charts' notes over their gaps say right now, one entry a note. */
const notes = (page: Page): Promise<string[]> =>
  page.evaluate(() =>
    Array.from(document.querySelectorAll('[data-testid="older-note"]'), (n) => n.textContent?.trim() ?? ''),
  );

/**
 * The demo lab four minutes in (the page's snapshot holds the last one), open at 1280×720 with its
 * charts drawn, and the export budget of its address spent by another page's largest history
 * request (the test runs at the page's address). `statuses`: every history answer the page gets.
 */
async function pageWithBudgetSpent(server: RunningServer, open: Open) {
  const lab = await createLab(server, { scenario: presetScenario('demo') });
  const now = await stepTo(server, lab, 2400);
  const opened = await open(`/?lab=${lab}`, { width: 1280, height: 720 });
  await waitChartsPast(opened.page, now - 2);
  const statuses: number[] = [];
  opened.page.on('response', (r) => {
    if (r.url().includes('/history?')) statuses.push(r.status());
  });
  const every = [...VPS_METRICS, ...HOST_METRICS].join(',');
  const largest = `/api/labs/${lab}/history?points=2000&windowS=900&metrics=${every}`;
  let drained = 200;
  for (let i = 0; i < 5 && drained !== 429; i++) drained = (await api(server, largest)).status;
  expect(drained, 'the budget is used up').toBe(429);
  return { ...opened, statuses };
}

describe('older history refused for the export budget', () => {
  test('is asked for again after Retry-After: meanwhile a note says it is on its way, then it is drawn', async ({
    server,
    open,
  }) => {
    const { page, errors, statuses } = await pageWithBudgetSpent(server, open);

    expect(await recordOlderNews(page), 'one live region for the lab').toBe(1);
    await page.getByRole('button', { name: 'Show the last 5 min', exact: true }).click();
    // Refused: every chart says over its gap that the earlier data is on its way.
    const charts = await page.locator('figure[data-kind]').count();
    expect(charts).toBeGreaterThanOrEqual(CHARTS.length);
    await expect.poll(() => notes(page)).toHaveLength(charts);
    expect(new Set(await notes(page))).toEqual(new Set(['Earlier data is on its way (the server is busy).']));
    expect(statuses).toEqual([429]);
    expect(await olderBuckets(page)).toBe(0);
    const waiting = 'Earlier chart data is on its way (the server is busy).';
    expect(await olderSaid(page), 'said once for all the charts').toEqual([waiting]);

    // Once the server's wait is over the page asks again, draws what came, and the notes go.
    await expect.poll(() => olderBuckets(page), { timeout: 30_000 }).toBeGreaterThan(0);
    await expect.poll(() => notes(page)).toEqual([]);
    expect(statuses.at(-1)).toBe(200);
    // Told it was on its way, the listener hears once that it came.
    await expect.poll(() => olderSaid(page)).toEqual([waiting, 'Earlier chart data has loaded.']);
    expect(statuses.length, 'a bounded number of tries').toBeLessThanOrEqual(6);
    expect(errors.filter((e) => !e.includes('429'))).toEqual([]);
  }, 90_000);

  test('stops waiting when the page is hidden, and asks again when it is shown from the back/forward cache', async ({
    server,
    open,
  }) => {
    const { page, statuses } = await pageWithBudgetSpent(server, open);

    await page.getByRole('button', { name: 'Show the last 5 min', exact: true }).click();
    await expect.poll(() => notes(page)).not.toEqual([]);
    expect(statuses).toEqual([429]);

    // Hidden (as on its way into the back/forward cache): the wait is cancelled, its notes gone.
    await page.evaluate(() => dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true })));
    await expect.poll(() => notes(page)).toEqual([]);
    expect(statuses).toEqual([429]);

    // Shown again from the cache: asked again at once, and drawn once the server answers.
    const asked = page.waitForResponse((r) => r.url().includes('/history?'), { timeout: 10_000 });
    await page.evaluate(() => dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true })));
    await asked;
    expect(statuses).toHaveLength(2);
    await expect.poll(() => olderBuckets(page), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(statuses.at(-1)).toBe(200);
  }, 90_000);
});
