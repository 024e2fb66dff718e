/**
 * The process running a lab killed (SIGKILL) right after it acknowledged a command, with a real
 * Chromium page watching the lab through another process of the cluster, while Redis answers
 * every process. The other process is full (MAX_LABS=1, a lab of its own), so nothing takes the
 * lab over until a third process starts. Meanwhile the page must say the lab is held and why:
 * its server went silent, not "Redis does not answer" (before, it told the page the store does
 * not answer, which was false). A page opened meanwhile on that process is told the same at once
 * (before, it read "Live" over "Loading lab…", its join answered but no snapshot able to come).
 * A click meanwhile is answered at once: held, its server silent, nothing applied (before, the page
 * said nothing for 30 s, then "no answer"). Once the third process takes the lab over, both pages
 * are live again and the acknowledged command is in the lab.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ensureClientBuilt, openPage, ROOT } from './harness.js';
import { testBrowser } from './browser.js';
import { http } from '../integration/helpers.js';
import {
  anchorLab,
  startRedis,
  startServer,
  stopAll,
  type RedisHandle,
  type ServerProcess,
} from '../integration/cluster/harness.js';
import { byTestId, textNow, textWhenShown, waitChartsPast } from './lab.js';

const env = { CLIENT_DIR: path.join(ROOT, 'dist/client') };
/** Made on the process named, not placed by load elsewhere. */
const HERE = { 'x-contention-forwarded': 'test' };

let redis: RedisHandle;
let owner: ServerProcess;
let other: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  ensureClientBuilt();
  [redis, browser] = await Promise.all([startRedis(), testBrowser()]);
  [owner, other] = await Promise.all([
    startServer(redis.url, env),
    startServer(redis.url, { ...env, MAX_LABS: '1' }),
  ]);
  const made = await http(`${owner.url}/api/labs`, {
    method: 'POST',
    body: { id: 'killed', preset: 'demo' },
    headers: HERE,
  });
  expect(made.status, made.text).toBe(201);
  // The other process runs a lab of its own (the demo, or one made here): at MAX_LABS, it takes no lab over.
  await anchorLab(other);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stopAll();
});

describe('the process running a lab is killed right after it acknowledged a command', () => {
  it('a page on another process says the lab is held because its server went silent, then is live with the command', async () => {
    const { page, errors } = await openPage(browser, `${other.url}/?lab=killed`);
    // Statuses are read now and banners waited for and read in one look: they come and go.
    const status = () => textNow(page, byTestId('connection-status'));
    await expect.poll(status, { timeout: 30_000 }).toBe('Live');
    await waitChartsPast(page, 2);

    const ack = await http(`${owner.url}/api/labs/killed/commands`, {
      method: 'POST',
      body: { type: 'setLoad', vps: 'batch-1', load: { cpu: 0.97 } },
    });
    expect(ack.status, ack.text).toBe(200);
    await owner.kill('SIGKILL');

    // Nothing can take the lab over yet: the page stays held, and says why.
    await expect.poll(status, { timeout: 30_000 }).toBe('Held');
    const said = await textWhenShown(page, byTestId('held-banner'), 10_000);
    expect(said).toMatch(/server running this lab has gone silent/);
    expect(said, 'Redis answers every process left').not.toMatch(/does not answer/);

    // A click meanwhile is refused by the page's server at once, saying why and that nothing applied.
    await page.getByRole('button', { name: 'Pause simulation' }).click();
    expect(await textWhenShown(page, byTestId('resend-banner'), 60_000)).toMatch(
      /Not confirmed yet: sending it again \(try \d of 5\)….*held.*gone silent.*nothing was applied/,
    );
    // Past its last try (nothing takes the lab over yet), the page says it did not get through.
    expect(await textWhenShown(page, byTestId('error-banner'), 60_000)).toMatch(
      /^\s*Sent 5 times.*gone silent/,
    );

    // A page opened now is told the same, not "Live" over a lab nothing steps.
    const late = await openPage(browser, `${other.url}/?lab=killed`);
    await expect
      .poll(() => textNow(late.page, byTestId('connection-status')), { timeout: 30_000 })
      .toBe('Held');
    expect(await textWhenShown(late.page, byTestId('held-banner'))).toMatch(
      /server running this lab has gone silent/,
    );

    // A process with room takes the lab over from Redis: live again, the command kept.
    const taker = await startServer(redis.url, env);
    for (const p of [page, late.page]) {
      await expect.poll(() => textNow(p, byTestId('connection-status')), { timeout: 60_000 }).toBe('Live');
      await p.getByTestId('held-banner').waitFor({ state: 'detached', timeout: 10_000 });
    }
    await waitChartsPast(late.page, 2);
    const state = await http(`${taker.url}/api/labs/killed`);
    expect(state.status, state.text).toBe(200);
    const batch = state.body.data.vps.find((v: { id: string }) => v.id === 'batch-1');
    expect(batch.load.cpu).toBe(0.97);
    expect(state.body.data.paused, 'the refused click was not applied').toBe(false);
    expect(state.body.data.tick).toBeGreaterThan(ack.body.data.tick);
    expect(errors).toEqual([]);
    expect(late.errors).toEqual([]);
  }, 180_000);
});
