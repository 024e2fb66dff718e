/**
 * Between the phone and the desktop: at 768, 900, 1024 and 1180 px wide (tablets, small laptops,
 * a window beside another) every chart caption is whole (title, unit, legend, line keys), no text
 * is cut, nothing pushes the page sideways, the charts of a row have their plots level, and a mode
 * switch does not move them.
 */
import { describe, expect } from 'vitest';
import { browserTest } from './fixture.js';
import { api } from './harness.js';
import { createLab, waitChartsPast } from './lab.js';
import { clippedText, cutCaptions } from './clipped.js';

const test = browserTest();

const CHARTS = ['chart-p99', 'chart-throughput', 'chart-disk', 'chart-steal', 'chart-health', 'chart-host'];

describe('the dashboard between phone and desktop widths', () => {
  for (const width of [768, 900, 1024, 1180]) {
    test(`at ${width}×768 every chart legend and every text is whole, and each row of plots is level`, async ({
      server,
      open,
    }) => {
      const lab = await createLab(server, { preset: 'demo' });
      // Another lab with a long name in the lab menu, as on a server in use.
      await createLab(server, { preset: 'sre-incident' }).catch(() => undefined);
      const hog = await api(server, `/api/labs/${lab}/commands`, {
        body: { type: 'startFault', vps: 'batch-1', fault: 'cpu_hog' },
      });
      expect(hog.status).toBe(200);
      const { page, errors } = await open(`/?lab=${lab}`, { width, height: 768 });
      await waitChartsPast(page, 3);
      await page.getByTestId('event-log').waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth), 'no sideways scroll').toBe(
        width,
      );
      expect(await cutCaptions(page)).toEqual([]);
      // The header's first row keeps the connection status and the theme button beside the lab
      // menu, not alone on a row of their own.
      const rowOf = async (name: string, el: ReturnType<typeof page.getByTestId>) =>
        [name, Math.round((await el.boundingBox())!.y)] as const;
      const firstRow = await Promise.all([
        rowOf('lab menu', page.getByRole('combobox', { name: 'Lab' })),
        rowOf('connection', page.getByTestId('connection-status')),
        rowOf('theme', page.getByRole('button', { name: /theme$/ })),
      ]);
      const [, menuY] = firstRow[0];
      expect(firstRow.filter(([, y]) => Math.abs(y - menuY) > 12)).toEqual([]);
      // Page coordinates (the narrower layouts scroll).
      const plots = await page.evaluate((ids) => {
        return ids.map((id) => {
          const fig = document.querySelector<HTMLElement>(`[data-testid="${id}"]`)!;
          const f = fig.getBoundingClientRect();
          const p = fig.querySelector('[role="img"]')!.getBoundingClientRect();
          return { id, y: f.top + scrollY, right: f.right, w: f.width, top: p.top - f.top, h: p.height };
        });
      }, CHARTS);
      for (const p of plots) {
        expect(p.right, `${p.id} ends on screen`).toBeLessThanOrEqual(width);
        expect(p.w, `${p.id} is wide enough to read`).toBeGreaterThanOrEqual(180);
        expect(p.h, `${p.id} plot height`).toBeGreaterThanOrEqual(90);
      }
      // Charts that start at one height (a row) start their plots at one height too.
      for (const a of plots)
        for (const b of plots)
          if (Math.abs(a.y - b.y) < 1)
            expect(Math.abs(a.top - b.top), `${a.id} and ${b.id} level`).toBeLessThan(1);
      expect(await clippedText(page)).toEqual([]);
      // A mode switch changes the host's tiles (Dom0, host OS, idle cores): the charts stay put.
      const top = () =>
        page.evaluate(
          () => document.querySelector('[data-testid="chart-p99"]')!.getBoundingClientRect().top + scrollY,
        );
      const before = await top();
      // Each mode's whole set of tiles (batch-1's hog held at its quota leaves cores idle under full and hosted).
      const tiles: [string, string[], string[]][] = [
        ['hosted', ['host-hostos', 'host-idle'], ['host-dom0']],
        ['full', ['host-idle'], ['host-dom0', 'host-hostos']],
        ['para', ['host-dom0'], ['host-idle', 'host-hostos']],
      ];
      for (const [mode, shown, gone] of tiles) {
        const r = await api(server, `/api/labs/${lab}/commands`, { body: { type: 'setMode', mode } });
        expect(r.status).toBe(200);
        for (const t of shown) await page.getByTestId(t).waitFor({ timeout: 15_000 });
        for (const t of gone) await page.getByTestId(t).waitFor({ state: 'detached', timeout: 15_000 });
        expect(await top(), `charts' top under ${mode}`).toBe(before);
        expect(await clippedText(page), `under ${mode}`).toEqual([]);
      }
      expect(errors).toEqual([]);
    }, 60_000);
  }
});
