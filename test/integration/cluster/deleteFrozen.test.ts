/**
 * A DELETE its lab's owner takes just as Redis freezes (SIGSTOP), before it is refused at once: it
 * must be answered within seconds, and be either done or refused, never both. Refused (Redis
 * cannot take it), the lab runs on, and once Redis answers it stays listed there, its log still
 * written: a delete that reached Redis late must not remove it under a running lab.
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

beforeAll(async () => {
  cluster = await oneOwner('gone');
  ({ redis, owner, onOwner, peek } = cluster);
}, 120_000);

afterAll(() => stopCluster(cluster));

type Held = { lab: string; held: string | null };
type Ack = { ok: boolean; data?: { tick: number }; error?: { code: string; message: string } };

describe('a DELETE taken by the owner as Redis freezes', () => {
  it('is answered within seconds, and is done or refused, never both', async () => {
    redis.proc.kill('SIGSTOP');
    const res = await fetch(`${owner.url}/api/labs/gone`, {
      method: 'DELETE',
      signal: AbortSignal.timeout(ANSWER_MS),
    });
    const body = (await res.json()) as { error?: { code: string; message: string } };
    // Redis never took it while frozen: it cannot have been done.
    expect(res.status, JSON.stringify(body)).toBe(503);
    expect(body.error?.code).toBe('UNAVAILABLE');
    expect(body.error?.message).toMatch(/Redis.*nothing was deleted/);

    redis.proc.kill('SIGCONT');
    await waitFor<Held>(onOwner, 'held', (m) => m.lab === 'gone' && m.held === null, ANSWER_MS);
    // A command after it goes through the same queue of the lab's writes: by its answer, a late
    // delete would have landed.
    const cmd = await request<Ack>(
      onOwner,
      'command',
      { lab: 'gone', type: 'setLoad', vps: 'web-1', load: { cpu: 0.25 }, requestId: 'after-delete' },
      ANSWER_MS,
    );
    expect(cmd.ok, JSON.stringify(cmd)).toBe(true);
    expect(await peek.hexists(keys.labs, 'gone')).toBe(1);
    const log = await peek.xrange(keys.log('gone'), '-', '+');
    expect(log.some(([, f]) => (JSON.parse(f[1] ?? '{}') as { rid?: string }).rid === 'after-delete')).toBe(
      true,
    );
    expect((await http(`${owner.url}/api/labs/gone`)).status).toBe(200);
    const listed = await http(`${owner.url}/api/labs`);
    expect(listed.text).toContain('"gone"');
  }, 120_000);
});
