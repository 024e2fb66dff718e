/**
 * The dashboard's second pass, as a user meets it: Compare forks the lab at its current tick with
 * two fixed modes on shared axes; colours agree across browsers and survive a removal; fault
 * buttons leave the focus alone; Remove asks and can be undone; Reset lab goes back to the start;
 * a phone gets one column with no sideways scroll; nothing is cut off at 1280×720.
 */
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTest } from './fixture.js';
import { api } from './harness.js';
import {
  advanceTo,
  createLab,
  labState,
  plotted,
  presetScenario,
  series,
  waitChartsPast,
  waitForPlotted,
  waitForState,
} from './lab.js';

const test = browserTest();

/** Each card's colour, by VPS id. */
async function cardColours(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => {
    const out: Record<string, string> = {};
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('[data-testid^="vps-card-"]')))
      out[el.dataset.testid!.slice('vps-card-'.length)] = el.style.getPropertyValue('--vps');
    return out;
  });
}

/** Visible text elements whose text overflows their box (cut off or ellipsed). */
async function clippedText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('body *'))) {
      if (el instanceof HTMLCanvasElement || el instanceof HTMLSelectElement || el instanceof HTMLInputElement) continue;
      const own = Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim());
      if (!own) continue;
      const cs = getComputedStyle(el);
      if (cs.display === 'none' || cs.visibility === 'hidden' || cs.overflowX === 'auto' || cs.overflowX === 'scroll') continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.bottom < 0 || r.top > innerHeight) continue;
      if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0)
        out.push(`${el.tagName.toLowerCase()} "${el.textContent!.trim().slice(0, 40)}" ${el.scrollWidth}>${el.clientWidth}`);
    }
    return out;
  });
}

