/**
 * A scheduled event past the window's end is named at its right edge with the time left ("▸ stop
 * io_storm on batch-1 in 0:55"). Every chart names it: each one redrawing on its own schedule and
 * telling the time left from its own newest data, two charts said "in 0:55" and "in 0:54" at the
 * same moment. Read from what the charts drew (`data-markers`), every time any of them redraws.
 */
import { describe, expect } from 'vitest';
import { browserTest } from './fixture.js';
import { chartTick, createLab, presetScenario, waitChartsPast } from './lab.js';

const test = browserTest();
const ALL_CHARTS = [
  'chart-p99',
  'chart-throughput',
  'chart-disk',
  'chart-steal',
  'chart-health',
  'chart-host',
];

describe('countdowns to events ahead', () => {
  test('every chart gives the same time left, at every redraw of any of them', async ({ server, open }) => {
    // sre-incident stops its io_storm at 1:15, past the first minute's window.
    const lab = await createLab(server, { scenario: presetScenario('sre-incident', {}, true) });
    const { page, errors } = await open(`/?lab=${lab}`);
    await waitChartsPast(page, 0, ALL_CHARTS);
    // Each time a chart lays out its labels, what every chart's countdown says then.
    await page.evaluate(() => {
      const w = window as unknown as { countdowns: string[][] };
      w.countdowns = [];
      const read = (): string[] =>
        Array.from(document.querySelectorAll('figure[data-markers]'), (f) => {
          const d = JSON.parse(f.getAttribute('data-markers') ?? '{}') as { labels?: { text: string }[] };
          const left = (d.labels ?? []).map((l) => / in \d+:\d\d/.exec(l.text)?.[0]).find(Boolean);
          return left ?? '';
        });
      new MutationObserver(() => w.countdowns.push(read())).observe(document.body, {
        subtree: true,
        attributes: true,
        attributeFilter: ['data-markers'],
      });
    });
    // Ten seconds of the lab.
    const from = await chartTick(page, 'chart-p99');
    await waitChartsPast(page, from + 100, ALL_CHARTS, 30_000);
    const seen = await page.evaluate(() => (window as unknown as { countdowns: string[][] }).countdowns);
    const shown = seen.map((s) => s.filter(Boolean)).filter((s) => s.length > 1);
    expect(shown.length, 'the countdowns moved while watched').toBeGreaterThan(5);
    expect(new Set(shown.map((s) => s[0])).size, 'seconds counted down').toBeGreaterThan(5);
    expect(shown.filter((s) => new Set(s).size > 1)).toEqual([]);
    expect(errors).toEqual([]);
  }, 60_000);
});
