/**
 * Drawing check of a running lab in headless Chromium (1920×1080 unless SIZE says): time to the first painted
 * chart, then, with the chosen window, medians over several spans of fps, main-thread busy share
 * and long tasks, beside the bare chart.js floor (4 charts × 16 series) for the same window
 * measured in the same run.
 *
 *   npx tsx client/scripts/perfLab.ts http://127.0.0.1:3218          # makes the 16-VPS lab, prints its id
 *   npx tsx client/scripts/perf.ts ['1 min'|'5 min'|'15 min'] [lab] [base URL]
 *
 * Environment: SPAN_S (default 10), REPS (default 3), FLOOR=0 to skip the floor, SIZE=1280x720
 * for another window size.
 */
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../../test/e2e/chromium.js';
import {
  PROBE_SCRIPT,
  measureSpan,
  serveFloor,
  summarize,
  type SpanFigures,
} from '../../test/bench/drawingMetrics.js';

const win = process.argv[2] ?? '15 min';
const lab = process.argv[3] ?? 'demo';
const base = process.argv[4] ?? 'http://127.0.0.1:3000';
const SPAN_MS = Number(process.env.SPAN_S ?? 10) * 1000;
const REPS = Number(process.env.REPS ?? 3);
const POINTS: Record<string, number> = { '1 min': 600, '5 min': 3000, '15 min': 9000 };
const [width, height] = (process.env.SIZE ?? '1920x1080').split('x').map(Number);
if (!(width > 0 && height > 0))
  throw new Error(`SIZE: "${process.env.SIZE}" is not WIDTHxHEIGHT (e.g. 1280x720)`);

const browser: Browser = await launchBrowser();

async function page(): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width, height } });
  await ctx.addInitScript({ content: PROBE_SCRIPT });
  return ctx.newPage();
}

async function spans(p: Page): Promise<SpanFigures> {
  await measureSpan(p, 2000); // warm-up
  const all: SpanFigures[] = [];
  for (let i = 0; i < REPS; i++) all.push(await measureSpan(p, SPAN_MS));
  return summarize(all);
}

const line = (name: string, f: SpanFigures): string =>
  `${name.padEnd(34)} fps ${f.fps.toFixed(1).padStart(5)}  busy ${(100 * f.busy).toFixed(1).padStart(5)} %  long tasks ${f.longTasks} (max ${f.longestTaskMs.toFixed(0)} ms)`;

try {
  const p = await page();
  await p.goto(`${base}/?lab=${encodeURIComponent(lab)}`);
  const firstMs = (await p
    .waitForFunction(
      () => {
        const fig = document.querySelector('[data-testid="chart-p99"]');
        return fig && Number(fig.getAttribute('data-last-tick') ?? -1) >= 0 ? performance.now() : null;
      },
      null,
      { polling: 'raf', timeout: 30_000 },
    )
    .then((h) => h.jsonValue())) as number;
  console.log(`first chart painted ${firstMs.toFixed(0)} ms after navigation start`);
  await p.getByRole('button', { name: `Show the last ${win}` }).click();
  await p.mouse.move(0, 0); // hovering a chart freezes it
  const dash = await spans(p);
  console.log(line(`dashboard, ${win} window`, dash));
  await p.context().close();

  if (process.env.FLOOR !== '0') {
    const floor = await serveFloor();
    try {
      const f = await page();
      const points = POINTS[win] ?? 600;
      await f.goto(`${floor.url}/floor.html?points=${points}&series=16&charts=4&hz=10`);
      const fig = await spans(f);
      console.log(line(`floor, chart.js, ${points} points`, fig));
      console.log(`dashboard busy / floor busy: ${(dash.busy / fig.busy).toFixed(2)}`);
      await f.context().close();
    } finally {
      await floor.close();
    }
  }
} finally {
  await browser.close();
}
