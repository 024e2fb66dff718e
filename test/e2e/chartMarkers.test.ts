/**
 * What the charts say about time, read from what they drew (`data-markers` on each chart figure:
 * the labels as laid out on the canvas and the plot area): a preset's scheduled events are on the
 * time axis before they fire, every mode switch carries its label with none overlapping or cut,
 * and the Dom0 chart draws Dom0's CPU over time, naming every line it draws.
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
  plotted,
  presetScenario,
  stepTo,
  textNow,
  waitChartsPast,
  waitForPlotted,
  waitForState,
} from './lab.js';

const test = browserTest();
const ALL_CHARTS = [
  'chart-p99',
  'chart-throughput',
  'chart-disk',
  'chart-steal',
  'chart-health',
  'chart-host',
];

interface Drawn {
  area: [number, number, number, number];
  labels: {
    text: string;
    t: number;
    kind: string;
    ahead: boolean;
    x: number;
    y: number;
    w: number;
    h: number;
  }[];
}

/** What a chart drew, read now (null when it is not on the page or drew nothing yet). */
async function drawn(page: Page, testid: string): Promise<Drawn | null> {
  const raw = await attributeNow(page, byTestId(testid), 'data-markers');
  return raw ? (JSON.parse(raw) as Drawn) : null;
}

/** Waits until `pred` holds for what a chart drew; returns it. */
async function waitDrawn(
  page: Page,
  testid: string,
  pred: (d: Drawn) => boolean,
  what: string,
): Promise<Drawn> {
  let last: Drawn | null = null;
  await expect
    .poll(
      async () => {
        last = await drawn(page, testid);
        return !!last && pred(last);
      },
      { timeout: 20_000 },
    )
    .toBe(true)
    .catch(() => {
      throw new Error(`${testid}: never drew ${what}; last drew ${JSON.stringify(last)}`);
    });
  return last!;
}

/** Every label inside the plot, whole (no ellipsis), and no two overlapping. */
function expectReadable(d: Drawn, testid: string): void {
  const [left, top, right, bottom] = d.area;
  for (const l of d.labels) {
    expect(l.x, `${testid} "${l.text}" starts in the plot`).toBeGreaterThanOrEqual(left);
    expect(l.x + l.w, `${testid} "${l.text}" ends in the plot`).toBeLessThanOrEqual(right + 0.5);
    expect(l.y, `${testid} "${l.text}" below the plot top`).toBeGreaterThanOrEqual(top);
    expect(l.y + l.h, `${testid} "${l.text}" above the plot bottom`).toBeLessThanOrEqual(bottom);
    for (const o of d.labels) {
      if (o === l) continue;
      const apart = l.x + l.w <= o.x || o.x + o.w <= l.x || l.y + l.h <= o.y || o.y + o.h <= l.y;
      expect(apart, `${testid}: "${l.text}" overlaps "${o.text}"`).toBe(true);
    }
  }
}

