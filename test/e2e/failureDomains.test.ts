/**
 * Journey 3: a kernel panic in one container takes every container down and back; in a VM only
 * that guest reboots. A VPS resized live gains headroom without a restart. The scorecard view
 * renders the published table beside ours.
 */
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTest } from './fixture.js';
import type { RunningServer } from './harness.js';
import {
  advanceTo,
  advanceUntil,
  attributeNow,
  byTestId,
  chartTick,
  createLab,
  plotted,
  presetScenario,
  stepTo,
  textNow,
  waitChartsPast,
  waitForPlotted,
  waitForState,
} from './lab.js';

// The scorecard, computed on first ask, is asked for at once: it is ready by the last test.
const test = browserTest({}, { warm: ['/api/scorecard'] });

const IDS = ['web-1', 'db-1', 'cache-1', 'mail-1'];
const OUT = ['down', 'rebooting'];

/** The state each VPS card shows, by id. */
function cardStates(page: Page): Promise<Record<string, string>> {
  return page.evaluate((ids) => {
    const out: Record<string, string> = {};
    for (const id of ids)
      out[id] = document.querySelector(`[data-testid="vps-card-${id}"]`)?.getAttribute('data-state') ?? '';
    return out;
  }, IDS);
}

type CardsWanted = 'allOut' | 'allUp' | 'web1Out';

/** Waits until the cards show what is wanted; returns the states seen then. */
async function waitCards(page: Page, wanted: CardsWanted, timeout = 20_000): Promise<Record<string, string>> {
  const h = await page.waitForFunction(
    ({ ids, out, wanted }) => {
      const s: Record<string, string> = {};
      for (const id of ids)
        s[id] = document.querySelector(`[data-testid="vps-card-${id}"]`)?.getAttribute('data-state') ?? '';
      const states = Object.values(s);
      const ok =
        wanted === 'allOut'
          ? states.every((x) => out.includes(x))
          : wanted === 'allUp'
            ? states.every((x) => x === 'running' || x === 'degraded')
            : out.includes(s['web-1']);
      return ok ? s : null;
    },
    { ids: IDS, out: OUT, wanted },
    { timeout, polling: 100 },
  );
  return (await h.jsonValue()) as Record<string, string>;
}

/**
 * Steps the lab until the cards, drawn at the tick reached, show every VPS up; then it runs on. The
 * reboot's simulated seconds pass at once, not watched in real time.
 */
async function stepUntilUp(server: RunningServer, lab: string, page: Page): Promise<void> {
  await advanceUntil(server, lab, async (tick) => {
    // The newest frame is the last tick run, one before the lab's next.
    await waitChartsPast(page, tick - 2, ['chart-health']);
    const states = Object.values(await cardStates(page));
    return states.every((x) => x === 'running' || x === 'degraded');
  });
}

