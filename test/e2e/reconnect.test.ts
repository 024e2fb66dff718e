/**
 * Journey 4, step 3: the page survives a server restart. While the server is away it says so; when
 * the server is back (same port, same data) the banner goes and the charts carry on from where the
 * lab was, with no tick going backwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openPage, removeDataDir, startServer, type RunningServer } from './harness.js';
import { chartTick, series, waitChartsPast } from './lab.js';

let server: RunningServer | undefined;
let browser: Browser;
let dataDir = '';

beforeAll(async () => {
  browser = await launchBrowser();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (dataDir) removeDataDir(dataDir);
});

describe('server restart', () => {
  it('shows the disconnected banner while the server is down and resumes the ticks after it returns', async () => {
    server = await startServer();
    dataDir = server.dataDir;
    const port = server.port;
    const { page, context } = await openPage(browser, `${server.url}/?lab=demo`);
    try {
      await waitChartsPast(page, 10);
      expect(await page.getByTestId('disconnected-banner').count()).toBe(0);

      await server.stop('SIGTERM');
      server = undefined;
      const banner = page.getByTestId('disconnected-banner');
      await banner.waitFor({ timeout: 10_000 });
      expect(await banner.textContent()).toMatch(/reconnect/i);
      await expect
        .poll(() => page.getByTestId('connection-status').textContent())
        .toMatch(/Offline|Connecting/);
      const tickWhileDown = await chartTick(page, 'chart-p99');

      server = await startServer({ port, dataDir });
      await banner.waitFor({ state: 'detached', timeout: 20_000 });
      await expect
        .poll(() => page.getByTestId('connection-status').textContent(), { timeout: 10_000 })
        .toMatch(/Live/);
      // Ticks continue from where the lab was saved, and keep coming.
      const resumed = await waitChartsPast(page, tickWhileDown, ['chart-p99'], 20_000);
      await waitChartsPast(page, resumed + 5, ['chart-p99'], 20_000);
      // The held history runs without a gap across the restart.
      const s = await series(page, 'web-1', 'latencyP99Ms');
      const gaps = s.t.flatMap((t, i) =>
        i > 0 && t - s.t[i - 1] > 0.1 + 1e-9 ? [`${s.t[i - 1]}→${t}`] : [],
      );
      expect(gaps, `restart at simulated ${tickWhileDown / 10} s`).toEqual([]);
      expect(s.t.length).toBeGreaterThan(10);
    } finally {
      await context.close();
    }
  }, 90_000);
});
