/**
 * The charts in words: each chart (a canvas) carries a summary a screen reader reaches as the
 * chart's description: what it shows and where it stands (the worst VPS and its value, at a stated
 * simulated time) as the chart drew it. It is brought up to date at a calm pace, not every tick.
 */
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTest } from './fixture.js';
import { api } from './harness.js';
import { advanceTo, byTestId, createLab, series, textNow, waitChartsPast } from './lab.js';

const test = browserTest();

const CHARTS = ['chart-p99', 'chart-throughput', 'chart-disk', 'chart-steal', 'chart-health', 'chart-host'];
const IDS = ['web-1', 'db-1', 'cache-1', 'batch-1', 'ci-1', 'mail-1'];
/** The page's pace for these summaries is one update per 5 s at most. */
const EVERY_MS = 5000;

interface AxNode {
  ignored?: boolean;
  role?: { value?: string };
  name?: { value?: string };
  description?: { value?: string };
}

/** Name and description of every image Chromium exposes (the charts' canvases are images). */
async function images(page: Page): Promise<{ name: string; description: string }[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: AxNode[] };
    return nodes
      .filter((n) => !n.ignored && n.role?.value === 'image')
      .map((n) => ({ name: n.name?.value ?? '', description: n.description?.value ?? '' }));
  } finally {
    await cdp.detach();
  }
}

describe('chart summaries', () => {
  test('every chart is described in words a screen reader reaches: the worst VPS and its value, as drawn', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const hog = await api(server, `/api/labs/${lab}/commands`, {
      body: { type: 'startFault', vps: 'batch-1', fault: 'cpu_hog' },
    });
    expect(hog.status).toBe(200);
    await advanceTo(server, lab, 20);
    const { page, errors } = await open(`/?lab=${lab}`);
    await waitChartsPast(page, 20);
    // The summary re-renders each tick: each look reads it now.
    const said = () => textNow(page, byTestId('summary-chart-p99'));
    await expect.poll(said, { timeout: 20_000 }).toMatch(/highest/);

    // Each chart's image is described by its summary (what a screen reader reads with it).
    const charts = (await images(page)).filter((i) => /chart; drag to zoom$/.test(i.name));
    expect(charts.map((c) => c.name)).toHaveLength(CHARTS.length);
    for (const c of charts)
      expect(c.description, c.name).toMatch(/over simulated time, in .+\. At \d+:\d\d: /);

    // The p99 summary names the VPS the chart drew highest at the time it states, with its value.
    const text = (await said())!;
    const m = /At (\d+):(\d\d): highest (\S+), ([\d.]+) ms; lowest (\S+), ([\d.]+) ms/.exec(text);
    expect(m, text).not.toBeNull();
    const [, min, sec, high, highV] = m!;
    const second = Number(min) * 60 + Number(sec);
    const drawn = await Promise.all(IDS.map((id) => series(page, id, 'latencyP99Ms')));
    const decimals = highV.includes('.') ? highV.split('.')[1].length : 0;
    const matches = drawn[0].t.flatMap((t, k) => {
      if (Math.floor(t) !== second) return [];
      const values = drawn.map((s) => s.v[s.t.indexOf(t)]);
      const top = values.indexOf(Math.max(...values));
      const close = Math.abs(values[top] - Number(highV)) <= 0.5 * 10 ** -decimals + 1e-9;
      return IDS[top] === high && close ? [k] : [];
    });
    expect(matches.length, `"${text}" against the drawn series`).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  }, 60_000);

  test('the summaries change at a calm pace while the ticks come ten a second', async ({ server, open }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const { page, errors } = await open(`/?lab=${lab}`);
    await waitChartsPast(page, 5);
    await page.evaluate((ids) => {
      const w = window as unknown as { __changes: number[]; __since: number };
      w.__changes = ids.map(() => 0);
      w.__since = performance.now();
      ids.forEach((id, i) => {
        const el = document.querySelector(`[data-testid="summary-${id}"]`)!;
        new MutationObserver(() => w.__changes[i]++).observe(el, {
          characterData: true,
          childList: true,
          subtree: true,
        });
      });
    }, CHARTS);
    const from = await waitChartsPast(page, 0, ['chart-p99']);
    // Long enough for two updates of the p99 summary (its time moves on at each).
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { __changes: number[] }).__changes[0]), {
        timeout: 30_000,
      })
      .toBeGreaterThanOrEqual(2);
    const { changes, elapsed } = await page.evaluate(() => {
      const w = window as unknown as { __changes: number[]; __since: number };
      return { changes: w.__changes, elapsed: performance.now() - w.__since };
    });
    const to = await waitChartsPast(page, 0, ['chart-p99']);
    expect(to - from, 'ticks kept coming meanwhile').toBeGreaterThan(10);
    const most = Math.floor(elapsed / EVERY_MS) + 1;
    for (const [i, n] of changes.entries())
      expect(n, `${CHARTS[i]}: ${n} changes in ${Math.round(elapsed)} ms`).toBeLessThanOrEqual(most);
    expect(errors).toEqual([]);
  }, 60_000);
});
