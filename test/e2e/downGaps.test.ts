/**
 * A VPS that went down is a gap on a long window's latency charts, as on the live minute, not a fall
 * to the log axis's floor: the 5-minute plot of a container lab whose kernel panicked before its
 * live minute drew every p99 and disk latency plunging to 0.01 ms where the guests went down, the
 * axes stretched to 0.005 ms and the latencies actually served squeezed into their top pixels. The
 * older part of a long window comes from the server in buckets of ticks; a bucket holding ticks
 * served and ticks down carried the down ticks' latency of 0 as its minimum.
 */
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import type { Command } from '../../shared/commands.js';
import { browserTest } from './fixture.js';
import { api } from './harness.js';
import { attributeNow, byTestId, createLab, presetScenario, stepTo, waitChartsPast } from './lab.js';
import type { RunningServer } from './harness.js';

const test = browserTest();

async function command(server: RunningServer, lab: string, cmd: Command): Promise<void> {
  const r = await api(server, `/api/labs/${lab}/commands`, { body: cmd });
  if (r.status !== 200) throw new Error(`${cmd.type}: ${r.status} ${JSON.stringify(r.body)}`);
}

/** The y axis a chart last drew, [min, max] in its units. */
async function yRange(page: Page, testid: string): Promise<[number, number]> {
  const r = (await attributeNow(page, byTestId(testid), 'data-y-range')) ?? 'NaN:NaN';
  return r.split(':').map(Number) as [number, number];
}

describe('a long window over a kernel panic', () => {
  test('keeps its latency axes on what was served: the guests down are a gap', async ({ server, open }) => {
    const lab = await createLab(server, { scenario: presetScenario('kernel-panic') });
    // web-1 overloaded for a few seconds: a p99 of seconds that only the long window holds.
    await stepTo(server, lab, 20);
    await command(server, lab, { type: 'setLoad', vps: 'web-1', load: { cpu: 2 } });
    await stepTo(server, lab, 60);
    await command(server, lab, { type: 'setLoad', vps: 'web-1', load: { cpu: 0.4 } });
    // Every container down at a tick inside a bucket of the server's, and back 30 s later.
    await stepTo(server, lab, 97);
    await command(server, lab, { type: 'startFault', vps: 'db-1', fault: 'kernel_panic' });
    const now = await stepTo(server, lab, 1200);

    const { page, errors } = await open(`/?lab=${lab}`, { width: 1280, height: 720 });
    await waitChartsPast(page, now - 2, ['chart-p99', 'chart-disk']);
    await page.getByRole('button', { name: 'Show the last 5 min', exact: true }).click();
    // The older part drawn: web-1's overload reaches into seconds.
    await expect
      .poll(async () => (await yRange(page, 'chart-p99'))[1], { timeout: 15_000 })
      .toBeGreaterThanOrEqual(1000);
    const [p99Low] = await yRange(page, 'chart-p99');
    expect(p99Low, 'p99 axis: its lowest latency served is over 40 ms').toBeGreaterThanOrEqual(10);
    const [diskLow] = await yRange(page, 'chart-disk');
    expect(diskLow, 'disk latency axis: its lowest latency served is over 5 ms').toBeGreaterThanOrEqual(1);
    expect(errors).toEqual([]);
  }, 90_000);
});
