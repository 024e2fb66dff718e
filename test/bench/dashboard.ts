/**
 * Drawing bench: the bare chart.js floor (4 charts × 16 series at 10 Hz, 600 and 9 000 points
 * kept) against the full dashboard showing a 16-VPS lab from the real server, in headless
 * Chromium at 1280×720. Prints medians of fps, long tasks, main-thread busy share, time to the
 * first chart paint, and the client's JavaScript gzipped.
 *
 * Knobs (environment): BENCH_SPAN_S (default 10), BENCH_REPS (default 3).
 */
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, ensureClientBuilt } from '../e2e/harness.js';
import { PROBE_SCRIPT, bundleSize, measureSpan, serveFloor, summarize, type SpanFigures } from './drawingMetrics.js';
import { measureDashboard } from './dashboardLab.js';

const SPAN_MS = Number(process.env.BENCH_SPAN_S ?? 10) * 1000;
const REPS = Number(process.env.BENCH_REPS ?? 3);
const VIEWPORT = { width: 1280, height: 720 };

export interface DrawingFigures extends SpanFigures {
  name: string;
  /** Time from navigation start to the first painted chart, ms. */
  firstChartMs: number;
}

export interface DashboardBenchResult {
  floor600: DrawingFigures;
  floor9000: DrawingFigures;
  dashboard: DrawingFigures | { name: string; error: string };
  /** Points the dashboard kept per series while measured (its visible window at 10 Hz). */
  dashboardPoints?: number;
  bundle: { files: number; rawBytes: number; gzBytes: number };
}

async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  await context.addInitScript({ content: PROBE_SCRIPT });
  return context.newPage();
}

/** Measures `reps` spans after a short warm-up; figures are medians over the spans. */
export async function measureReps(page: Page, spanMs = SPAN_MS, reps = REPS): Promise<SpanFigures> {
  await measureSpan(page, Math.min(2000, spanMs)); // warm-up: JIT, first layouts, history bursts
  const spans: SpanFigures[] = [];
  for (let i = 0; i < reps; i++) spans.push(await measureSpan(page, spanMs));
  return summarize(spans);
}

async function measureFloor(browser: Browser, baseUrl: string, points: number): Promise<DrawingFigures> {
  const page = await newPage(browser);
  try {
    await page.goto(`${baseUrl}/floor.html?points=${points}&series=16&charts=4&hz=10`);
    const firstChartMs = (await page
      .waitForFunction(() => (window as unknown as { __bench?: { firstPaintMs: number | null } }).__bench?.firstPaintMs, null, {
        timeout: 30_000,
      })
      .then((h) => h.jsonValue())) as number;
    const figures = await measureReps(page);
    return { name: `floor, chart.js, ${points} points`, firstChartMs, ...figures };
  } finally {
    await page.context().close();
  }
}

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

function printRow(f: DrawingFigures): void {
  console.log(
    `${f.name.padEnd(44)} fps ${f.fps.toFixed(1).padStart(5)}  busy ${pct(f.busy).padStart(7)}  ` +
      `long tasks ${String(f.longTasks).padStart(3)} (max ${f.longestTaskMs.toFixed(0)} ms)  first chart ${f.firstChartMs.toFixed(0)} ms`,
  );
}

/** Runs the drawing bench and prints its figures; returns them for the bench runner. */
export async function run(): Promise<DashboardBenchResult> {
  let bundle = { files: 0, rawBytes: 0, gzBytes: 0 };
  let buildError = '';
  try {
    ensureClientBuilt(true);
    bundle = bundleSize();
  } catch (e) {
    buildError = (e as Error).message;
  }
  const browser = await launchBrowser();
  const floorServer = await serveFloor();
  try {
    console.log(`drawing bench: headless Chromium ${browser.version()}, ${VIEWPORT.width}×${VIEWPORT.height}, ` +
      `${REPS} spans of ${SPAN_MS / 1000} s, medians`);
    const floor600 = await measureFloor(browser, floorServer.url, 600);
    printRow(floor600);
    const floor9000 = await measureFloor(browser, floorServer.url, 9000);
    printRow(floor9000);

    let dashboard: DashboardBenchResult['dashboard'];
    let dashboardPoints: number | undefined;
    try {
      if (buildError) throw new Error(buildError);
      const d = await measureDashboard(browser, newPage, (page) => measureReps(page));
      dashboard = { name: `dashboard, 16 VPSs, ${d.points} points`, firstChartMs: d.firstChartMs, ...d.figures };
      dashboardPoints = d.points;
      printRow(dashboard);
    } catch (e) {
      dashboard = { name: 'dashboard, 16 VPSs', error: (e as Error).message };
      console.log(`dashboard: not measured: ${(e as Error).message}`);
    }

    console.log(`client JavaScript: ${bundle.files} files, ${(bundle.rawBytes / 1024).toFixed(1)} KB, ` +
      `${(bundle.gzBytes / 1024).toFixed(1)} KB gzipped (budget 250 KB)`);
    if ('busy' in dashboard) {
      const floor = (dashboardPoints ?? 9000) <= 600 ? floor600 : floor9000;
      console.log(
        `dashboard busy / floor busy (same window, ${floor.name}): ${(dashboard.busy / floor.busy).toFixed(2)}` +
          `  (vs 600-point floor ${(dashboard.busy / floor600.busy).toFixed(2)}, vs 9 000-point floor ${(dashboard.busy / floor9000.busy).toFixed(2)})`,
      );
      const ok = (b: boolean): string => (b ? 'met' : 'MISSED');
      console.log(
        `budget: 60 fps ${ok(dashboard.fps >= 57)}, no long task > 50 ms ${ok(dashboard.longTasks === 0)}, ` +
          `busy < 35 % ${ok(dashboard.busy < 0.35)}, first chart < 1 s ${ok(dashboard.firstChartMs < 1000)}, ` +
          `JS < 250 KB gz ${ok(bundle.gzBytes < 250 * 1024)}`,
      );
    }
    return { floor600, floor9000, dashboard, dashboardPoints, bundle };
  } finally {
    await floorServer.close();
    await browser.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
