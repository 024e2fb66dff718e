/**
 * A compare lab's exports: each side's session downloads as its own scenario file, named for its
 * mode and byte for byte what REST's `scenario?download&side=0|1` gives (the file the runner
 * replays), and the CSV holds both modes. On a phone both sit in the header's menu.
 */
import { describe, expect } from 'vitest';
import type { Download, Locator, Page } from 'playwright-core';
import { browserTest } from './fixture.js';
import type { RunningServer } from './harness.js';
import { createLab, stepTo } from './lab.js';

const test = browserTest();

async function restBytes(server: RunningServer, path: string): Promise<Buffer> {
  const r = await fetch(`${server.url}${path}`);
  expect(r.status, path).toBe(200);
  return Buffer.from(await r.arrayBuffer());
}

/** What pressing `how` on a link downloads: its name and its bytes. */
async function download(
  page: Page,
  link: Locator,
  how: (l: Locator) => Promise<void>,
): Promise<{ name: string; bytes: Buffer }> {
  const [d] = (await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), how(link)])) as [
    Download,
    void,
  ];
  // Read through the browser's connection: a browser reached over its WebSocket has no local path.
  const chunks: Buffer[] = [];
  for await (const chunk of await d.createReadStream()) chunks.push(chunk as Buffer);
  return { name: d.suggestedFilename(), bytes: Buffer.concat(chunks) };
}

const click = (l: Locator) => l.click();
const enter = async (l: Locator) => {
  await l.focus();
  await l.page().keyboard.press('Enter');
};
const tap = (l: Locator) => l.tap();

/** A paused compare lab, para beside full, some ticks in and with a command in its log. */
async function pausedCompareLab(server: RunningServer, id: string): Promise<string> {
  const lab = await createLab(server, { preset: 'demo', compare: ['para', 'full'], id });
  await stepTo(server, lab, 40);
  const r = await fetch(`${server.url}/api/labs/${lab}/commands`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'startFault', vps: 'batch-1', fault: 'cpu_hog', durationS: 30 }),
  });
  expect(r.status).toBe(200);
  await stepTo(server, lab, 80);
  return lab;
}

describe('the compare view exports each side', () => {
  for (const [width, height] of [
    [1280, 720],
    [1920, 1080],
  ])
    test(`${width}×${height}: the para and full scenarios are REST's side=0 and side=1`, async ({
      server,
      open,
    }) => {
      const lab = await pausedCompareLab(server, `cmp-${width}`);
      const { page, errors } = await open(`/?lab=${lab}&view=compare`, { width, height });
      await page.getByTestId('compare-view').waitFor();
      const exports = page.getByRole('group', { name: 'Export' });
      const para = exports.getByRole('link', { name: 'Export scenario (para)', exact: true });
      const full = exports.getByRole('link', { name: 'Export scenario (full)', exact: true });
      await para.waitFor({ timeout: 15_000 });
      expect(await exports.getByRole('link', { name: 'Export scenario', exact: true }).count()).toBe(0);
      // Seen: the word once, then each side's mode on its own button.
      expect((await exports.innerText()).replace(/\s+/g, ' ')).toContain('Scenario para full');
      expect(await para.textContent()).toBe('para');
      expect(await full.textContent()).toBe('full');

      const left = await download(page, para, click);
      const right = await download(page, full, enter);
      expect(left.name).toBe(`${lab}-para-scenario.json`);
      expect(right.name).toBe(`${lab}-full-scenario.json`);
      expect(left.bytes.equals(await restBytes(server, `/api/labs/${lab}/scenario?download&side=0`))).toBe(
        true,
      );
      expect(right.bytes.equals(await restBytes(server, `/api/labs/${lab}/scenario?download&side=1`))).toBe(
        true,
      );
      // Each is the session of its own mode, the command included.
      for (const [file, mode] of [
        [left, 'para'],
        [right, 'full'],
      ] as const) {
        const s = JSON.parse(file.bytes.toString('utf8')) as {
          mode: string;
          events: { type: string }[];
        };
        expect(s.mode).toBe(mode);
        expect(s.events.map((e) => e.type)).toContain('startFault');
      }

      // One CSV holds both modes, told apart by its mode column.
      const csv = await download(
        page,
        exports.getByRole('link', { name: 'Export metrics of both modes as CSV', exact: true }),
        click,
      );
      expect(csv.name).toBe(`${lab}-metrics.csv`);
      expect(csv.bytes.equals(await restBytes(server, `/api/labs/${lab}/metrics.csv`))).toBe(true);
      const rows = csv.bytes.toString('utf8').trim().split('\n');
      const modeCol = rows[0].split(',').indexOf('mode');
      expect(new Set(rows.slice(1).map((r) => r.split(',')[modeCol]))).toEqual(new Set(['para', 'full']));
      expect(errors).toEqual([]);
    }, 60_000);

  test('390×844: both sides download from the header menu', async ({ server, open }) => {
    const lab = await pausedCompareLab(server, 'cmp-phone');
    const { page, errors } = await open(`/?lab=${lab}&view=compare`, {
      width: 390,
      height: 844,
      touch: true,
    });
    await page.getByTestId('compare-view').waitFor();
    const more = page.getByRole('button', { name: 'More controls' });
    const menu = page.locator('#header-menu');
    for (const [side, mode] of [
      [0, 'para'],
      [1, 'full'],
    ] as const) {
      if ((await more.getAttribute('aria-expanded')) !== 'true') await more.tap();
      const link = menu.getByRole('link', { name: `Export scenario (${mode})`, exact: true });
      await link.waitFor({ timeout: 15_000 });
      const box = (await link.boundingBox())!;
      expect(box.x >= 0 && box.x + box.width <= 390, `Scenario (${mode}) within the screen's width`).toBe(
        true,
      );
      const got = await download(page, link, tap);
      expect(got.name).toBe(`${lab}-${mode}-scenario.json`);
      expect(
        got.bytes.equals(await restBytes(server, `/api/labs/${lab}/scenario?download&side=${side}`)),
      ).toBe(true);
    }
    expect(errors).toEqual([]);
  }, 60_000);
});
