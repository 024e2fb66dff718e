/**
 * A command its owner applies just as Redis freezes (SIGSTOP), before the lab is held: its record
 * cannot reach Redis. The answer must come within a few seconds and say so honestly (NOT_SAVED,
 * applied at tick N, saved once Redis answers), not wait for Redis; the page sending it again with
 * its request id, while Redis is frozen and after, must not apply it twice; and once Redis answers
 * the record lands in the lab's log once, a resend then answered as applied and saved.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../../server/cluster/keys.js';
import { http, request, waitFor, type Client } from '../helpers.js';
import { oneOwner, stopCluster, type OneOwner } from './fixture.js';
import type { RedisHandle, ServerProcess } from './harness.js';

let cluster: OneOwner | undefined;
let redis: RedisHandle;
let owner: ServerProcess;
let onOwner: Client;
let peek: Redis;

/** Far longer than the answer's own bound: a busy machine must not fail the test. */
const ANSWER_MS = 20_000;
const RID = 'saved-late-1';

beforeAll(async () => {
  cluster = await oneOwner('late');
  ({ redis, owner, onOwner, peek } = cluster);
}, 120_000);

/**
 * Sends `body` again until its answer is no longer NOT_SAVED. The record is readable in Redis a
 * moment before Redis's reply reaches the owner, which until then answers a resend as before
 * (honestly: it does not know yet), so the first resend after `landed` may still say NOT_SAVED.
 */
async function resendOnceSaved(event: 'command' | 'clock', body: object): Promise<Ack> {
  const until = Date.now() + ANSWER_MS;
  for (;;) {
    const r = await request<Ack>(onOwner, event, body, ANSWER_MS);
    if (r.error?.code !== 'NOT_SAVED' || Date.now() > until) return r;
    await new Promise((done) => setTimeout(done, 100));
  }
}

afterAll(() => stopCluster(cluster));

type Held = { lab: string; held: string | null };
type Ack = { ok: boolean; data?: { tick: number }; error?: { code: string; message: string } };

const command = { lab: 'late', type: 'setLoad', vps: 'web-1', load: { cpu: 0.432 }, requestId: RID };

/** The lab's log records carrying request id `rid`. */
async function recordsOf(rid: string): Promise<unknown[]> {
  const log = await peek.xrange(keys.log('late'), '-', '+');
  return log
    .map(([, fields]) => JSON.parse(fields[1] ?? '{}') as { rid?: string })
    .filter((r) => r.rid === rid);
}

/** Once Redis answers again: the records of `rid` in the lab's log, waited for a while. */
async function landed(rid: string): Promise<unknown[]> {
  const until = Date.now() + 30_000;
  let found: unknown[] = [];
  while (Date.now() < until && (found = await recordsOf(rid)).length === 0)
    await new Promise((r) => setTimeout(r, 200));
  return found;
}

describe('a command applied by its owner as Redis freezes', () => {
  it('is answered NOT_SAVED within seconds, applied once, and saved once Redis answers', async () => {
    const held = waitFor<Held>(onOwner, 'held', (m) => m.lab === 'late' && m.held === 'store', ANSWER_MS);
    redis.proc.kill('SIGSTOP');
    const first = await request<Ack>(onOwner, 'command', command, ANSWER_MS);
    expect(first.ok, JSON.stringify(first)).toBe(false);
    expect(first.error?.code).toBe('NOT_SAVED');
    const tick = Number(/applied at tick (\d+)/.exec(first.error?.message ?? '')?.[1]);
    expect(Number.isSafeInteger(tick), first.error?.message).toBe(true);
    expect(first.error?.message).toMatch(/Redis.*saved once .*answers/);

    // It runs in the lab: its state says so.
    const state = await http(`${owner.url}/api/labs/late`);
    expect(state.status, state.text).toBe(200);
    expect(state.text).toContain('0.432');

    // Sent again while Redis is still frozen and the lab held: the same answer, not "nothing applied".
    await held;
    const again = await request<Ack>(onOwner, 'command', command, ANSWER_MS);
    expect(again, JSON.stringify(again)).toEqual(first);

    redis.proc.kill('SIGCONT');
    await waitFor<Held>(onOwner, 'held', (m) => m.lab === 'late' && m.held === null, ANSWER_MS);
    // The record lands in the lab's log once Redis answers, once.
    const found = await landed(RID);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ tick, rid: RID });

    // Sent again once it is saved: answered as applied at its tick, applied no second time.
    const later = await resendOnceSaved('command', command);
    expect(later, JSON.stringify(later)).toEqual({ ok: true, data: { tick } });
    expect(await recordsOf(RID)).toHaveLength(1);
    expect((await http(`${owner.url}/healthz`)).status).toBe(200);
  }, 120_000);

  it('a clock action too: NOT_SAVED naming its tick, the same answer when sent again, saved once', async () => {
    const pause = { lab: 'late', action: 'pause', requestId: 'saved-late-pause' };
    const held = waitFor<Held>(onOwner, 'held', (m) => m.lab === 'late' && m.held === 'store', ANSWER_MS);
    redis.proc.kill('SIGSTOP');
    const first = await request<Ack>(onOwner, 'clock', pause, ANSWER_MS);
    expect(first.error?.code, JSON.stringify(first)).toBe('NOT_SAVED');
    const tick = Number(/applied at tick (\d+)/.exec(first.error?.message ?? '')?.[1]);
    await held;
    expect(await request<Ack>(onOwner, 'clock', pause, ANSWER_MS)).toEqual(first);

    redis.proc.kill('SIGCONT');
    const found = await landed(pause.requestId);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ tick, clock: { paused: true } });
    const later = await resendOnceSaved('clock', pause);
    expect(later, JSON.stringify(later)).toMatchObject({ ok: true, data: { tick, paused: true } });
    expect(await recordsOf(pause.requestId)).toHaveLength(1);
  }, 120_000);
});
