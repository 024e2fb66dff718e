/**
 * Quick drawing check of a running lab: first chart paint, fps, main-thread busy share and long
 * tasks over 10 s in headless Chromium.
 *   npx tsx client/scripts/perf.ts [window: '1 min'|'5 min'|'15 min'] [lab] [base URL]
 */
import { chromium } from 'playwright-core';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'] });
const ctx = await b.newContext({ viewport: { width: 1920, height: 1080 } });
const p = await ctx.newPage();
const t0 = Date.now();
await p.goto(`${process.argv[4] ?? 'http://127.0.0.1:3000'}/?lab=${process.argv[3] ?? 'demo'}`);
await p.waitForFunction(() => document.querySelector('[data-testid="chart-p99"]')?.getAttribute('data-last-tick'));
console.log('first chart painted after', Date.now() - t0, 'ms (incl. navigation)');
const win = process.argv[2] ?? '15 min';
await p.getByRole('button', { name: `Show the last ${win}` }).click();
const cdp = await ctx.newCDPSession(p);
await cdp.send('Performance.enable');
await p.evaluate(`(() => {
  window.__long = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(e.duration); }).observe({ type: 'longtask', buffered: false });
  window.__frames = 0;
  const f = () => { window.__frames++; requestAnimationFrame(f); };
  requestAnimationFrame(f);
})()`);
const m0 = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
const w0 = Date.now();
await p.waitForTimeout(10000);
const m1 = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
const wall = (Date.now() - w0) / 1000;
const r: any = await p.evaluate(`({ long: window.__long, frames: window.__frames, n: window.__contention.series(window.__contention.vpsIds()[0], 'health').t.length })`);
console.log(`window ${win}: samples ${r.n}, fps ${(r.frames / wall).toFixed(1)}, main thread busy ${((100 * (m1.TaskDuration - m0.TaskDuration)) / wall).toFixed(1)} %, script ${((100 * (m1.ScriptDuration - m0.ScriptDuration)) / wall).toFixed(1)} %, long tasks ${r.long.length} (max ${Math.max(0, ...r.long).toFixed(0)} ms)`);
await b.close();
