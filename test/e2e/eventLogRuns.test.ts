/**
 * The event log says a run of one slider's steps once: a keyboard moving batch-1's CPU slider
 * from 60 % to 100 % sends one command per key press (each applied and logged by the server),
 * and the log filled with "batch-1: load cpu 65 %", "… 70 %", … pushing the fault started
 * just before out of view.
 */
import { describe, expect } from 'vitest';
import { browserTest } from './fixture.js';
import { api, unwrap } from './harness.js';
import { createLab, waitChartsPast } from './lab.js';
import type { LabEvent } from '../../shared/protocol.js';

const test = browserTest();

describe('event log', () => {
  test('a run of one slider’s steps is one line with its last value and how many; other entries stay apart', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const { page, errors } = await open(`/?lab=${lab}`);
    await waitChartsPast(page, 0);
    await page.getByRole('button', { name: 'Start cpu_hog on ci-1' }).click();
    const slider = page.getByLabel('batch-1 CPU load');
    await slider.focus();
    for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowRight');
    const end = (await slider.getAttribute('aria-valuetext'))!.replace(/ %.*/, ' %');
    // The server applied and logged each step.
    const setLoads = async (): Promise<number> =>
      unwrap<LabEvent[]>((await api<unknown>(server, `/api/labs/${lab}/events`)).body).filter(
        (e) => e.command?.type === 'setLoad',
      ).length;
    await expect.poll(setLoads, { timeout: 15_000 }).toBe(8);

    const log = page.getByTestId('event-log');
    const loadLines = log.locator('li', { hasText: 'batch-1: load cpu' });
    // The line is re-rendered as steps join it: read it now, never waiting on one re-rendered away.
    const firstLoadLine = async () => (await loadLines.allTextContents())[0];
    await expect.poll(firstLoadLine, { timeout: 10_000 }).toContain(end);
    expect(await loadLines.count(), 'lines for the run of steps').toBe(1);
    expect(await firstLoadLine()).toMatch(/8 changes/);
    expect(await log.locator('li', { hasText: 'cpu_hog started on ci-1' }).count()).toBe(1);
    // A step of another slider is a line of its own.
    await page.getByLabel('batch-1 memory load').focus();
    await page.keyboard.press('ArrowRight');
    await log.locator('li', { hasText: 'batch-1: load mem' }).waitFor({ timeout: 10_000 });
    expect(await loadLines.count()).toBe(1);
    expect(errors).toEqual([]);
  }, 60_000);
});
