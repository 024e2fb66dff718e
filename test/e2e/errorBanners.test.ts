/**
 * What the page says of an answer that is not a success, in a real Chromium against the real
 * server: a clock action that applied on a full disk (a real tmpfs DATA_DIR, filled) is said to
 * have applied and not be saved yet, not "refused"; a click over the command rate is said not to
 * have applied, and to be done again after a moment.
 */
import { unlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { api, openPage, startServer, type RunningServer } from './harness.js';
import { testBrowser } from './browser.js';
import { byTestId, textNow } from './lab.js';
import { fillDisk, smallTmpfs } from '../integration/disk.js';

const disk = smallTmpfs('banner-disk-');
const filler = path.join(disk.dir, 'filler');
let server: RunningServer | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  if (!disk.mounted) return;
  [server, browser] = await Promise.all([
    // One command a second (bursts of two): a third quick click is over the rate.
    startServer({ dataDir: path.join(disk.dir, 'data'), env: { COMMAND_RATE: '1' } }),
    testBrowser(),
  ]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop('SIGKILL');
  disk.release();
});

describe.skipIf(!disk.mounted)('error banners', () => {
  it('say that an action applied but is not saved, and that one over the rate did not apply', async () => {
    const { page, errors } = await openPage(browser!, `${server!.url}/?lab=demo`);
    await expect
      .poll(() => textNow(page, byTestId('connection-status')), { timeout: 30_000 })
      .toMatch(/Live/);
    const banner = page.getByTestId('error-banner');
    // The banner is read in one look: one gone between a wait and a read would hold the read 30 s.
    const said = async () => (await textNow(page, byTestId('error-banner'))) ?? '';

    fillDisk(filler);
    await page.getByRole('button', { name: 'Pause simulation' }).click();
    await banner.waitFor({ timeout: 15_000 });
    const notSaved = await said();
    expect(notSaved).toMatch(/^\s*Applied, but not saved yet\./);
    expect(notSaved).toMatch(/applied at tick \d+ and runs in the lab.*The server’s disk is full\./);
    expect(notSaved).not.toMatch(/refused/i);
    // It did apply: the lab is paused, and the page shows it so.
    const state = await api<{ data: { paused: boolean } }>(server!, '/api/labs/demo');
    expect(state.body.data.paused).toBe(true);
    await page.getByRole('button', { name: 'Resume simulation' }).waitFor({ timeout: 10_000 });

    unlinkSync(filler);
    const step = page.getByRole('button', { name: 'Step one tick' });
    for (let i = 0; i < 6; i++) await step.click();
    // The words the poll saw are the ones checked after it: a later look may find the banner gone.
    let overRate = '';
    await expect
      .poll(async () => (overRate = await said()), { timeout: 15_000 })
      .toMatch(/^\s*Not applied: too many changes at once\. Wait a second, then do it again\./);
    expect(overRate).toMatch(/At most 1 commands per second\./);
    expect(errors).toEqual([]);
  }, 90_000);
});
