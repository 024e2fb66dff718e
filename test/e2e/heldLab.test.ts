/**
 * A lab whose owner cannot step it: a real redis-server frozen (SIGSTOP) under a cluster process
 * that runs the lab, a real Chromium page watching it. The owner stops stepping once its lease is
 * unsure; the page must say so (not "Live" over standing charts), a page joining meanwhile too,
 * and once Redis answers again the lab goes on from where it stood, without running the held
 * seconds in one burst, and the page is live again. A page connected to another process of the
 * cluster (the lab's frames reach it through Redis) must say so too, and be live again after.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ensureClientBuilt, openPage, ROOT } from './harness.js';
import { testBrowser } from './browser.js';
import { client, http, request, waitFor, type Client } from '../integration/helpers.js';
import {
  startRedis,
  startServer,
  stopAll,
  type RedisHandle,
  type ServerProcess,
} from '../integration/cluster/harness.js';
import { byTestId, textNow, textWhenShown } from './lab.js';

let redis: RedisHandle;
let owner: ServerProcess;
let other: ServerProcess;
let browser: Browser;
let viewer: Client;
/** Ticks of the frames the socket viewer got, and what it was told of the lab's holding, in order. */
const seen: ({ tick: number } | { held: string | null })[] = [];

const sleep = (ms: number) => new Promise((w) => setTimeout(w, ms));

beforeAll(async () => {
  ensureClientBuilt();
  [redis, browser] = await Promise.all([startRedis(), testBrowser()]);
  const env = { CLIENT_DIR: path.join(ROOT, 'dist/client') };
  [owner, other] = await Promise.all([startServer(redis.url, env), startServer(redis.url, env)]);
  const made = await http(`${owner.url}/api/labs`, {
    method: 'POST',
    body: { id: 'held', preset: 'demo' },
    headers: { 'x-contention-forwarded': 'test' },
  });
  expect(made.status, made.text).toBe(201);
  viewer = await client(owner.url);
  viewer.on('frame', (m: { lab: string; tick: number }) => {
    if (m.lab === 'held') seen.push({ tick: m.tick });
  });
  viewer.on('held', (m: { lab: string; held: string | null }) => {
    if (m.lab === 'held') seen.push({ held: m.held });
  });
  await request(viewer, 'join', { lab: 'held' }, 15_000);
}, 120_000);

afterAll(async () => {
  if (redis?.proc.signalCode === null) redis.proc.kill('SIGCONT');
  viewer?.disconnect();
  await browser?.close();
  await stopAll();
});

const ticksOf = (from: number, to = seen.length) =>
  seen.slice(from, to).flatMap((s) => ('tick' in s ? [s.tick] : []));

/** Where in `seen` the viewer was last told of the lab's holding (-1: never). */
function lastHeld(): number {
  for (let i = seen.length - 1; i >= 0; i--) if ('held' in seen[i]) return i;
  return -1;
}

describe('a lab its owner cannot step while Redis does not answer', () => {
  it('the page says the lab is held, and once Redis answers it is live again without a burst', async () => {
    const { page, errors } = await openPage(browser, `${owner.url}/?lab=held`);
    // Statuses are read now, and banners waited for and read in one look: a hold comes and goes.
    const status = () => textNow(page, byTestId('connection-status'));
    await expect.poll(status, { timeout: 30_000 }).toMatch(/Live/);
    const far = await openPage(browser, `${other.url}/?lab=held`);
    const farStatus = () => textNow(far.page, byTestId('connection-status'));
    await expect.poll(farStatus, { timeout: 30_000 }).toMatch(/Live/);
    await waitFor(viewer, 'frame', () => true, 15_000);

    redis.proc.kill('SIGSTOP');
    // Within the lease's life (3 s) and a little more, the owner finds Redis silent, and from then on
    // holds the lab until Redis answers a later probe; it says so. A hold the viewer was told of
    // before is no proof: on a busy machine the owner holds the lab a moment whenever its lease was
    // renewed late (in the set-up, or just before the freeze) and steps again on the next renewal.
    await expect
      .poll(async () => (await http(`${owner.url}/healthz`)).body.data.redisAnswers, { timeout: 15_000 })
      .toBe(false);
    await expect.poll(() => seen[lastHeld()], { timeout: 15_000 }).toEqual({ held: 'store' });
    await expect.poll(status, { timeout: 10_000 }).toMatch(/Held/);
    expect(await textWhenShown(page, byTestId('held-banner'), 10_000)).toMatch(
      /held.*store \(Redis\) does not answer.*stopped stepping/,
    );
    expect(await page.getByTestId('follow-status').textContent()).not.toMatch(/Live/);
    // The page on the other process is told by its own server, which Redis does not answer either.
    await expect.poll(farStatus, { timeout: 15_000 }).toMatch(/Held/);
    expect(await textWhenShown(far.page, byTestId('held-banner'), 10_000)).toMatch(
      /held for this page.*store \(Redis\) does not answer the server this page is connected to/,
    );

    // A page opened meanwhile learns it from its snapshot.
    const late = await openPage(browser, `${owner.url}/?lab=held`);
    await expect
      .poll(() => textNow(late.page, byTestId('connection-status')), { timeout: 30_000 })
      .toMatch(/Held/);
    await late.page.getByTestId('held-banner').waitFor({ timeout: 10_000 });

    // The hold that lasts: the last one the viewer was told of, seconds after the owner found Redis silent.
    const heldAt = lastHeld();
    expect(seen[heldAt]).toEqual({ held: 'store' });
    const lastTick = Math.max(...ticksOf(0, heldAt));

    // Held for several seconds more: nothing is stepped meanwhile.
    await sleep(6000);
    expect(ticksOf(heldAt), 'frames while held').toEqual([]);
    expect(redis.proc.signalCode, 'Redis is still frozen').toBeNull();

    redis.proc.kill('SIGCONT');
    const released = () => seen.findIndex((s, i) => i > heldAt && 'held' in s && s.held === null);
    await expect.poll(released, { timeout: 30_000 }).toBeGreaterThan(heldAt);
    await expect.poll(() => ticksOf(released()).length, { timeout: 15_000 }).toBeGreaterThan(0);
    const next = ticksOf(released())[0];
    // Held at least 6 s (60 ticks at 1×): caught up, the first frame would be that far ahead.
    expect(next - lastTick, `first frame after the hold (tick ${lastTick} before it)`).toBeLessThan(15);
    for (const p of [page, late.page, far.page]) {
      await expect.poll(() => textNow(p, byTestId('connection-status')), { timeout: 15_000 }).toMatch(/Live/);
      await p.getByTestId('held-banner').waitFor({ state: 'detached', timeout: 10_000 });
    }
    await late.context.close();
    await far.context.close();
    // The lab menu asks for the list of labs every 15 s; while Redis is frozen the server answers it
    // 503 (the list cannot be read), which Chromium logs like any failed load.
    const unlisted = (e: string) => !/status of 503 \(Service Unavailable\)/.test(e);
    expect(errors.filter(unlisted)).toEqual([]);
    expect(far.errors.filter(unlisted)).toEqual([]);
  }, 120_000);
});
