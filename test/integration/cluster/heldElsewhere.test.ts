/**
 * Viewers connected to a process that does not run their lab: its frames reach them through Redis.
 * With Redis frozen (SIGSTOP), then killed and started again empty, those viewers get no frame,
 * and the owner cannot tell them anything either: the process they are connected to must tell
 * them the lab is held for them (`held`), a viewer joining meanwhile too, and tell them again once
 * frames can flow (`held: null`), after which frames come again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, http, request, waitFor, type Client } from '../helpers.js';
import { startRedis, startServer, stopAll, type RedisHandle, type ServerProcess } from './harness.js';

let redis: RedisHandle;
let owner: ServerProcess;
let other: ServerProcess;
let onOwner: Client;
let onOther: Client;

type Held = { lab: string; held: string | null };

beforeAll(async () => {
  redis = await startRedis();
  [owner, other] = await Promise.all([startServer(redis.url), startServer(redis.url)]);
  const made = await http(`${owner.url}/api/labs`, {
    method: 'POST',
    body: { id: 'far', preset: 'demo' },
    headers: { 'x-contention-forwarded': 'test' },
  });
  expect(made.status, made.text).toBe(201);
  [onOwner, onOther] = await Promise.all([client(owner.url), client(other.url)]);
  await request(onOwner, 'join', { lab: 'far' }, 15_000);
  await request(onOther, 'join', { lab: 'far' }, 15_000);
  await waitFor(onOther, 'frame', () => true, 20_000);
}, 120_000);

afterAll(async () => {
  if (redis?.proc.signalCode === null) redis.proc.kill('SIGCONT');
  onOwner?.disconnect();
  onOther?.disconnect();
  await stopAll();
});

const heldFar = (m: Held) => m.lab === 'far' && m.held !== null;
const freed = (m: Held) => m.lab === 'far' && m.held === null;
const frameOfFar = (m: { lab?: string }) => m.lab === 'far';

describe('viewers on a process that does not run the lab, while Redis does not answer', () => {
  it('are told the lab is held for them, and told again once frames flow', async () => {
    // Frozen: neither process hears Redis; the owner holds the lab, the other must say so itself.
    redis.proc.kill('SIGSTOP');
    const held = await waitFor<Held>(onOther, 'held', heldFar, 15_000);
    expect(held.held).toBe('relay');

    // A viewer joining meanwhile on that process is answered and told at once.
    const late = await client(other.url);
    const lateHeld = waitFor<Held>(late, 'held', heldFar, 15_000);
    const joined = await request<{ ok: boolean }>(late, 'join', { lab: 'far' }, 15_000);
    expect(joined.ok).toBe(true);
    expect((await lateHeld).held).toBe('relay');

    redis.proc.kill('SIGCONT');
    await waitFor<Held>(onOther, 'held', freed, 30_000);
    await waitFor<Held>(late, 'held', freed, 30_000);
    await waitFor(onOther, 'frame', frameOfFar, 30_000);
    // The late viewer joins again for the snapshot it could not have, and frames follow.
    const snap = waitFor(late, 'snapshot', frameOfFar, 30_000);
    expect((await request<{ ok: boolean }>(late, 'join', { lab: 'far' }, 15_000)).ok).toBe(true);
    await snap;
    await waitFor(late, 'frame', frameOfFar, 30_000);
    late.disconnect();

    // Killed: the owner runs on (its own viewer sees frames), the other process's viewer is told.
    await redis.kill();
    const killedHeld = await waitFor<Held>(onOther, 'held', heldFar, 15_000);
    expect(killedHeld.held).toBe('relay');
    await waitFor(onOwner, 'frame', frameOfFar, 15_000);

    await redis.restart();
    await waitFor<Held>(onOther, 'held', freed, 30_000);
    await waitFor(onOther, 'frame', frameOfFar, 30_000);
  }, 150_000);
});
