/**
 * Redis gone under two processes: a command sent to the process that does not run the lab cannot
 * reach the one that does. Its answer must say so in a code of its own (UNAVAILABLE, not known to
 * have applied: send it again), not the code of a bug (INTERNAL); the process keeps running.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, http, request, type Client } from '../helpers.js';
import { stopAll, twoProcesses, type RedisHandle, type ServerProcess } from './harness.js';

let redis: RedisHandle;
let other: ServerProcess;
let onOther: Client;

beforeAll(async () => {
  ({ redis, other } = await twoProcesses('far'));
  onOther = await client(other.url);
  await request(onOther, 'join', { lab: 'far' }, 15_000);
}, 120_000);

afterAll(async () => {
  onOther?.disconnect();
  await stopAll();
});

type Ack = { ok: boolean; error?: { code: string; message: string } };

describe('a command for a lab run elsewhere while Redis is gone', () => {
  it('is answered UNAVAILABLE, saying to send it again', async () => {
    await redis.kill();
    const r = await request<Ack>(
      onOther,
      'command',
      { lab: 'far', type: 'setLoad', vps: 'web-1', load: { cpu: 0.3 }, requestId: 'unavailable-1' },
      40_000,
    );
    expect(r.ok, JSON.stringify(r)).toBe(false);
    expect(r.error).toMatchObject({ code: 'UNAVAILABLE' });
    expect(r.error?.message).toMatch(
      /store \(Redis\) does not answer this server, through which lab "far" is reached.*nothing was sent.*send it again/,
    );
    expect((await http(`${other.url}/healthz`)).status).toBe(200);
  }, 60_000);
});
