/**
 * Drawing bench: the bare chart.js floor (4 charts × 16 series at 10 Hz, 600 and 9 000 points
 * kept) against the full dashboard showing a 16-VPS lab from the real server (15 minutes of history
 * held, 10 Hz live), in headless Chromium at 1280×720. Each round measures every page once, one
 * after the other, so a noisy neighbour on the machine hits them alike; figures are medians over
 * rounds. Prints fps, long tasks, main-thread busy share, time to the first chart paint, the
 * client's JavaScript gzipped, and dashboard busy ÷ floor busy for the same visible window.
 *
 * Knobs (environment): BENCH_SPAN_S (default 10), BENCH_REPS (rounds, default 3).
 */
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, ensureClientBuilt } from '../e2e/harness.js';
import {
  PROBE_SCRIPT,
  bundleSize,
  measureSpan,
  median,
  serveFloor,
  summarize,
  type SpanFigures,
} from './drawingMetrics.js';
import { openDashboard, startDashboardLab, type DashboardLab } from './dashboardLab.js';

const SPAN_MS = Number(process.env.BENCH_SPAN_S ?? 10) * 1000;
const REPS = Number(process.env.BENCH_REPS ?? 3);
const WARMUP_MS = 2000;
const VIEWPORT = { width: 1280, height: 720 };

export interface DrawingFigures extends SpanFigures {
  name: string;
  /** Points per series in the visible window. */
  points: number;
  /** Time from navigation start to the first painted chart, ms (median). */
  firstChartMs: number;
}

interface Target {
  name: string;
  points: number;
  /** Loads the page; resolves with the first chart paint time. */
  open(page: Page): Promise<number>;
}

export interface DashboardBenchResult {
  rows: DrawingFigures[];
  /** Dashboard busy ÷ floor busy, same visible window: 1 min (600 points) and 15 min (9 000). */
  ratios: { window: string; ratio: number }[];
  bundle: { files: number; rawBytes: number; gzBytes: number };
  dashboardError?: string;
}

async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  await context.addInitScript({ content: PROBE_SCRIPT });
  return context.newPage();
}

function floorTarget(baseUrl: string, points: number): Target {
  return {
    name: `floor: bare chart.js, ${points} points`,
    points,
    async open(page) {
      await page.goto(`${baseUrl}/floor.html?points=${points}&series=16&charts=4&hz=10`);
      const h = await page.waitForFunction(
        () => (window as unknown as { __bench?: { firstPaintMs: number | null } }).__bench?.firstPaintMs,
        null,
        { timeout: 30_000 },
      );
      return (await h.jsonValue()) as number;
    },
  };
}

function dashboardTarget(d: DashboardLab, longWindow: boolean): Target {
  return {
    name: `dashboard: 16 VPSs, ${longWindow ? '15 min' : '1 min'} window`,
    points: longWindow ? 9000 : 600,
    async open(page) {
      return (await openDashboard(page, d, longWindow)).firstChartMs;
    },
  };
}

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

function printRow(f: DrawingFigures): void {
  console.log(
    `${f.name.padEnd(40)} fps ${f.fps.toFixed(1).padStart(5)}  busy ${pct(f.busy).padStart(7)}  ` +
      `long tasks ${String(f.longTasks).padStart(3)} (max ${f.longestTaskMs.toFixed(0).padStart(4)} ms)  first chart ${f.firstChartMs.toFixed(0).padStart(5)} ms`,
  );
}

/** Runs the drawing bench and prints its figures; returns them for the bench runner. */
export async function run(): Promise<DashboardBenchResult> {
  let bundle = { files: 0, rawBytes: 0, gzBytes: 0 };
  let dashboardError: string | undefined;
  try {
    ensureClientBuilt(true);
    bundle = bundleSize();
  } catch (e) {
    dashboardError = (e as Error).message;
  }
  const browser = await launchBrowser();
  const floor = await serveFloor();
  let lab: DashboardLab | undefined;
  try {
    if (!dashboardError) {
      try {
        lab = await startDashboardLab();
      } catch (e) {
        dashboardError = (e as Error).message;
      }
    }
    const targets: Target[] = [floorTarget(floor.url, 600), floorTarget(floor.url, 9000)];
    if (lab) targets.push(dashboardTarget(lab, false), dashboardTarget(lab, true));
    console.log(
      `drawing bench: headless Chromium ${browser.version()}, ${VIEWPORT.width}×${VIEWPORT.height}, ` +
        `${REPS} rounds of ${SPAN_MS / 1000} s per page (after ${WARMUP_MS / 1000} s warm-up), medians`,
    );
    const spans = targets.map(() => [] as SpanFigures[]);
    const firsts = targets.map(() => [] as number[]);
    for (let r = 0; r < REPS; r++) {
      for (const [i, t] of targets.entries()) {
        const page = await newPage(browser);
        try {
          firsts[i].push(await t.open(page));
          await measureSpan(page, WARMUP_MS);
          spans[i].push(await measureSpan(page, SPAN_MS));
        } catch (e) {
          if (i < 2) throw e;
          dashboardError = (e as Error).message;
        } finally {
          await page.context().close();
        }
      }
    }
    const rows: DrawingFigures[] = [];
    for (const [i, t] of targets.entries()) {
      if (!spans[i].length) continue;
      const row = { name: t.name, points: t.points, firstChartMs: median(firsts[i]), ...summarize(spans[i]) };
      rows.push(row);
      printRow(row);
    }
    if (dashboardError) console.log(`dashboard: not measured: ${dashboardError}`);
    console.log(
      `client JavaScript: ${bundle.files} file(s), ${(bundle.rawBytes / 1024).toFixed(1)} KB, ` +
        `${(bundle.gzBytes / 1024).toFixed(1)} KB gzipped (budget 250 KB)`,
    );
    const ratios: DashboardBenchResult['ratios'] = [];
    for (const points of [600, 9000]) {
      const f = rows.find((r) => r.name.startsWith('floor') && r.points === points);
      const d = rows.find((r) => r.name.startsWith('dashboard') && r.points === points);
      if (f && d) ratios.push({ window: points === 600 ? '1 min' : '15 min', ratio: d.busy / f.busy });
    }
    for (const r of ratios)
      console.log(`dashboard busy ÷ floor busy, ${r.window} window: ${r.ratio.toFixed(2)} (goal ≤ 1)`);
    const dash = rows.filter((r) => r.name.startsWith('dashboard'));
    if (dash.length) {
      const ok = (b: boolean): string => (b ? 'met' : 'MISSED');
      for (const d of dash) {
        console.log(
          `budget, ${d.name}: 60 fps ${ok(d.fps >= 57)}, no long task > 50 ms ${ok(d.longTasks === 0)}, ` +
            `busy < 35 % ${ok(d.busy < 0.35)}, first chart < 1 s ${ok(d.firstChartMs < 1000)}`,
        );
      }
      console.log(`budget: JS < 250 KB gz ${ok(bundle.gzBytes < 250 * 1024)}`);
    }
    return { rows, ratios, bundle, dashboardError };
  } finally {
    await lab?.close();
    await floor.close();
    await browser.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
