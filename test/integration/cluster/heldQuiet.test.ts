/**
 * Redis frozen (SIGSTOP) just after it renewed the lease of the lab its owner runs: the owner judges
 * Redis silent (no probe sent within 2 s came back) before the lease runs short (2.5 s after that
 * renewal). From then on it refuses every change for want of Redis, so it must tell its viewers
 * the lab is held before it answers such a refusal, a DELETE refused at once included, and tell
 * them it steps again once Redis answers. Before, the lab stepped on under Live while changes
 * were refused "Redis does not answer", and a DELETE refused then, with Redis thawed before the
 * lease ran short, left the lab never held, so no word that it steps came either.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../../server/cluster/keys.js';
import { LEASE_TTL_MS } from '../../../server/cluster/node.js';
import { http, request, waitFor, type Client } from '../helpers.js';
import { oneOwner, stopCluster, type OneOwner } from './fixture.js';
import type { RedisHandle, ServerProcess } from './harness.js';

let cluster: OneOwner | undefined;
let redis: RedisHandle;
let owner: ServerProcess;
let onOwner: Client;
let peek: Redis;

/** Far longer than any bound of the server: a busy machine must not fail the test. */
const ANSWER_MS = 20_000;

beforeAll(async () => {
  cluster = await oneOwner('quiet');
  ({ redis, owner, onOwner, peek } = cluster);
}, 120_000);

afterAll(() => stopCluster(cluster));

type Held = { lab: string; held: string | null };
type Ack = { ok: boolean; data?: { tick: number }; error?: { code: string; message: string } };

const redisAnswers = async () => (await http(`${owner.url}/healthz`)).body.data.redisAnswers as boolean;

/**
 * Freeze Redis within moments of its renewing the lab's lease (read on our own connection), so that
 * the owner finds it silent before the lease runs short; on a machine too busy to see that in time,
 * freeze it anyway (what is asserted holds whenever Redis froze).
 */
async function freezeJustRenewed(): Promise<void> {
  const until = Date.now() + 10_000;
  let last = await peek.pttl(keys.lease('quiet'));
  while (Date.now() < until) {
    const pttl = await peek.pttl(keys.lease('quiet'));
    // Renewed since the last read, and no longer ago than a few reads of ours.
    if (pttl > last && pttl > LEASE_TTL_MS - 100) break;
    last = pttl;
  }
  redis.proc.kill('SIGSTOP');
}

describe('an owner that finds Redis silent before its lease runs short', () => {
  it('tells its viewers the lab is held before refusing a change, and steps again once Redis answers', async () => {
    const told: Held[] = [];
    onOwner.on('held', (m: Held) => told.push(m));
    await freezeJustRenewed();
    await expect.poll(redisAnswers, { timeout: ANSWER_MS, interval: 50 }).toBe(false);

    // Refused for want of Redis: the viewer heard of the hold first (one socket, in order).
    const cmd = {
      lab: 'quiet',
      type: 'setLoad',
      vps: 'web-1',
      load: { cpu: 0.31 },
      requestId: 'quiet-1',
    };
    const refused = await request<Ack>(onOwner, 'command', cmd, ANSWER_MS);
    expect(refused.error?.code, JSON.stringify(refused)).toBe('UNAVAILABLE');
    expect(told.at(-1)).toEqual({ lab: 'quiet', held: 'store' });
    expect(refused.error?.message).toMatch(/held.*Redis.*nothing was applied/);

    const res = await fetch(`${owner.url}/api/labs/quiet`, {
      method: 'DELETE',
      signal: AbortSignal.timeout(ANSWER_MS),
    });
    expect(res.status).toBe(503);

    redis.proc.kill('SIGCONT');
    await waitFor<Held>(onOwner, 'held', (m) => m.lab === 'quiet' && m.held === null, ANSWER_MS);
    const applied = await request<Ack>(onOwner, 'command', cmd, ANSWER_MS);
    expect(applied.ok, JSON.stringify(applied)).toBe(true);
    expect(await peek.hexists(keys.labs, 'quiet')).toBe(1);
  }, 60_000);
});
