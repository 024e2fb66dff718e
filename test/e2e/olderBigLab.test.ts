/**
 * The server answers at most MAX_SERIES_POINTS series points per history request (409 past that).
 * With MAX_VPS_PER_LAB raised, a lab of 400 VPSs asked for the 15-minute window's older part at the
 * page's usual resolution (over 550 points of every chart metric) was refused, and the page said
 * to reload, which got the same refusal. The page asks for what fits the lab's VPS count (fewer
 * points, the same span) and draws it.
 */
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { maxPoints, MAX_SERIES_POINTS } from '../../shared/historyLimit.js';
import { CHART_METRICS, HOST_CHART_METRICS } from '../../client/src/lib/series.js';
import { bigScenario } from '../integration/bigScenario.js';
import { browserTest } from './fixture.js';
import { createLab, stepTo, waitChartsPast } from './lab.js';
import type { DebugView } from './types.js';

const VPSS = 400;
/** Two labs at most: each lab's history ring gets 64 MB, about 80 s of 400 VPSs (the page's snapshot holds 60). */
const test = browserTest({ env: { MAX_VPS_PER_LAB: String(VPSS), MAX_LABS: '2' } });

/** The buckets of older history the page holds for its first mode. */
const olderBuckets = (page: Page): Promise<number> =>
  page.evaluate(() => (window as unknown as { __contention?: DebugView }).__contention?.olderBuckets(0) ?? 0);

describe('older history of a lab of 400 VPSs', () => {
  test('is asked for within the series-points limit, answered and drawn', async ({ server, open }) => {
    const lab = await createLab(server, { scenario: bigScenario(VPSS, 3) });
    // Two minutes run: the server's ring holds more than the page's snapshot.
    const now = await stepTo(server, lab, 1200);
    const { page, errors } = await open(`/?lab=${lab}`, { width: 1280, height: 720 });
    await waitChartsPast(page, now - 2, undefined, 60_000);
    const statuses: number[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/history?')) statuses.push(r.status());
    });

    const first = page.waitForResponse((r) => r.url().includes('/history?'), { timeout: 30_000 });
    await page.getByRole('button', { name: 'Show the last 15 min', exact: true }).click();
    const answer = await first;
    expect(answer.status(), answer.url()).toBe(200);
    // Most of 900 s missing would be over 550 points; the most that fits 400 VPSs is fewer.
    const points = Number(new URL(answer.url()).searchParams.get('points'));
    const series = VPSS * CHART_METRICS.length + HOST_CHART_METRICS.length;
    expect(points * series).toBeLessThanOrEqual(MAX_SERIES_POINTS);
    expect(points).toBe(maxPoints(VPSS, CHART_METRICS.length, HOST_CHART_METRICS.length));

    await expect.poll(() => olderBuckets(page), { timeout: 60_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.locator('[data-testid="older-note"]').count()).toBe(0);
    expect(statuses).toEqual([200]);
    expect(errors).toEqual([]);
  }, 180_000);
});