describe('chart markers', () => {
  test("a preset's scheduled events show on the time axis before they fire, then as what happened", async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { scenario: presetScenario('sre-incident', {}, true) });
    await stepTo(server, lab, 20);
    expect((await api(server, `/api/labs/${lab}/clock`, { body: { action: 'pause' } })).status).toBe(200);
    const s = await labState(server, lab);
    expect(s.tick).toBeLessThan(250);
    const { page, errors } = await open(`/?lab=${lab}`);
    await waitChartsPast(page, 0, ALL_CHARTS);
    for (const id of ALL_CHARTS) {
      // io_storm at 0:30 sits in the first minute's window; its stop at 1:15 is past the window's end.
      const d = await waitDrawn(
        page,
        id,
        (d) => d.labels.some((l) => l.ahead && l.text === '▸ io_storm on batch-1'),
        'io_storm ahead',
      );
      const stop =
        d.labels.find((l) => l.ahead && l.text.startsWith('▸ stop io_storm on batch-1 in '))?.text ?? '';
      const [, mm, ss] = /in (\d+):(\d\d)$/.exec(stop) ?? [];
      // The time left to its tick (750 at 100 ms), from the newest time the page holds.
      expect(Math.abs(Number(mm) * 60 + Number(ss) - (75 - s.tick / 10)), stop).toBeLessThanOrEqual(1.5);
      expectReadable(d, id);
    }
    // Five simulated minutes on, stepped at once: io_storm (tick 300) has fired, its stop not yet.
    await stepTo(server, lab, 320);
    expect((await api(server, `/api/labs/${lab}/clock`, { body: { action: 'resume' } })).status).toBe(200);
    const after = await waitDrawn(
      page,
      'chart-p99',
      (d) =>
        d.labels.some((l) => !l.ahead && l.text.startsWith('io_storm on batch-1')) &&
        !d.labels.some((l) => l.ahead && l.text.startsWith('▸ io_storm')),
      'io_storm fired',
    );
    expect(after.labels.some((l) => l.ahead && l.text.startsWith('▸ stop io_storm on batch-1'))).toBe(true);
    expect(errors).toEqual([]);
  }, 90_000);

  test('every mode switch is labelled on every chart, no label cut or overlapping another', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const { page, errors } = await open(`/?lab=${lab}`, { width: 1280, height: 720 });
    await waitChartsPast(page, 0, ALL_CHARTS);
    const modes = ['full', 'para', 'full', 'para', 'full'];
    for (const mode of modes) {
      const from = (await labState(server, lab)).tick;
      await page.getByLabel('Virtualization mode').selectOption(mode);
      await waitForState(server, lab, (s) => s.mode === mode);
      // Two seconds apart (stepped): close enough that their labels would collide in one row.
      await stepTo(server, lab, from + 20);
    }
    // Each switch is named, a quick run of them in one label ("mode → full → para → …").
    const named = (d: Drawn): string[] =>
      d.labels
        .filter((l) => l.kind === 'mode')
        .sort((a, b) => a.t - b.t)
        .flatMap((l) => l.text.replace(/^mode → /, '').split(' → '));
    for (const id of ALL_CHARTS) {
      const d = await waitDrawn(
        page,
        id,
        (d) => named(d).length >= modes.length,
        `${modes.length} mode switches named`,
      );
      expect(named(d), id).toEqual(modes);
      for (const l of d.labels.filter((l) => l.kind === 'mode'))
        expect(l.text).toMatch(/^mode( → (full|para))+$/);
      expectReadable(d, id);
    }
    expect(errors).toEqual([]);
  }, 90_000);
});

describe('compare view markers', () => {
  // A fork starts with its source's past but not its log: the band of a fault still running was
  // drawn with nothing saying what it was.
  test('a fault running when the lab is compared is marked where it started, on both sides', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo' });
    await stepTo(server, lab, 50);
    const hog = await api(server, `/api/labs/${lab}/commands`, {
      body: { type: 'startFault', vps: 'batch-1', fault: 'cpu_hog' },
    });
    expect(hog.status).toBe(200);
    const since = (await waitForState(server, lab, (s) => s.faults.length > 0)).faults[0].sinceTick;
    await advanceTo(server, lab, since + 30);
    const { page, errors } = await open(`/?lab=${lab}`);
    await page.getByTestId('vps-card-batch-1').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Compare' }).click();
    await page.waitForURL(/view=compare/, { timeout: 15_000 });
    for (const id of ['compare-p99-para', 'compare-p99-full', 'compare-health-full']) {
      const d = await waitDrawn(
        page,
        id,
        (d) => d.labels.some((l) => !l.ahead && l.text.startsWith('cpu_hog on batch-1')),
        'the cpu_hog that runs',
      );
      const label = d.labels.find((l) => l.text.startsWith('cpu_hog on batch-1'))!;
      expect(label.kind, id).toBe('fault');
      expect(Math.abs(label.t - since / 10), `${id}: marked at its start`).toBeLessThanOrEqual(0.15);
      expectReadable(d, id);
    }
    expect(errors).toEqual([]);
  }, 60_000);
});