describe('dashboard, second pass', () => {
  test('Compare forks the lab at its current tick: both modes kept, same state, shared y axes', async ({ server, open }) => {
    const lab = await createLab(server, { preset: 'demo' });
    await advanceTo(server, lab, 150);
    // A mode switch there and back, and a slider moved: a replay from t = 0 once turned both sides full.
    for (const body of [
      { type: 'setMode', mode: 'full' },
      { type: 'setMode', mode: 'para' },
      { type: 'setLoad', vps: 'batch-1', load: { cpu: 0.95 } },
      { type: 'startFault', vps: 'batch-1', fault: 'cpu_hog' },
    ])
      expect((await api(server, `/api/labs/${lab}/commands`, { body })).status).toBe(200);
    const { page, errors } = await open(`/?lab=${lab}`);
    // Compare forks what the page holds: wait for the lab's state, not for its charts to paint.
    await page.getByTestId('vps-card-batch-1').waitFor({ timeout: 20_000 });
    const before = await labState(server, lab);
    await page.getByRole('button', { name: 'Compare' }).click();
    await page.waitForURL(/view=compare/, { timeout: 15_000 });
    const fork = new URL(page.url()).searchParams.get('lab')!;
    expect(fork).not.toBe(lab);
    const s = await labState(server, fork);
    expect([s.mode, s.compareMode]).toEqual(['para', 'full']);
    expect(s.tick).toBeGreaterThanOrEqual(before.tick);
    expect(s.vps.find((v) => v.id === 'batch-1')!.load.cpu).toBe(0.95);
    await expect.poll(() => page.getByTestId('compare-mode-0').textContent()).toMatch(/para/i);
    await expect.poll(() => page.getByTestId('compare-mode-1').textContent()).toMatch(/full/i);
    for (const kind of ['p99', 'throughput']) {
      const left = page.getByTestId(`compare-${kind}-para`);
      const right = page.getByTestId(`compare-${kind}-full`);
      await expect
        .poll(async () => {
          const [a, b] = [await left.getAttribute('data-y-range'), await right.getAttribute('data-y-range')];
          return a && a === b ? a : `${a} ≠ ${b}`;
        }, { timeout: 15_000 })
        .toMatch(/^[\d.e+-]+:[\d.e+-]+$/);
    }
    // Both sides start with the source's past up to the fork, not a blank chart.
    for (const slot of [0, 1]) {
      const held = await series(page, 'web-1', 'latencyP99Ms', slot);
      expect(held.t[0], `side ${slot} starts before the fork`).toBeLessThan(before.tick / 10 - 10);
    }
    // A compare lab keeps its modes: the mode menu is locked.
    expect(await page.getByLabel('Virtualization mode').isDisabled()).toBe(true);
    // The side-by-side table fits its panel at 1280 px, a state apart from its health figure.
    const row = page.getByTestId('compare-row-batch-1');
    await expect.poll(() => row.innerText(), { timeout: 15_000 }).toMatch(/degraded|dnr|down/);
    expect(await row.innerText()).not.toMatch(/\d(degraded|dnr|down|rebooting)/);
    const table = page.getByRole('region', { name: 'Side by side, now' });
    const [wide, room] = await table.evaluate((t) => [t.scrollWidth, t.clientWidth]);
    expect(wide, `table ${wide} px in a panel of ${room}`).toBeLessThanOrEqual(room);
    // On a phone the two modes stay side by side with charts wide enough to read, nothing sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect
      .poll(async () => (await page.getByTestId('compare-p99-full').boundingBox())!.width)
      .toBeGreaterThanOrEqual(150);
    expect((await page.getByTestId('compare-p99-full').boundingBox())!.height).toBeGreaterThanOrEqual(150);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true);
    expect(errors).toEqual([]);
  }, 60_000);

  test('every browser draws each VPS in the same colour, and a removal reshuffles nothing', async ({ server, open }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const a = await open(`/?lab=${lab}`);
    const b = await open(`/?lab=${lab}`);
    for (const p of [a.page, b.page]) await p.getByTestId('vps-card-mail-1').waitFor({ timeout: 15_000 });
    const ca = await cardColours(a.page);
    expect(Object.keys(ca)).toHaveLength(6);
    expect(new Set(Object.values(ca)).size).toBe(6);
    expect(await cardColours(b.page)).toEqual(ca);
    expect((await api(server, `/api/labs/${lab}/commands`, { body: { type: 'removeVps', vps: 'web-1' } })).status).toBe(200);
    for (const p of [a.page, b.page]) {
      await p.getByTestId('vps-card-web-1').waitFor({ state: 'detached', timeout: 10_000 });
      const { ['web-1']: _gone, ...rest } = ca;
      expect(await cardColours(p)).toEqual(rest);
    }
    expect([...a.errors, ...b.errors]).toEqual([]);
  }, 60_000);

  test('a fault button leaves the chart focus alone; focus is a chip that says so', async ({ server, open }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const { page, errors } = await open(`/?lab=${lab}`);
    await waitChartsPast(page, 0);
    // Where each card's controls sit: they must hold still while the reasons above them change.
    const controls = () =>
      page.evaluate(() =>
        Array.from(document.querySelectorAll('[data-testid^="vps-card-"]')).map((c) => {
          const b = c.querySelector('[role="group"][aria-label^="Misbehaviours"]')!.getBoundingClientRect();
          return [c.getAttribute('data-testid'), Math.round(b.top - c.getBoundingClientRect().top), Math.round(c.getBoundingClientRect().height)];
        }),
      );
    const quiet = await controls();
    await page.getByRole('button', { name: 'Start cpu_hog on batch-1' }).click();
    await waitForState(server, lab, (s) => s.faults.some((f) => f.vps === 'batch-1'));
    await expect.poll(() => page.getByTestId('explain-db-1').getAttribute('class'), { timeout: 10_000 }).not.toMatch(/quiet/);
    expect(await controls(), 'the controls moved when the reasons changed').toEqual(quiet);
    expect(await page.getByTestId('focus-chip').count()).toBe(0);
    await page.getByRole('button', { name: 'Focus the charts on web-1' }).click();
    await expect.poll(() => page.getByTestId('focus-chip').textContent()).toMatch(/Focus: web-1/);
    await page.getByRole('button', { name: 'Start io_storm on db-1' }).click();
    await waitForState(server, lab, (s) => s.faults.some((f) => f.vps === 'db-1'));
    expect(await page.getByTestId('focus-chip').textContent()).toMatch(/Focus: web-1/);
    await page.getByTestId('focus-chip').click();
    await expect.poll(() => page.getByTestId('focus-chip').count()).toBe(0);
    expect(errors).toEqual([]);
  }, 60_000);

  test('Remove asks first, and Undo, offered until used or dismissed, brings the VPS back with its plan and colour', async ({ server, open }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const { page, errors } = await open(`/?lab=${lab}`);
    // The page's own clock, run ahead below: the offer to undo must not expire while the user reads.
    await page.clock.install();
    const card = page.getByTestId('vps-card-mail-1');
    await card.waitFor({ timeout: 15_000 });
    const colour = (await cardColours(page))['mail-1'];
    const plan = (await labState(server, lab)).vps.find((v) => v.id === 'mail-1')!;
    await card.getByText('Resize or remove').click();
    await card.getByRole('button', { name: 'Remove mail-1' }).click();
    // Nothing happens until confirmed.
    expect((await labState(server, lab)).vps.some((v) => v.id === 'mail-1')).toBe(true);
    await card.getByRole('button', { name: 'Yes, remove' }).press('Enter');
    await waitForState(server, lab, (s) => !s.vps.some((v) => v.id === 'mail-1'));
    const undo = page.getByTestId('undo-remove').getByRole('button', { name: 'Undo' });
    // Undo is offered once the removal is acknowledged, which is after it is on disk: on a loaded
    // machine the flush can take seconds after the lab's state already shows the VPS gone.
    await undo.waitFor({ timeout: 30_000 });
    await page.clock.fastForward(30_000);
    expect(await undo.isVisible(), 'the offer is still there 30 s later').toBe(true);
    // The confirm button went with the card; the focus went to Undo, so Enter undoes.
    await expect.poll(() => undo.evaluate((b) => b === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    const back = await waitForState(server, lab, (s) => s.vps.some((v) => v.id === 'mail-1'));
    const again = back.vps.find((v) => v.id === 'mail-1')!;
    expect({ ...again, load: undefined }).toEqual({ ...plan, load: undefined });
    await card.waitFor({ timeout: 10_000 });
    expect((await cardColours(page))['mail-1']).toBe(colour);
    await page.getByTestId('undo-remove').waitFor({ state: 'detached' });
    expect(errors).toEqual([]);
  }, 60_000);

  test('Reset lab, once confirmed, goes back to the scenario start', async ({ server, open }) => {
    const lab = await createLab(server, { preset: 'demo' });
    for (const body of [{ type: 'setMode', mode: 'full' }, { type: 'removeVps', vps: 'db-1' }])
      expect((await api(server, `/api/labs/${lab}/commands`, { body })).status).toBe(200);
    const { page, errors } = await open(`/?lab=${lab}`);
    await expect.poll(() => page.getByLabel('Virtualization mode').inputValue(), { timeout: 15_000 }).toBe('full');
    const tickBefore = (await labState(server, lab)).tick;
    await page.getByRole('button', { name: 'Reset lab' }).click();
    await page.getByRole('group', { name: 'Confirm reset' }).getByRole('button', { name: 'Reset' }).click();
    const s = await waitForState(server, lab, (s) => s.mode === 'para' && s.vps.some((v) => v.id === 'db-1'));
    expect(s.tick).toBeLessThan(tickBefore + 10);
    await expect.poll(() => page.getByLabel('Virtualization mode').inputValue()).toBe('para');
    await page.getByTestId('vps-card-db-1').waitFor({ timeout: 10_000 });
    await expect.poll(() => page.getByTestId('event-log').textContent()).toMatch(/lab reset to its start/);
    expect(errors).toEqual([]);
  }, 60_000);

  test('a phone gets one column, the charts before the VPS cards, no sideways scroll, every VPS named in full, a swipe on a chart scrolls', async ({ server, open }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const { page, errors } = await open(`/?lab=${lab}`, { width: 390, height: 844, touch: true });
    await waitChartsPast(page, 0);
    await page.getByTestId('vps-card-web-1').waitFor();
    const widths = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
    expect(widths[0]).toBeLessThanOrEqual(widths[1]);
    expect(await clippedText(page)).toEqual([]);
    const chartTop = (await page.getByTestId('chart-p99').boundingBox())!.y;
    const cardTop = (await page.getByTestId('vps-card-web-1').boundingBox())!.y;
    expect(chartTop).toBeLessThan(cardTop);
    // Below the fold too: no card cuts its VPS's name short ("d…" for db-1).
    for (const id of ['web-1', 'db-1', 'cache-1', 'batch-1', 'ci-1', 'mail-1']) {
      const name = page.getByTestId(`vps-card-${id}`).getByRole('heading', { name: id });
      await name.scrollIntoViewIfNeeded();
      expect(await name.evaluate((h) => h.scrollWidth <= h.clientWidth), `${id} named in full`).toBe(true);
    }
    // A finger's targets: no control under 24 px high (WCAG 2.2 target size; the desktop's are 17–22 px).
    const small = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>('button, select, input, summary'))
        .filter((e) => e.offsetParent !== null)
        .map((e) => [e.getAttribute('aria-label') ?? e.textContent!.trim().slice(0, 24), e.getBoundingClientRect().height] as const)
        .filter(([, h]) => h < 24)
        .map(([n, h]) => `${n} ${Math.round(h)} px`),
    );
    expect(small).toEqual([]);
    // The colour legend shows whole chips: none cut by the bottom of its box (touch chips are taller).
    const cut = await page.getByRole('list', { name: /VPS colours/ }).evaluate((ul) => {
      const box = ul.getBoundingClientRect();
      return Array.from(ul.querySelectorAll('button'))
        .map((b) => [b.textContent!.trim(), b.getBoundingClientRect()] as const)
        .filter(([, r]) => r.top < box.bottom - 0.5 && r.bottom > box.bottom + 0.5)
        .map(([name]) => name);
    });
    expect(cut).toEqual([]);
    // A vertical swipe that starts on a chart scrolls the page: most of a phone's screen is charts.
    await page.evaluate(() => scrollTo(0, 0));
    await expect.poll(() => page.evaluate(() => scrollY)).toBe(0);
    const box = (await page.getByTestId('chart-p99').locator('[role="img"]').boundingBox())!;
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x, y }] });
    for (let i = 1; i <= 8; i++)
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x, y: y - i * 20 }] });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await expect.poll(() => page.evaluate(() => scrollY), { timeout: 5_000 }).toBeGreaterThan(60);
    expect(errors).toEqual([]);
  }, 60_000);

  test('a lab of 64 VPSs keeps its charts on screen at 1280×720: the legend scrolls, every VPS in it', async ({ server, open }) => {
    const base = presetScenario('demo');
    const vps = Array.from({ length: 64 }, (_, i) => ({ ...base.vps[i % base.vps.length], id: `vm-${i}` }));
    const host = { ...base.host, cores: 64, ramGiB: 512, diskIops: 200_000, netMbps: 40_000 };
    const lab = await createLab(server, { scenario: { ...base, name: 'big lab', mode: 'container', host, vps } });
    const { page, errors } = await open(`/?lab=${lab}`, { width: 1280, height: 720 });
    await waitChartsPast(page, 1);
    const legend = page.getByRole('list', { name: /VPS colours/ });
    expect(await legend.getByRole('button').count()).toBe(64);
    expect((await legend.boundingBox())!.height).toBeLessThanOrEqual(50);
    // The last VPS is reached by scrolling the legend, and focusing it works.
    await legend.getByRole('button', { name: 'Focus on vm-63 on the charts' }).click();
    await page.getByTestId('focus-chip').waitFor();
    for (const id of ['chart-p99', 'chart-throughput', 'chart-steal']) {
      const box = (await page.getByTestId(id).boundingBox())!;
      expect(box.y + box.height, `${id} ends on screen`).toBeLessThanOrEqual(720);
      expect(box.height, `${id} height`).toBeGreaterThanOrEqual(145);
    }
    expect(errors).toEqual([]);
  }, 60_000);

  test('at 1024×768 the header wraps rather than pushing the page sideways', async ({ server, open }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const { page, errors } = await open(`/?lab=${lab}`, { width: 1024, height: 768 });
    await page.getByTestId('sim-time').waitFor({ timeout: 15_000 });
    await waitChartsPast(page, 0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024);
    const box = (await page.getByRole('button', { name: 'Export charts as PNG' }).boundingBox())!;
    expect(box.x + box.width, 'the last header button is on screen').toBeLessThanOrEqual(1024);
    expect(errors).toEqual([]);
  }, 60_000);

  for (const [w, h] of [
    [1280, 720],
    [1920, 1080],
  ]) {
    test(`at ${w}×${h} no text is cut off and blame and log are on screen`, async ({ server, open }) => {
      const lab = await createLab(server, { preset: 'demo' });
      expect((await api(server, `/api/labs/${lab}/commands`, { body: { type: 'startFault', vps: 'batch-1', fault: 'cpu_hog' } })).status).toBe(200);
      const { page, errors } = await open(`/?lab=${lab}`, { width: w, height: h });
      await waitChartsPast(page, 3);
      await page.getByTestId('event-log').waitFor();
      await page.getByTestId('culprit-batch-1').first().waitFor({ timeout: 15_000 });
      expect(await clippedText(page)).toEqual([]);
      // Six charts, none squashed: each keeps a readable height.
      for (const id of ['chart-p99', 'chart-throughput', 'chart-disk', 'chart-steal', 'chart-health', 'chart-host']) {
        const box = (await page.getByTestId(id).boundingBox())!;
        expect(box.height, `${id} height`).toBeGreaterThanOrEqual(h >= 1000 ? 240 : 145);
        expect(box.x + box.width, `${id} ends on screen`).toBeLessThanOrEqual(w);
      }
      for (const id of ['who-hurts-whom', 'event-log']) {
        const box = (await page.getByTestId(id).boundingBox())!;
        expect(box.y + box.height, `${id} ends on screen`).toBeLessThanOrEqual(h);
        expect(box.height, `${id} has room to be read`).toBeGreaterThanOrEqual(150);
      }
      // Under fixed quotas the host shows the idle cores nobody may use: one tile more, none cut.
      expect((await api(server, `/api/labs/${lab}/commands`, { body: { type: 'setMode', mode: 'full' } })).status).toBe(200);
      await page.getByTestId('host-idle').waitFor({ timeout: 15_000 });
      expect(await clippedText(page)).toEqual([]);
      const spill = await page.getByTestId('host-panel').evaluate((p) =>
        Array.from(p.querySelectorAll<HTMLElement>('[data-testid^="host-"]'))
          .filter((t) => t.scrollWidth > t.clientWidth + 1)
          .map((t) => `${t.dataset.testid} ${t.scrollWidth}>${t.clientWidth}`),
      );
      expect(spill).toEqual([]);
      expect(errors).toEqual([]);
    }, 60_000);
  }
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
      await waitForPlotted(page, 'chart-disk', id, { above: Math.max(before[id] * 2, before[id] + 1) }, 20_000);
    expect(errors).toEqual([]);
  }, 60_000);
});
