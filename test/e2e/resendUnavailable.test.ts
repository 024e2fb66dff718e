/**
 * A click the server answers UNAVAILABLE ("send it again"), in a real Chromium against a cluster
 * process whose real redis-server is frozen (SIGSTOP): the page sends it again by itself, with the
 * same request id, backing off, and says meanwhile that it does; once Redis answers, the click
 * applies, once, and nothing reads as an error. When Redis stays away past the last try, the page
 * says plainly that the action did not get through.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensureClientBuilt, openPage, ROOT } from './harness.js';
import { testBrowser } from './browser.js';
import { byTestId, textNow, textWhenShown } from './lab.js';
import { http } from '../integration/helpers.js';
import {
  startRedis,
  startServer,
  stopAll,
  type RedisHandle,
  type ServerProcess,
} from '../integration/cluster/harness.js';

/** The page's debug hook, the part read here (client/src/lib/debug.ts). */
type Hooked = { __contention?: { unanswered(): number } };

let redis: RedisHandle;
let owner: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  ensureClientBuilt();
  [redis, browser] = await Promise.all([startRedis(), testBrowser()]);
  owner = await startServer(redis.url, { CLIENT_DIR: path.join(ROOT, 'dist/client') });
  const made = await http(`${owner.url}/api/labs`, {
    method: 'POST',
    body: { id: 'again', preset: 'demo' },
    headers: { 'x-contention-forwarded': 'test' },
  });
  expect(made.status, made.text).toBe(201);
}, 120_000);

afterAll(async () => {
  if (redis?.proc.signalCode === null) redis.proc.kill('SIGCONT');
  await browser?.close();
  await stopAll();
});

const paused = async () => (await http(`${owner.url}/api/labs/again`)).body.data.paused as boolean;
const pausesLogged = async () =>
  ((await http(`${owner.url}/api/labs/again/events`)).body.data as { message: string }[]).filter(
    (e) => e.message === 'paused',
  ).length;

/**
 * Freeze Redis, and wait until its owner finds it silent (no probe of its last 2 s came back: from
 * then on it holds the lab and refuses every change until Redis answers a later probe) and the page
 * says the lab is held. The page saying "Held" is not enough: on a busy machine the lab can be held a moment
 * before the freeze (its lease renewed late) and step again on a renewal Redis answered just before
 * it, taking a resend within the two seconds its owner still counts Redis as answering.
 */
async function freeze(page: Page): Promise<void> {
  redis.proc.kill('SIGSTOP');
  await expect
    .poll(async () => (await http(`${owner.url}/healthz`)).body.data.redisAnswers, { timeout: 15_000 })
    .toBe(false);
  await expect.poll(() => textNow(page, byTestId('connection-status')), { timeout: 15_000 }).toMatch(/Held/);
}

async function thaw(page: Page): Promise<void> {
  redis.proc.kill('SIGCONT');
  await expect.poll(() => textNow(page, byTestId('connection-status')), { timeout: 30_000 }).toMatch(/Live/);
}

describe('an action answered UNAVAILABLE', () => {
  it('is sent again by the page, saying so, and applies once when the store answers', async () => {
    const { page, errors } = await openPage(browser, `${owner.url}/?lab=again`);
    await expect
      .poll(() => textNow(page, byTestId('connection-status')), { timeout: 30_000 })
      .toMatch(/Live/);
    const resend = page.getByTestId('resend-banner');
    const error = page.getByTestId('error-banner');

    await freeze(page);
    await page.getByRole('button', { name: 'Pause simulation' }).click();
    // Each banner is waited for and read in one look: the resend banner leaves when a try is answered.
    expect(await textWhenShown(page, byTestId('resend-banner'), 15_000)).toMatch(
      /Not confirmed yet: sending it again \(try \d of 5\)….*held.*Redis.*nothing was applied/,
    );
    expect(await error.count()).toBe(0);
    await thaw(page);
    // The next try goes through: applied, once, and said by the controls, not by an error.
    await resend.waitFor({ state: 'detached', timeout: 30_000 });
    await page.getByRole('button', { name: 'Resume simulation' }).waitFor({ timeout: 10_000 });
    expect(await paused()).toBe(true);
    expect(await pausesLogged()).toBe(1);
    expect(await error.count()).toBe(0);

    await page.getByRole('button', { name: 'Resume simulation' }).click();
    await page.getByRole('button', { name: 'Pause simulation' }).waitFor({ timeout: 10_000 });
    // The controls show the resume once it is applied; its answer comes once Redis holds it. Frozen
    // before that, it would be answered "applied, but not saved yet", an error banner of its own.
    await expect
      .poll(() => page.evaluate(() => (window as Hooked).__contention?.unanswered()), { timeout: 10_000 })
      .toBe(0);
    expect(await error.count()).toBe(0);

    // Away past the last try: the page says it did not get through, and it did not apply.
    await freeze(page);
    await page.getByRole('button', { name: 'Pause simulation' }).click();
    await resend.waitFor({ timeout: 15_000 });
    expect(await textWhenShown(page, byTestId('error-banner'), 40_000)).toMatch(
      /^\s*Sent 5 times, and the lab could not be reached: not applied as far as the page can tell\. Do it again in a moment\..*Redis/,
    );
    expect(await resend.count()).toBe(0);
    await thaw(page);
    expect(await paused()).toBe(false);
    expect(await pausesLogged()).toBe(1);
    // The lab menu asks for the list of labs now and then; while Redis is frozen the server answers
    // it 503 (the list cannot be read), which Chromium logs like any failed load.
    expect(errors.filter((e) => !/status of 503 \(Service Unavailable\)/.test(e))).toEqual([]);
  }, 150_000);
});