describe('failure domains', () => {
  test('container: kernel_panic on web-1 takes every container down, then all come back', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { scenario: presetScenario('kernel-panic') });
    const { page, errors } = await open(`/?lab=${lab}`);
    await waitChartsPast(page, 5);
    expect(Object.values(await cardStates(page)).every((s) => !OUT.includes(s))).toBe(true);
    await page.getByRole('button', { name: 'Start kernel_panic on web-1' }).click();
    const down = await waitCards(page, 'allOut');
    expect(Object.keys(down)).toEqual(IDS);
    // Lines, rows and edges come and go with the states they tell of: each is read now, in one look.
    await expect.poll(() => textNow(page, byTestId('explain-db-1'))).toMatch(/db-1 (is down|is rebooting)/);
    // Who hurts whom shows the blast radius, not a share fading in: every container down, by web-1.
    await expect
      .poll(() => textNow(page, byTestId('culprit-web-1')))
      .toMatch(/via the shared kernel takes down/);
    for (const id of IDS.filter((x) => x !== 'web-1'))
      expect(await textNow(page, byTestId(`edge-${id}-web-1`)), id).toMatch(/down$/);
    // A guest that is down does no disk I/O: its disk latency is a gap, not a plunge to the log
    // scale's floor (which read as a disk gone a thousand times faster and squashed the axis).
    const downAt = await chartTick(page, 'chart-disk');
    await waitChartsPast(page, downAt + 10, ['chart-disk']);
    const range = (await attributeNow(page, byTestId('chart-disk'), 'data-y-range'))!;
    expect(Number(range.split(':')[0]), `disk latency axis ${range}`).toBeGreaterThanOrEqual(0.1);
    // A 30 s reboot, stepped through.
    await stepUntilUp(server, lab, page);
    await waitCards(page, 'allUp', 30_000);
    expect(errors).toEqual([]);
  }, 90_000);

  test('container without limits: fork_bomb on ci-1 hangs every other container, and who hurts whom says DNR', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { scenario: presetScenario('fork-bomb-containers-nolimits') });
    const { page, errors } = await open(`/?lab=${lab}`);
    await waitChartsPast(page, 3);
    await page.getByRole('button', { name: 'Start fork_bomb on ci-1' }).click();
    const victims = ['web-1', 'web-2', 'db-1'];
    await page.waitForFunction(
      (ids) =>
        ids.every(
          (id) =>
            document.querySelector(`[data-testid="vps-card-${id}"]`)?.getAttribute('data-state') === 'dnr',
        ),
      victims,
      { timeout: 20_000, polling: 100 },
    );
    await expect.poll(() => textNow(page, byTestId('culprit-ci-1'))).toMatch(/via the shared kernel hangs/);
    for (const id of victims) {
      expect(await attributeNow(page, byTestId(`vps-card-${id}`), 'data-state'), id).toBe('dnr');
      expect(await textNow(page, byTestId(`edge-${id}-ci-1`)), id).toMatch(/DNR$/);
    }
    expect(errors).toEqual([]);
  }, 90_000);

  test('full: kernel_panic on web-1 reboots only web-1', async ({ server, open }) => {
    const lab = await createLab(server, { scenario: presetScenario('kernel-panic', { mode: 'full' }) });
    const { page, errors } = await open(`/?lab=${lab}`);
    await waitChartsPast(page, 5);
    await page.getByRole('button', { name: 'Start kernel_panic on web-1' }).click();
    const seen = await waitCards(page, 'web1Out');
    for (const id of IDS.slice(1)) expect(OUT, `${id} stays up`).not.toContain(seen[id]);
    // Still up a few simulated seconds into web-1's reboot.
    const t = await chartTick(page, 'chart-health');
    await stepTo(server, lab, t + 32);
    await waitChartsPast(page, t + 30, ['chart-health']);
    const later = await cardStates(page);
    expect(OUT).toContain(later['web-1']);
    for (const id of IDS.slice(1)) expect(OUT, `${id} stays up`).not.toContain(later[id]);
    // Down, web-1 serves nothing and does no disk I/O: its p99 and disk latency lines end in a gap,
    // and what the charts say they plotted last is nothing, not the value from before the panic.
    for (const chart of ['chart-p99', 'chart-disk']) {
      await waitChartsPast(page, t + 30, [chart]);
      const last = await page.evaluate((c) => {
        const fig = document.querySelector(`[data-testid="${c}"]`)!;
        return { web: fig.getAttribute('data-last-web-1'), db: fig.getAttribute('data-last-db-1') };
      }, chart);
      expect(last.web, `${chart}: web-1, down, is a gap`).toBeNull();
      expect(Number.isFinite(Number(last.db ?? NaN)), `${chart}: db-1 is drawn`).toBe(true);
    }
    // Back up, its lines and the values said to be drawn come back.
    await stepUntilUp(server, lab, page);
    await waitCards(page, 'allUp', 30_000);
    await waitForPlotted(page, 'chart-p99', 'web-1', { above: 0 }, 30_000);
    expect(errors).toEqual([]);
  }, 90_000);

  test('para: a Dom0 crash stops every guest, and who-hurts-whom blames the host, not a spread of neighbours', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const { page, errors } = await open(`/?lab=${lab}`);
    await waitChartsPast(page, 5);
    await page.getByRole('button', { name: 'Crash Dom0' }).click();
    await waitForState(server, lab, (s) => s.hostFaults.some((f) => f.fault === 'dom0_crash'));
    // What the poll saw is what is checked: the panel re-renders each tick.
    let who = '';
    await expect
      .poll(async () => (who = (await textNow(page, byTestId('who-hurts-whom'))) ?? ''), { timeout: 15_000 })
      .toMatch(/Dom0 has crashed/);
    expect(who).not.toMatch(/spread across many/);
    expect(errors).toEqual([]);
  }, 60_000);

  test('resizing a saturated VPS live (more vCPUs and RAM) raises what it serves without a restart', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { scenario: presetScenario('live-resize') });
    await advanceTo(server, lab, 20);
    const { page, errors } = await open(`/?lab=${lab}`);
    await waitChartsPast(page, 20);
    const before = await plotted(page, 'chart-throughput', 'shop-1');
    expect(before).toBeGreaterThan(0);
    const card = page.getByTestId('vps-card-shop-1');
    await card.getByText('Resize or remove').click();
    await card.getByLabel('shop-1 vCPUs').fill('6');
    await card.getByLabel('shop-1 RAM (GiB)').fill('16');
    const tickBefore = (await waitForState(server, lab, () => true)).tick;
    // The browser refuses to submit a form with a field outside its min/step grid.
    const invalid = await card
      .locator('form input:invalid')
      .evaluateAll((els) =>
        els.map((e) => `${e.getAttribute('aria-label')}: ${(e as HTMLInputElement).validationMessage}`),
      );
    expect(invalid, 'resize fields the browser refuses').toEqual([]);
    await card.getByRole('button', { name: 'Resize shop-1' }).click();
    const s = await waitForState(server, lab, (st) =>
      st.vps.some((v) => v.id === 'shop-1' && v.vcpus === 6 && v.ramGiB === 16),
    );
    expect(s.tick).toBeGreaterThanOrEqual(tickBefore);
    await expect.poll(() => textNow(page, byTestId('vps-card-shop-1'))).toMatch(/6 vCPUs/);
    // Three times the cores for the same share of its plan: it serves far more, and never went down.
    await waitForPlotted(page, 'chart-throughput', 'shop-1', { above: before * 1.5 });
    expect(['running', 'degraded']).toContain(await card.getAttribute('data-state'));
    expect(errors).toEqual([]);
  }, 60_000);

  test('the scorecard view shows modes × stress tests with the published figures', async ({ open }) => {
    const { page, errors } = await open(`/?view=scorecard`);
    const view = page.getByTestId('scorecard-view');
    await view.waitFor({ timeout: 15_000 });
    // One summary per host the table is run on (the paper's small host, a modern one).
    const summaries = page.getByTestId('scorecard-summary');
    await summaries.first().waitFor({ timeout: 60_000 });
    let cells = 0;
    for (const text of await summaries.allTextContents()) {
      const m = /(\d+) of (\d+)/.exec(text);
      expect(m, text).not.toBeNull();
      expect(Number(m![2])).toBeGreaterThan(0);
      expect(Number(m![1])).toBeLessThanOrEqual(Number(m![2]));
      cells += Number(m![2]);
    }
    expect(await page.locator('[data-testid^="score-"]').count()).toBeGreaterThanOrEqual(cells);
    await expect.poll(() => textNow(page, byTestId('scorecard-view'))).toMatch(/cpu_hog|CPU/);
    // On a phone the table scrolls in its panel: each cell's figures stay on one line, the page does not scroll sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    const wrapped = (): Promise<string[]> =>
      page.evaluate(() =>
        Array.from(
          document.querySelectorAll<HTMLElement>('[data-testid^="score-"] :is(.nums, .pub)'),
        ).flatMap((el) => {
          const cs = getComputedStyle(el);
          const line = parseFloat(cs.lineHeight) || parseFloat(cs.fontSize) * 1.3;
          return el.getBoundingClientRect().height > line * 1.6 ? [(el.textContent ?? '').trim()] : [];
        }),
      );
    await expect.poll(wrapped).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true);
    expect(errors).toEqual([]);
  }, 90_000);
});
