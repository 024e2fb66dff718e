/**
 * Drawing measurements in headless Chromium: frames per second (requestAnimationFrame count),
 * long tasks (PerformanceObserver 'longtask'), main-thread busy share (CDP Performance.getMetrics
 * TaskDuration over wall time), plus a tiny static server for the bare floor page.
 */
import { createServer, type Server } from 'node:http';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT } from '../e2e/harness.js';

export const PROBE_SCRIPT = readFileSync(join(ROOT, 'test/bench/pages/probe.js'), 'utf8');

export interface SpanFigures {
  fps: number;
  /** Long tasks over 50 ms in the span, and the longest (ms, 0 when none). */
  longTasks: number;
  longestTaskMs: number;
  /** Share of wall time the renderer's main thread was running tasks, 0..1. */
  busy: number;
}

/** Measures one span of `spanMs` on a page that has the probe script installed. */
export async function measureSpan(page: Page, spanMs: number): Promise<SpanFigures> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metric = async (): Promise<{ task: number; ts: number }> => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    const get = (n: string): number => metrics.find((m) => m.name === n)?.value ?? 0;
    return { task: get('TaskDuration'), ts: get('Timestamp') };
  };
  const probe = (): Promise<{ frames: number; longTasks: number[] }> =>
    page.evaluate(() => {
      const p = (window as unknown as { __perf: { frames: number; longTasks: number[] } }).__perf;
      return { frames: p.frames, longTasks: p.longTasks.slice() };
    });
  const m0 = await metric();
  const p0 = await probe();
  await new Promise((r) => setTimeout(r, spanMs));
  const m1 = await metric();
  const p1 = await probe();
  await cdp.detach();
  const wall = m1.ts - m0.ts;
  const tasks = p1.longTasks.slice(p0.longTasks.length).filter((d) => d > 50);
  return {
    fps: (p1.frames - p0.frames) / wall,
    longTasks: tasks.length,
    longestTaskMs: tasks.length ? Math.max(...tasks) : 0,
    busy: (m1.task - m0.task) / wall,
  };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** Medians of each figure over several spans (long-task count: the total; longest: the max). */
export function summarize(spans: SpanFigures[]): SpanFigures {
  return {
    fps: median(spans.map((s) => s.fps)),
    busy: median(spans.map((s) => s.busy)),
    longTasks: spans.reduce((a, s) => a + s.longTasks, 0),
    longestTaskMs: Math.max(0, ...spans.map((s) => s.longestTaskMs)),
  };
}

/** Size of the client's JavaScript, raw and gzipped (each file gzipped on its own, as served). */
export function bundleSize(dir = join(ROOT, 'dist/client')): {
  files: number;
  rawBytes: number;
  gzBytes: number;
} {
  let files = 0;
  let rawBytes = 0;
  let gzBytes = 0;
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.m?js$/.test(name)) {
        const buf = readFileSync(p);
        files++;
        rawBytes += buf.length;
        gzBytes += gzipSync(buf, { level: 9 }).length;
      }
    }
  };
  walk(dir);
  return { files, rawBytes, gzBytes };
}

/** Serves the floor page, its script and chart.js from node_modules on 127.0.0.1, a free port. */
export async function serveFloor(): Promise<{ url: string; close: () => Promise<void> }> {
  const files: Record<string, [string, string]> = {
    '/floor.html': [join(ROOT, 'test/bench/pages/floor.html'), 'text/html'],
    '/floor.js': [join(ROOT, 'test/bench/pages/floor.js'), 'text/javascript'],
    '/chart.umd.min.js': [join(ROOT, 'node_modules/chart.js/dist/chart.umd.min.js'), 'text/javascript'],
  };
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const f = files[path];
    if (!f) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': f[1], 'cache-control': 'no-store' }).end(readFileSync(f[0]));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
