/**
 * A process that stalls (SIGSTOP) longer than its lease while its wall clock is stepped a minute
 * back (NTP), then runs again: another process took its lab over meanwhile, and the stalled one
 * must not step the lab again. Its leases are timed with the monotonic clock, so it does not; timed
 * with the wall clock, the lease looked fresh and it sent viewers frames of ticks the new owner had
 * already passed.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, http, request, waitFor, type Client } from '../helpers.js';
import { startRedis, startServer, stopAll, type RedisHandle, type ServerProcess } from './harness.js';

const PRELOAD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'clockStep.mjs');
let redis: RedisHandle;
let stalled: ServerProcess;
let other: ServerProcess;
let viewer: Client;
/** Every frame tick the viewer (on the other process) received, in order. */
const ticks: number[] = [];

beforeAll(async () => {
  redis = await startRedis();
  stalled = await startServer(redis.url, { NODE_OPTIONS: `--import=${PRELOAD}` });
  const made = await http(`${stalled.url}/api/labs`, {
    method: 'POST',
    body: { id: 'steady', preset: 'demo' },
    headers: { 'x-contention-forwarded': 'test' },
  });
  expect(made.status, made.text).toBe(201);
  other = await startServer(redis.url);
  viewer = await client(other.url);
  viewer.on('frame', (m: { lab: string; tick: number }) => {
    if (m.lab === 'steady') ticks.push(m.tick);
  });
  await request(viewer, 'join', { lab: 'steady' }, 15_000);
  await waitFor(viewer, 'frame', () => true, 15_000);
}, 120_000);

afterAll(async () => {
  viewer?.disconnect();
  if (stalled?.proc.signalCode === null) stalled.proc.kill('SIGCONT');
  await stopAll();
});

const owns = async (p: ServerProcess) =>
  (await http(`${p.url}/healthz`)).body.data.owns.includes('steady') as boolean;

describe('a stalled process whose wall clock stepped back', () => {
  it('does not step a lab another process took over while it was stalled', async () => {
    stalled.proc.kill('SIGSTOP');
    // The other process takes the lab over once the lease ran out, and its frames reach the viewer.
    for (let i = 0; i < 300 && !(await owns(other)); i++) await new Promise((w) => setTimeout(w, 100));
    expect(await owns(other)).toBe(true);
    const resumedAt = ticks.at(-1) ?? 0;
    await waitFor<{ tick: number }>(viewer, 'frame', (m) => m.tick > resumedAt + 5, 15_000);

    const seen = ticks.length;
    stalled.proc.kill('SIGCONT');
    // It learns from Redis that the lab is no longer its own, and drops it.
    for (let i = 0; i < 300 && (await owns(stalled)); i++) await new Promise((w) => setTimeout(w, 50));
    expect(await owns(stalled)).toBe(false);
    expect(stalled.output()).toMatch(/wall clock stepped/);
    // A few more frames from the new owner, then: every tick after the resume came in order.
    const last = ticks.at(-1) ?? 0;
    await waitFor<{ tick: number }>(viewer, 'frame', (m) => m.tick > last + 3, 15_000);
    const after = ticks.slice(seen - 1);
    const back = after.findIndex((t, i) => i > 0 && t <= after[i - 1]);
    expect(back, `ticks after the resume: ${after.join(' ')}`).toBe(-1);
  }, 90_000);
});