describe('compare view fading', () => {
  // The dashboard fades a VPS running a fault of its own so its neighbours stand out; the compare
  // view drew the same lab's culprit at full strength, its line setting every chart's story.
  test('a VPS running a fault of its own is faded there as on the dashboard, the legend saying so', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo', compare: ['para', 'full'] });
    const hog = await api(server, `/api/labs/${lab}/commands`, {
      body: { type: 'startFault', vps: 'batch-1', fault: 'cpu_hog' },
    });
    expect(hog.status).toBe(200);
    const { page, errors } = await open(`/?lab=${lab}&view=compare`);
    await page.getByTestId('compare-p99-full').waitFor({ timeout: 15_000 });
    const legend = page.getByRole('list', { name: /VPS colours/ });
    await legend
      .getByRole('button', {
        name: 'Focus on batch-1 on the charts; faded there while it runs a fault',
        exact: true,
      })
      .waitFor({ timeout: 10_000 });
    expect(await legend.getByRole('button', { name: /faded there/ }).count()).toBe(1);
    await page.getByRole('button', { name: 'Dashboard', exact: true }).click();
    await page.getByTestId('chart-p99').waitFor({ timeout: 15_000 });
    await page
      .getByRole('list', { name: /VPS colours/ })
      .getByRole('button', { name: /^Focus on batch-1 on the charts; faded there/ })
      .waitFor({ timeout: 10_000 });
    expect(errors).toEqual([]);
  }, 60_000);
});

describe('Dom0 / host OS chart', () => {
  test('draws Dom0 CPU rising under an io_storm in para, and keys every line it draws across a mode switch', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { scenario: presetScenario('sre-incident') });
    // More than ten samples drawn before the storm, so the history below holds a past to compare:
    // stepped through at once.
    await advanceTo(server, lab, 12);
    const { page, errors } = await open(`/?lab=${lab}`);
    await waitChartsPast(page, 12, ['chart-host']);
    const host = page.getByTestId('chart-host');
    // The caption re-renders as the lines it keys come and go: each look reads it now.
    const caption = (part = '') => textNow(page, `${byTestId('chart-host')} figcaption${part}`);
    await expect.poll(() => caption()).toMatch(/Dom0 CPU/);
    const before = await plotted(page, 'chart-host', 'dom0CpuUtil');
    expect(before).toBeGreaterThanOrEqual(0);
    await page.getByRole('button', { name: 'Start io_storm on batch-1' }).click();
    await waitForPlotted(page, 'chart-host', 'dom0CpuUtil', { above: before + 10 }, 20_000);
    // The chart draws from a history, not one number: the samples before the storm are held, lower.
    const held = await page.evaluate(() =>
      (
        window as unknown as { __contention: { series(v: string, m: string): { t: number[]; v: number[] } } }
      ).__contention.series('', 'dom0CpuUtil'),
    );
    expect(held.v.length).toBeGreaterThan(10);
    expect(held.v[0] * 100).toBeLessThan(before + 5);
    expect(Math.max(...held.v) * 100).toBeGreaterThan(before + 10);
    await page.getByLabel('Virtualization mode').selectOption('hosted');
    await expect.poll(() => caption(' .title'), { timeout: 15_000 }).toBe('Host OS CPU');
    await waitForPlotted(page, 'chart-host', 'hostOsCpuUtil', { above: 0 }, 20_000);
    // Dom0's past is still drawn in the last minute, so its key stays beside the host OS's.
    const keys = (): Promise<string[]> => host.locator('figcaption .key').allTextContents();
    expect(await keys()).toEqual(['Dom0', 'host OS', 'all cores']);
    // Once Dom0's samples have scrolled out of the window, its key leaves with them.
    const switched = (await labState(server, lab)).tick;
    await advanceTo(server, lab, switched + 652);
    await expect.poll(keys, { timeout: 15_000 }).toEqual(['host OS', 'all cores']);
    expect(errors).toEqual([]);
  }, 90_000);
});
