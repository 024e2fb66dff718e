/**
 * A fault still running is shaded on the charts from its start to now, not into the time ahead:
 * the 1-minute plot of a lab at 0:25 shaded 0:25–1:00 too, saying the cpu_hog covered a minute
 * that had not happened (and, on the 15-minute plot, minutes past the last sample).
 */
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTest } from './fixture.js';
import { advanceTo, chartTick, createLab, markers, waitForState } from './lab.js';
import { api } from './harness.js';

const test = browserTest();
const CHART = 'chart-health';

interface Area {
  area: [number, number, number, number];
}

/**
 * The colour most of the plot's column at simulated time `t` (s) is painted, as "r,g,b,a": grid
 * and lines are thin, the background (the canvas left clear, or shaded) fills the rest.
 */
function columnColour(page: Page, t: number, span: number): Promise<string> {
  return page.evaluate(
    ({ id, t, span }) => {
      const fig = document.querySelector(`[data-testid="${id}"]`)!;
      const { area } = JSON.parse(fig.getAttribute('data-markers')!) as Area;
      const [left, top, right, bottom] = area;
      const c = fig.querySelector('canvas')!;
      const k = c.width / c.clientWidth;
      const x = Math.round((left + ((right - left) * t) / span) * k);
      const { data } = c
        .getContext('2d')!
        .getImageData(x, Math.round(top * k), 1, Math.round((bottom - top) * k));
      const counts = new Map<string, number>();
      for (let i = 0; i < data.length; i += 4) {
        const key = `${data[i]},${data[i + 1]},${data[i + 2]},${data[i + 3]}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      return [...counts].sort((a, b) => b[1] - a[1])[0][0];
    },
    { id: CHART, t, span },
  );
}

/** A time near `t` away from the plot's grid lines (every 15 s). */
const offGrid = (t: number) => (Math.abs(t - Math.round(t / 15) * 15) < 1.5 ? t + 2 : t);

describe('a running fault’s shading', () => {
  test('ends at now on the 1-minute plot, the time ahead left unshaded', async ({ server, open }) => {
    const lab = await createLab(server, { preset: 'demo' });
    await advanceTo(server, lab, 160);
    const { page, errors } = await open(`/?lab=${lab}`, { width: 1280, height: 720 });
    await page.getByRole('button', { name: 'Start cpu_hog on batch-1' }).click();
    await waitForState(server, lab, (s) =>
      s.faults.some((f) => f.vps === 'batch-1' && f.fault === 'cpu_hog'),
    );
    const start = await expect
      .poll(async () => (await markers(page)).find((m) => m.label.includes('cpu_hog on batch-1'))?.t, {
        timeout: 15_000,
      })
      .toBeGreaterThan(0)
      .then(async () => (await markers(page)).find((m) => m.label.includes('cpu_hog on batch-1'))!.t);
    // Let the fault run a few seconds, then hold the clock so the plot stands still.
    await waitForState(server, lab, (s) => s.tick * 0.1 > start + 4);
    const r = await api(server, `/api/labs/${lab}/clock`, { body: { action: 'pause' } });
    expect(r.status).toBe(200);
    const now = (await waitForState(server, lab, (s) => s.paused)).tick * 0.1;
    expect(now, 'the lab is well inside its first minute').toBeLessThan(40);
    await expect
      .poll(() => chartTick(page, CHART), { timeout: 15_000 })
      .toBeGreaterThanOrEqual(Math.round(now * 10) - 1);

    const before = offGrid(start / 2);
    const during = offGrid((start + now) / 2);
    const ahead = offGrid((now + 60) / 2);
    const plain = await columnColour(page, before, 60);
    await expect.poll(() => columnColour(page, during, 60), { timeout: 10_000 }).not.toBe(plain);
    expect(
      await columnColour(page, ahead, 60),
      `the plot at ${ahead.toFixed(0)} s, ahead of now (${now} s)`,
    ).toBe(plain);
    expect(errors).toEqual([]);
  }, 60_000);
});
