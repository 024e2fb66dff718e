/**
 * The dashboard half of the drawing bench: a 16-VPS lab on the real server, run fast until it
 * holds 15 minutes of history, then shown in the dashboard at 1× (10 Hz) with the 15-minute window.
 */
import type { Page } from 'playwright-core';
import type { Scenario } from '../../shared/commands.js';
import { api, removeDataDir, startServer, unwrap, type RunningServer } from '../e2e/harness.js';

const HISTORY_TICKS = 9000;
/** Ticks per clock step request (the server's most). */
const STEP = 600;
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

/** Steps the lab (paused) until it holds `ticks` of history, then lets it run at 1×. */
async function fillHistory(server: RunningServer, lab: string, ticks: number): Promise<void> {
  const clock = async (body: unknown): Promise<{ tick: number }> => {
    const r = await api(server, `/api/labs/${encodeURIComponent(lab)}/clock`, { body });
    if (r.status !== 200)
      throw new Error(`clock ${JSON.stringify(body)}: ${r.status} ${JSON.stringify(r.body)}`);
    return unwrap<{ tick: number }>(r.body);
  };
  let tick = (await clock({ action: 'pause' })).tick;
  while (tick < ticks) tick = (await clock({ action: 'step', ticks: Math.min(STEP, ticks - tick) })).tick;
  await clock({ action: 'speed', speed: 1 });
  await clock({ action: 'resume' });
}

/** Picks the 15-minute window; returns the points per series the charts then span at 10 Hz. */
async function chooseLongWindow(page: Page): Promise<number> {
  const button = page.getByRole('button', { name: /\b15\s*min/i });
  if ((await button.count()) === 0) throw new Error('the page offers no 15-minute window');
  await button.first().click();
  return HISTORY_TICKS;
}

export interface DashboardLab {
  url: string;
  lab: string;
  close(): Promise<void>;
}

/** The real server with the 16-VPS lab holding 15 minutes of history, running at 1×. */
export async function startDashboardLab(): Promise<DashboardLab> {
  const server = await startServer({ env: { COMMAND_RATE: '100' } });
  try {
    const created = await api(server, '/api/labs', { body: { scenario: sixteenVpsScenario() } });
    if (created.status >= 300)
      throw new Error(`creating the lab: ${created.status} ${JSON.stringify(created.body)}`);
    const lab = unwrap<{ id: string }>(created.body).id;
    await fillHistory(server, lab, HISTORY_TICKS);
    return {
      url: server.url,
      lab,
      async close() {
        await server.stop();
        removeDataDir(server.dataDir);
      },
    };
  } catch (e) {
    await server.stop();
    removeDataDir(server.dataDir);
    throw e;
  }
}

/**
 * Loads the dashboard on the lab and waits for its first chart paint (ms since navigation start);
 * `longWindow` then switches every chart to the 15-minute window. Returns the points per series shown.
 */
export async function openDashboard(
  page: Page,
  d: DashboardLab,
  longWindow: boolean,
): Promise<{ firstChartMs: number; points: number }> {
  await page.goto(`${d.url}/?lab=${encodeURIComponent(d.lab)}`);
  const firstChartMs = (await page
    .waitForFunction(
      () => {
        // A chart marks the newest tick it drew once a redraw with data has run.
        const fig = document.querySelector('[data-testid="chart-p99"]');
        return fig && Number(fig.getAttribute('data-last-tick') ?? -1) >= 0 ? performance.now() : null;
      },
      null,
      { polling: 'raf', timeout: 30_000 },
    )
    .then((h) => h.jsonValue())) as number;
  const points = longWindow ? await chooseLongWindow(page) : 600;
  // Keep the pointer off the charts: hovering freezes the window.
  await page.mouse.move(0, 0);
  return { firstChartMs, points };
}
