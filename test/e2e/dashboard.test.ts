/**
 * Journey 1, first steps: the demo lab is live on load, and a slider moved with the keyboard
 * changes the server's state and what the charts draw.
 */
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTest } from './fixture.js';
import {
  advanceTo,
  CHARTS,
  canvasHasInk,
  createLab,
  plotted,
  waitChartsPast,
  waitForPlotted,
  waitForState,
} from './lab.js';

const test = browserTest();

describe('dashboard', () => {
  test('opens on the demo lab with six named VPSs and four charts that keep painting', async ({ open }) => {
    const { page, errors } = await open(`/`);
    await page.waitForURL(/[?&]lab=demo\b/, { timeout: 10_000 });
    for (const id of ['web-1', 'db-1', 'cache-1', 'batch-1', 'ci-1', 'mail-1']) {
      await page.getByTestId(`vps-card-${id}`).waitFor({ timeout: 10_000 });
    }
    expect(await page.locator('[data-testid^="vps-card-"]').count()).toBe(6);
    await expect.poll(() => page.getByLabel('Virtualization mode').inputValue()).toBe('para');

    const first = await waitChartsPast(page, 0);
    // Moving: every chart redraws with newer ticks, not just once.
    await waitChartsPast(page, first + 5);
    for (const id of CHARTS) {
      expect(Number.isFinite(await plotted(page, id, 'web-1')), `${id} plots web-1`).toBe(true);
      expect(await canvasHasInk(page, id), `${id} has drawn lines`).toBe(true);
    }
    expect(errors).toEqual([]);
  }, 60_000);

  test('nothing moves by itself for a user who asked for reduced motion; the Live dot pulses for the others', async ({
    open,
  }) => {
    // The CSS animations running now, by name and element.
    const running = (page: Page) =>
      page.evaluate(() =>
        document
          .getAnimations()
          .filter((a) => a.playState === 'running')
          .map(
            (a) =>
              `${(a as CSSAnimation).animationName} on ${(a.effect as KeyframeEffect).target?.className}`,
          ),
      );
    const still = await open('/?lab=demo', { reducedMotion: 'reduce' });
    await still.page.getByTestId('follow-status').filter({ hasText: 'Live' }).waitFor({ timeout: 15_000 });
    expect(await running(still.page)).toEqual([]);
    const moving = await open('/?lab=demo', { reducedMotion: 'no-preference' });
    await moving.page.getByTestId('follow-status').filter({ hasText: 'Live' }).waitFor({ timeout: 15_000 });
    await expect.poll(() => running(moving.page)).toContainEqual(expect.stringMatching(/pulse/));
    expect([...still.errors, ...moving.errors]).toEqual([]);
  }, 60_000);

  test('moves batch-1 CPU load with the keyboard: the server takes it and the throughput chart follows', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo' });
    await advanceTo(server, lab, 10);
    const { page, errors } = await open(`/?lab=${lab}`);
    await waitChartsPast(page, 10);
    const slider = page.getByRole('slider', { name: 'batch-1 CPU load' });
    const before = await waitForPlotted(page, 'chart-throughput', 'batch-1', { above: 0 });
    const startLoad = (await waitForState(server, lab, () => true)).vps.find((v) => v.id === 'batch-1')!.load
      .cpu;

    await slider.focus();
    await page.keyboard.press('ArrowRight');
    const stepped = Number(await slider.inputValue()) / 100;
    expect(stepped).toBeGreaterThan(startLoad);
    await waitForState(
      server,
      lab,
      (s) => Math.abs(s.vps.find((v) => v.id === 'batch-1')!.load.cpu - stepped) < 1e-9,
    );

    await page.keyboard.press('End');
    const s = await waitForState(server, lab, (s) => s.vps.find((v) => v.id === 'batch-1')!.load.cpu === 4);
    expect(s.vps.find((v) => v.id === 'web-1')!.load.cpu, 'only batch-1 moved').not.toBe(4);
    await expect.poll(() => slider.getAttribute('aria-valuetext')).toBe('400 % of plan (overload)');
    // Demand far beyond its plan: batch-1 now serves clearly more than before.
    const after = await waitForPlotted(page, 'chart-throughput', 'batch-1', { above: before * 1.5 });
    expect(after).toBeGreaterThan(before * 1.5);

    await page.keyboard.press('Home');
    await waitForState(server, lab, (s) => s.vps.find((v) => v.id === 'batch-1')!.load.cpu === 0);
    await waitForPlotted(page, 'chart-throughput', 'batch-1', { below: before * 0.5 });
    expect(errors).toEqual([]);
  }, 60_000);

  test('a drag of batch-1 CPU slider onto its 100 % mark sets exactly 100 % of the plan', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const { page, errors } = await open(`/?lab=${lab}`);
    const slider = page.getByRole('slider', { name: 'batch-1 CPU load' });
    await slider.waitFor({ timeout: 15_000 });
    await slider.focus();
    await page.keyboard.press('Home');
    await waitForState(server, lab, (s) => s.vps.find((v) => v.id === 'batch-1')!.load.cpu === 0);
    const track = (await slider.boundingBox())!;
    const mark = (await slider
      .locator('xpath=following-sibling::i[contains(@class, "zone")]')
      .boundingBox())!;
    const y = track.y + track.height / 2;
    // The thumb stands at 0: its centre 8 px in. Drag it by its centre onto the middle of the mark's 2 px line.
    await page.mouse.move(track.x + 8, y);
    await page.mouse.down();
    await page.mouse.move(mark.x + 1, y, { steps: 8 });
    await page.mouse.up();
    await expect.poll(() => slider.getAttribute('aria-valuetext')).toBe('100 % of plan');
    await waitForState(server, lab, (s) => s.vps.find((v) => v.id === 'batch-1')!.load.cpu === 1);
    // The slider says its value itself: its figure beside it is no live region of its own, or a
    // screen reader would announce every slider's change from every browser.
    const sliders = await page.getByRole('slider').count();
    expect(sliders).toBeGreaterThanOrEqual(24);
    expect(await page.getByRole('status').count()).toBeLessThan(sliders / 4);
    expect(errors).toEqual([]);
  }, 60_000);

  test('on a slow network the page says it is loading instead of staying blank, then the lab takes its place', async ({
    server,
    browser,
  }) => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    try {
      const page = await context.newPage();
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      // The app's code is held back until the page has been looked at.
      await page.route('**/assets/*.js', async (route) => {
        await held;
        await route.continue();
      });
      await page.goto(`${server.url}/`, { waitUntil: 'commit' });
      const boot = page.getByRole('status').filter({ hasText: 'Loading Contention Lab' });
      await boot.waitFor({ timeout: 10_000 });
      expect(await boot.isVisible()).toBe(true);
      release();
      await page.getByTestId('vps-card-web-1').waitFor({ timeout: 20_000 });
      expect(await page.getByText('Loading Contention Lab').count()).toBe(0);
    } finally {
      await context.close();
    }
  }, 60_000);

  test('a keyboard gets past the VPS cards to the host and its faults in three key presses', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const { page, errors } = await open(`/?lab=${lab}`);
    await page.getByTestId('vps-card-mail-1').waitFor({ timeout: 15_000 });
    await page.keyboard.press('Tab');
    const skip = page.getByRole('button', { name: 'Skip to the host and charts' });
    await expect.poll(() => skip.evaluate((b) => b === document.activeElement)).toBe(true);
    const box = (await skip.boundingBox())!;
    expect(box.y, 'the skip button shows once focused').toBeGreaterThanOrEqual(0);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Crash Dom0');
    expect(errors).toEqual([]);
  }, 60_000);
});
