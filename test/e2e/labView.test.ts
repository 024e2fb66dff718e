/**
 * The dashboard's second pass, as a user meets it: Compare forks the lab at its current tick with
 * two fixed modes on shared axes; colours agree across browsers and survive a removal; fault
 * buttons leave the focus alone; Remove asks and can be undone; Reset lab goes back to the start;
 * a lab made from a preset opens at once. What fits on which screen is in screenSizes.test.ts.
 */
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTest } from './fixture.js';
import { api } from './harness.js';
import {
  advanceTo,
  attributeNow,
  byTestId,
  createLab,
  labState,
  series,
  textNow,
  waitChartsPast,
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

describe('dashboard, second pass', () => {
  test('Compare forks the lab at its current tick: both modes kept, same state, shared y axes', async ({
    server,
    open,
  }) => {
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
    // Each poll reads the page now: a read that waits holds a poll 30 s on an element re-rendered away.
    await expect.poll(() => textNow(page, byTestId('compare-mode-0'))).toMatch(/para/i);
    await expect.poll(() => textNow(page, byTestId('compare-mode-1'))).toMatch(/full/i);
    for (const kind of ['p99', 'throughput']) {
      await expect
        .poll(
          async () => {
            const [a, b] = [
              await attributeNow(page, byTestId(`compare-${kind}-para`), 'data-y-range'),
              await attributeNow(page, byTestId(`compare-${kind}-full`), 'data-y-range'),
            ];
            return a && a === b ? a : `${a} ≠ ${b}`;
          },
          { timeout: 15_000 },
        )
        .toMatch(/^[\d.e+-]+:[\d.e+-]+$/);
    }
    // Both sides start with the source's past up to the fork, not a blank chart.
    for (const slot of [0, 1]) {
      const held = await series(page, 'web-1', 'latencyP99Ms', slot);
      expect(held.t[0], `side ${slot} starts before the fork`).toBeLessThan(before.tick / 10 - 10);
    }
    // At 1280×720 every plot is tall enough to read (its y labels apart), the column scrolling instead.
    const short = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>('[data-testid^="compare-"] [role="img"]'))
        .map(
          (p) => [p.closest('figure')!.dataset.testid, Math.round(p.getBoundingClientRect().height)] as const,
        )
        .filter(([, h]) => h < 100),
    );
    expect(short).toEqual([]);
    // A compare lab keeps its modes: the mode menu is locked.
    expect(await page.getByLabel('Virtualization mode').isDisabled()).toBe(true);
    // The side-by-side table fits its panel at 1280 px, a state apart from its health figure.
    // The row the poll saw is the one checked: it re-renders each tick.
    let row = '';
    await expect
      .poll(async () => (row = (await textNow(page, byTestId('compare-row-batch-1'), 'innerText')) ?? ''), {
        timeout: 15_000,
      })
      .toMatch(/degraded|dnr|down/);
    expect(row).not.toMatch(/\d(degraded|dnr|down|rebooting)/);
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
    // Each row's two plots start level and are as tall, however differently their captions wrap.
    const uneven = () =>
      page.evaluate(() =>
        ['p99', 'throughput', 'disk', 'steal', 'health'].flatMap((kind) => {
          const [a, b] = ['para', 'full'].map((m) =>
            document
              .querySelector(`[data-testid="compare-${kind}-${m}"] [role="img"]`)!
              .getBoundingClientRect(),
          );
          return Math.abs(a.top - b.top) > 1 || Math.abs(a.height - b.height) > 1
            ? [
                `${kind}: para ${Math.round(a.top)}+${Math.round(a.height)}, full ${Math.round(b.top)}+${Math.round(b.height)}`,
              ]
            : [];
        }),
      );
    await expect.poll(uneven).toEqual([]);
    expect(errors).toEqual([]);
  }, 60_000);

  test('every browser draws each VPS in the same colour, and a removal reshuffles nothing', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const a = await open(`/?lab=${lab}`);
    const b = await open(`/?lab=${lab}`);
    for (const p of [a.page, b.page]) await p.getByTestId('vps-card-mail-1').waitFor({ timeout: 15_000 });
    const ca = await cardColours(a.page);
    expect(Object.keys(ca)).toHaveLength(6);
    expect(new Set(Object.values(ca)).size).toBe(6);
    expect(await cardColours(b.page)).toEqual(ca);
    expect(
      (await api(server, `/api/labs/${lab}/commands`, { body: { type: 'removeVps', vps: 'web-1' } })).status,
    ).toBe(200);
    for (const p of [a.page, b.page]) {
      await p.getByTestId('vps-card-web-1').waitFor({ state: 'detached', timeout: 10_000 });
      const { ['web-1']: _gone, ...rest } = ca;
      expect(await cardColours(p)).toEqual(rest);
    }
    expect([...a.errors, ...b.errors]).toEqual([]);
  }, 60_000);

  test('a fault button leaves the chart focus alone; focus is a chip that says so', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const { page, errors } = await open(`/?lab=${lab}`);
    await waitChartsPast(page, 0);
    // Where each card's controls sit: they must hold still while the reasons above them change.
    // Each card is measured on screen: one scrolled out of view is not laid out (content-visibility),
    // and what a forced layout of it gives is not what a user scrolling to it sees.
    const controls = () =>
      page.evaluate(async () => {
        const out: [string | null, number, number][] = [];
        for (const c of Array.from(document.querySelectorAll('[data-testid^="vps-card-"]'))) {
          c.scrollIntoView({ block: 'nearest' });
          await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
          const b = c.querySelector('[role="group"][aria-label^="Misbehaviours"]')!.getBoundingClientRect();
          out.push([
            c.getAttribute('data-testid'),
            Math.round(b.top - c.getBoundingClientRect().top),
            Math.round(c.getBoundingClientRect().height),
          ]);
        }
        return out;
      });
    const quiet = await controls();
    await page.getByRole('button', { name: 'Start cpu_hog on batch-1' }).click();
    await waitForState(server, lab, (s) => s.faults.some((f) => f.vps === 'batch-1'));
    await expect
      .poll(() => attributeNow(page, byTestId('explain-db-1'), 'class'), { timeout: 10_000 })
      .not.toMatch(/quiet/);
    expect(await controls(), 'the controls moved when the reasons changed').toEqual(quiet);
    expect(await page.getByTestId('focus-chip').count()).toBe(0);
    await page.getByRole('button', { name: 'Focus the charts on web-1' }).click();
    const chip = () => textNow(page, byTestId('focus-chip'));
    await expect.poll(chip).toMatch(/Focus: web-1/);
    await page.getByRole('button', { name: 'Start io_storm on db-1' }).click();
    await waitForState(server, lab, (s) => s.faults.some((f) => f.vps === 'db-1'));
    expect(await chip()).toMatch(/Focus: web-1/);
    await page.getByTestId('focus-chip').click();
    await expect.poll(() => page.getByTestId('focus-chip').count()).toBe(0);
    expect(errors).toEqual([]);
  }, 60_000);

  test('the colour legend says which VPS the charts fade for running a fault, and stops saying it when the fault ends', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const { page, errors } = await open(`/?lab=${lab}`);
    await waitChartsPast(page, 0);
    const legend = page.getByRole('list', { name: /VPS colours/ });
    const chip = (id: string, faded: boolean) =>
      legend.getByRole('button', {
        name: `Focus on ${id} on the charts${faded ? '; faded there while it runs a fault' : ''}`,
        exact: true,
      });
    await chip('batch-1', false).waitFor();
    await page.getByRole('button', { name: 'Start cpu_hog on batch-1' }).click();
    // batch-1's steal is the one line its chart draws above 0: faded, it must not read as "faint: throttled".
    await chip('batch-1', true).waitFor({ timeout: 10_000 });
    for (const id of ['web-1', 'db-1', 'cache-1', 'ci-1', 'mail-1'])
      expect(await chip(id, false).count(), id).toBe(1);
    // Focused on batch-1, the charts draw it bold: the chip no longer calls it faded.
    await chip('batch-1', true).click();
    await page.getByTestId('focus-chip').waitFor();
    expect(await legend.getByRole('button', { name: /faded there/ }).count()).toBe(0);
    await page.getByTestId('focus-chip').click();
    await chip('batch-1', true).waitFor();
    await page.getByRole('button', { name: 'Stop cpu_hog on batch-1' }).click();
    await chip('batch-1', false).waitFor({ timeout: 10_000 });
    expect(errors).toEqual([]);
  }, 60_000);

  test('Remove asks first, and Undo, offered until used or dismissed, brings the VPS back with its plan and colour', async ({
    server,
    open,
  }) => {
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
    // (It moves once the page's state no longer holds the card, which on a loaded machine can come
    // well after the acknowledgement that showed Undo.)
    await expect
      .poll(() => undo.evaluate((b) => b === document.activeElement), { timeout: 15_000 })
      .toBe(true);
    // The link lost and back (here the server restarting; a laptop waking or a dropped network does
    // the same) leaves the focus on Undo: it says it cannot act while offline, and does nothing.
    const hasFocus = () => undo.evaluate((b) => b === document.activeElement);
    const banner = page.getByTestId('disconnected-banner');
    await server.stop();
    await banner.waitFor({ timeout: 15_000 });
    expect(await hasFocus(), 'the focus while offline').toBe(true);
    expect(await undo.getAttribute('aria-disabled'), 'Undo while offline').toBe('true');
    await page.keyboard.press('Enter');
    await server.restart();
    await banner.waitFor({ state: 'detached', timeout: 30_000 });
    await expect
      .poll(() => attributeNow(page, `${byTestId('undo-remove')} button.primary`, 'aria-disabled'), {
        timeout: 15_000,
      })
      .toBe('false');
    expect(await hasFocus(), 'the focus once back online').toBe(true);
    expect(
      (await labState(server, lab)).vps.some((v) => v.id === 'mail-1'),
      'Enter while offline',
    ).toBe(false);
    await page.keyboard.press('Enter');
    const back = await waitForState(server, lab, (s) => s.vps.some((v) => v.id === 'mail-1'));
    const again = back.vps.find((v) => v.id === 'mail-1')!;
    expect({ ...again, load: undefined }).toEqual({ ...plan, load: undefined });
    await card.waitFor({ timeout: 10_000 });
    expect((await cardColours(page))['mail-1']).toBe(colour);
    await page.getByTestId('undo-remove').waitFor({ state: 'detached' });
    // The browser reports the refused reconnections; nothing else may go wrong.
    expect(errors.filter((e) => !/WebSocket connection .* failed/.test(e))).toEqual([]);
  }, 90_000);

  test('a lab made from a preset opens at once, and the picker starts blank again; a reset asked on one lab is not carried to the next', async ({
    server,
    open,
  }) => {
    const other = await createLab(server, { preset: 'demo' });
    const { page, errors } = await open(`/?lab=${other}`);
    await page.getByTestId('vps-card-web-1').waitFor({ timeout: 15_000 });
    const picker = page.getByLabel('Preset', { exact: true });
    const create = page.getByRole('button', { name: 'Create lab' });
    await picker.selectOption({ label: 'SRE incident: a noisy batch box' });
    await create.click();
    await page.waitForURL((u) => u.searchParams.get('lab') !== other, { timeout: 15_000 });
    const made = new URL(page.url()).searchParams.get('lab')!;
    expect((await labState(server, made)).name).toMatch(/^SRE incident/);
    await page.getByTestId('vps-card-batch-1').waitFor({ timeout: 15_000 });
    // It showed the preset just used, with Create lab live: a second press made "SRE incident 2".
    expect(await picker.inputValue()).toBe('');
    expect(await create.isDisabled()).toBe(true);
    // "Back to the start?" asked here must not stay up, armed, once the page shows another lab.
    await page.getByRole('button', { name: 'Reset lab' }).click();
    await page.getByRole('group', { name: 'Confirm reset' }).waitFor();
    await page.getByLabel('Lab', { exact: true }).selectOption(other);
    await page.waitForURL((u) => u.searchParams.get('lab') === other);
    await page.getByTestId('vps-card-web-1').waitFor({ timeout: 15_000 });
    expect(await page.getByRole('group', { name: 'Confirm reset' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Reset lab' }).isVisible()).toBe(true);
    expect(errors).toEqual([]);
  }, 60_000);

  test('Reset lab, once confirmed, goes back to the scenario start', async ({ server, open }) => {
    const lab = await createLab(server, { preset: 'demo' });
    for (const body of [
      { type: 'setMode', mode: 'full' },
      { type: 'removeVps', vps: 'db-1' },
    ])
      expect((await api(server, `/api/labs/${lab}/commands`, { body })).status).toBe(200);
    const { page, errors } = await open(`/?lab=${lab}`);
    await expect
      .poll(() => page.getByLabel('Virtualization mode').inputValue(), { timeout: 15_000 })
      .toBe('full');
    const tickBefore = (await labState(server, lab)).tick;
    await page.getByRole('button', { name: 'Reset lab' }).click();
    await page.getByRole('group', { name: 'Confirm reset' }).getByRole('button', { name: 'Reset' }).click();
    const s = await waitForState(server, lab, (s) => s.mode === 'para' && s.vps.some((v) => v.id === 'db-1'));
    expect(s.tick).toBeLessThan(tickBefore + 10);
    await expect.poll(() => page.getByLabel('Virtualization mode').inputValue()).toBe('para');
    await page.getByTestId('vps-card-db-1').waitFor({ timeout: 10_000 });
    await expect.poll(() => textNow(page, byTestId('event-log'))).toMatch(/lab reset to its start/);
    expect(errors).toEqual([]);
  }, 60_000);
});
