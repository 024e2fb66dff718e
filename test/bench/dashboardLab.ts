/**
 * The dashboard half of the drawing bench: a 16-VPS lab on the real server, run fast until it
 * holds 15 minutes of history, then shown in the dashboard at 1× (10 Hz) with the 15-minute window.
 */
import { io, type Socket } from 'socket.io-client';
import type { Browser, Page } from 'playwright-core';
import type { ClientToServer, ServerToClient } from '../../shared/protocol.js';
import type { Scenario } from '../../shared/commands.js';
import { api, removeDataDir, startServer, unwrap } from '../e2e/harness.js';
import type { SpanFigures } from './drawingMetrics.js';

const HISTORY_TICKS = 9000;
const ROLES = ['web', 'database', 'cache', 'batch', 'ci', 'mail'] as const;
const PROFILES = ['diurnal', 'bursty', 'steady', 'randomWalk'] as const;

/** Sixteen tenants of mixed roles on a 64-core host, loads that keep every chart moving. */
export function sixteenVpsScenario(): Scenario {
  return {
    name: 'Drawing bench: sixteen tenants',
    seed: 7,
    tickMs: 100,
    mode: 'para',
    host: { cores: 64, ramGiB: 256, diskIops: 200_000, netMbps: 20_000, memBwGBs: 100 },
    vps: Array.from({ length: 16 }, (_, i) => ({
      id: `${ROLES[i % ROLES.length]}-${Math.floor(i / ROLES.length) + 1}`,
      role: ROLES[i % ROLES.length],
      vcpus: 4,
      ramGiB: 8,
      diskIops: 5000,
      netMbps: 500,
      profile: PROFILES[i % PROFILES.length],
      load: { cpu: 0.3 + 0.03 * i, mem: 0.5, disk: 0.1 + 0.01 * i, net: 0.1 },
    })),
  };
}

type ClientSocket = Socket<ServerToClient, ClientToServer>;

function clock(socket: ClientSocket, msg: Parameters<ClientToServer['clock']>[0]): Promise<void> {
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`clock ${msg.action}: no answer`)), 10_000);
    socket.emit('clock', msg, (r) => {
      clearTimeout(timer);
      if (r.ok) res();
      else rej(new Error(`clock ${msg.action}: ${r.error.message}`));
    });
  });
}

/** Runs the lab fast until it has `ticks` of history, then back to 1×. */
async function fillHistory(url: string, lab: string, ticks: number): Promise<void> {
  const socket: ClientSocket = io(url, { transports: ['websocket'], reconnection: false });
  try {
    await new Promise<void>((res, rej) => {
      socket.once('connect', () => res());
      socket.once('connect_error', rej);
    });
    let maxSpeed = 0;
    for (const speed of [200, 100, 50, 20, 10]) {
      try {
        await clock(socket, { lab, action: 'speed', speed });
        maxSpeed = speed;
        break;
      } catch {
        /* the server caps the speed: try a slower one */
      }
    }
    if (!maxSpeed) throw new Error('could not speed the lab up');
    const end = Date.now() + 240_000;
    for (;;) {
      const labs = unwrap<{ id: string; tick: number }[]>((await api({ url }, '/api/labs')).body);
      const tick = labs.find((l) => l.id === lab)?.tick ?? 0;
      if (tick >= ticks) break;
      if (Date.now() > end) throw new Error(`history fill too slow: tick ${tick} of ${ticks} at ${maxSpeed}×`);
      await new Promise((r) => setTimeout(r, 500));
    }
    await clock(socket, { lab, action: 'speed', speed: 1 });
  } finally {
    socket.disconnect();
  }
}

/** Picks the 15-minute window if the page offers one; returns the points each series then shows. */
async function chooseLongWindow(page: Page): Promise<number> {
  const candidates = [
    page.getByRole('button', { name: /^15\s*min/i }),
    page.getByRole('radio', { name: /^15\s*min/i }),
    page.getByRole('tab', { name: /^15\s*min/i }),
  ];
  for (const c of candidates) {
    if ((await c.count()) > 0) {
      await c.first().click();
      return HISTORY_TICKS;
    }
  }
  const select = page.getByRole('combobox', { name: /window|time range/i });
  if ((await select.count()) > 0) {
    const options = await select.first().locator('option').allTextContents();
    const long = options.find((o) => /15\s*min|900/.test(o));
    if (long) {
      await select.first().selectOption({ label: long });
      return HISTORY_TICKS;
    }
  }
  return 600;
}

/** Measures the dashboard showing the 16-VPS lab; `newPage` installs the probe script. */
export async function measureDashboard(
  browser: Browser,
  newPage: (b: Browser) => Promise<Page>,
  measure: (p: Page) => Promise<SpanFigures>,
): Promise<{ points: number; firstChartMs: number; figures: SpanFigures }> {
  const server = await startServer({ env: { LOG_LEVEL: 'warn', MAX_VPS_PER_LAB: '64' } });
  try {
    const created = await api(server, '/api/labs', { body: { scenario: sixteenVpsScenario() } });
    if (created.status >= 300) throw new Error(`creating the lab: ${created.status} ${JSON.stringify(created.body)}`);
    const lab = unwrap<{ id: string }>(created.body).id;
    await fillHistory(server.url, lab, HISTORY_TICKS);

    const page = await newPage(browser);
    try {
      await page.goto(`${server.url}/?lab=${encodeURIComponent(lab)}`);
      const firstChartMs = (await page
        .waitForFunction(
          () => {
            const c = document.querySelector('[data-testid="chart-p99"] canvas') as HTMLCanvasElement | null;
            const hook = (window as unknown as { __contention?: { latest?: () => unknown } }).__contention;
            const plotted = document.querySelector('[data-testid="chart-p99"][data-plotted], [data-testid="chart-p99"] [data-plotted]');
            return c && c.width > 0 && (plotted || hook) ? performance.now() : null;
          },
          null,
          { polling: 'raf', timeout: 30_000 },
        )
        .then((h) => h.jsonValue())) as number;
      const points = await chooseLongWindow(page);
      // Keep the pointer off the charts: hovering freezes the window.
      await page.mouse.move(0, 0);
      const figures = await measure(page);
      return { points, firstChartMs, figures };
    } finally {
      await page.context().close();
    }
  } finally {
    await server.stop();
    removeDataDir(server.dataDir);
  }
}
