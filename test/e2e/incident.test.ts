/**
 * Journey 2, the SRE reconstructing an incident: an I/O storm on the batch box under `para` pins
 * Dom0 and raises every guest's latency, the who-hurts-whom view blames the batch box, stopping the
 * storm lets latency recover; the CSV and the recorded scenario export, and the headless runner
 * replays the scenario to the same numbers the live lab showed. The disk latency chart climbs for
 * every neighbour of the storm.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { parseScenario } from '../../shared/commands.js';
import { browserTest } from './fixture.js';
import { ROOT } from './harness.js';
import {
  advanceTo,
  byTestId,
  createLab,
  plotted,
  presetScenario,
  textNow,
  textWhenShown,
  waitChartsPast,
  waitForPlotted,
} from './lab.js';

const test = browserTest();

const VICTIMS = ['web-1', 'web-2', 'db-1'];

/** The percentage a host tile shows now ("100 %" → 1; NaN when it shows none). */
async function tileShare(page: Page, testid: string): Promise<number> {
  const text = (await textNow(page, `${byTestId(testid)} .v`)) ?? '';
  const m = /([\d.]+)\s*%/.exec(text);
  return m ? Number(m[1]) / 100 : NaN;
}

/** CSV rows keyed by "tick,vps". */
function rowsByKey(csv: string): { header: string; rows: Map<string, string> } {
  const lines = csv.trim().split('\n');
  const rows = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const [tick, , vps] = line.split(',');
    rows.set(`${tick},${vps}`, line);
  }
  return { header: lines[0], rows };
}

describe('incident', () => {
  test('io_storm on batch-1 pins Dom0, hurts every guest, is blamed on batch-1, recovers, and exports to a replayable scenario', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { scenario: presetScenario('sre-incident') });
    // Two simulated seconds of baseline, stepped through at once.
    await advanceTo(server, lab, 20);
    const { page, errors } = await open(`/?lab=${lab}`);
    const dir = mkdtempSync(join(tmpdir(), 'contention-incident-'));
    try {
      await waitChartsPast(page, 20);
      const baseline: Record<string, number> = {};
      for (const id of VICTIMS) baseline[id] = await plotted(page, 'chart-p99', id);
      const dom0Before = await tileShare(page, 'host-dom0');

      await page.getByRole('button', { name: 'Start io_storm on batch-1' }).click();
      await expect.poll(() => tileShare(page, 'host-dom0'), { timeout: 15_000 }).toBeGreaterThanOrEqual(0.9);
      expect(dom0Before).toBeLessThan(0.9);
      for (const id of VICTIMS) await waitForPlotted(page, 'chart-p99', id, { above: baseline[id] * 2 });
      for (const id of VICTIMS) {
        // Its row names the culprit and the path (rows are grouped by culprit and resource). Rows come
        // and go with the shares: the first row holding the edge is waited for and read in one look.
        const row = await textWhenShown(page, `li:has(${byTestId(`edge-${id}-batch-1`)})`, 10_000);
        expect(row).toMatch(/disk|dom0/i);
      }

      await page.getByRole('button', { name: 'Stop io_storm on batch-1' }).click();
      await page.getByRole('button', { name: 'Start io_storm on batch-1' }).waitFor({ timeout: 10_000 });
      // The backlog drains: every guest back near its own baseline.
      for (const id of VICTIMS)
        await waitForPlotted(page, 'chart-p99', id, { below: baseline[id] * 1.5 }, 30_000);
      await expect.poll(() => tileShare(page, 'host-dom0'), { timeout: 15_000 }).toBeLessThan(0.9);

      // Export: the CSV of what the lab showed, and the session as a scenario.
      const csvHref = await page.getByRole('link', { name: 'Export metrics as CSV' }).getAttribute('href');
      const scenarioHref = await page.getByRole('link', { name: 'Export scenario' }).getAttribute('href');
      const csvRes = await page.request.get(new URL(csvHref!, server.url).href);
      expect(csvRes.status()).toBe(200);
      const live = rowsByKey(await csvRes.text());
      expect(live.header.split(',').map((h) => h.replace(/\[[^\]]*\]$/, ''))).toEqual(
        expect.arrayContaining(['tick', 'vps', 'latencyP99Ms', 'diskServedIops', 'host.dom0CpuUtil']),
      );
      const scenarioText = await (await page.request.get(new URL(scenarioHref!, server.url).href)).text();
      const parsed = parseScenario(JSON.parse(scenarioText));
      expect(parsed.ok, JSON.stringify(!parsed.ok && parsed.error)).toBe(true);
      const events = parsed.ok ? (parsed.data.events ?? []) : [];
      expect(events.map((e) => [e.type, 'fault' in e ? e.fault : undefined])).toEqual([
        ['startFault', 'io_storm'],
        ['stopFault', 'io_storm'],
      ]);

      // The runner replays the recorded session headless (as `npm run sim` runs it): same numbers,
      // tick for tick.
      const file = join(dir, 'incident.json');
      writeFileSync(file, scenarioText);
      const ticks = [...live.rows.keys()].map((k) => Number(k.split(',')[0]));
      const lastTick = Math.max(...ticks);
      const out = join(dir, 'replay.csv');
      const run = spawnSync(
        process.execPath,
        [
          'scripts/sim.mjs',
          file,
          '--format',
          'csv',
          '--duration',
          String(((lastTick + 1) * 100) / 1000),
          '--out',
          out,
        ],
        { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
      );
      expect(run.status, run.stderr).toBe(0);
      const replay = rowsByKey(readFileSync(out, 'utf8'));
      expect(replay.header).toBe(live.header);
      let compared = 0;
      const differing: string[] = [];
      for (const [key, row] of live.rows) {
        const other = replay.rows.get(key);
        if (other === undefined) continue;
        compared++;
        if (other !== row && differing.length < 3) differing.push(`live   ${row}\nreplay ${other}`);
      }
      expect(compared).toBeGreaterThan(live.rows.size * 0.9);
      expect(differing, differing.join('\n')).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('disk latency', () => {
  test('its chart climbs for every neighbour under an io_storm on batch-1', async ({ server, open }) => {
    const lab = await createLab(server, { scenario: presetScenario('sre-incident') });
    const { page, errors } = await open(`/?lab=${lab}`);
    await waitChartsPast(page, 10, ['chart-disk']);
    const neighbours = ['web-1', 'web-2', 'db-1'];
    const before: Record<string, number> = {};
    for (const id of neighbours) {
      before[id] = await plotted(page, 'chart-disk', id);
      expect(Number.isFinite(before[id]), `${id} plotted`).toBe(true);
    }
    await page.getByRole('button', { name: 'Start io_storm on batch-1' }).click();
    for (const id of neighbours)
      await waitForPlotted(
        page,
        'chart-disk',
        id,
        { above: Math.max(before[id] * 2, before[id] + 1) },
        20_000,
      );
    expect(errors).toEqual([]);
  }, 60_000);
});
