/**
 * Steering a lab while its owner has just died (SIGKILL) and another process is taking it over:
 * a command or clock action sent meanwhile to another process, by socket or REST, reached no
 * process, so nothing was done for it; it waits for the new owner and is applied there instead of
 * failing ("no answer … try again" after 10 s on the socket, at once over REST).
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PREFIX } from '../../../server/cluster/keys.js';
import { client, http, request, type Client } from '../helpers.js';
import { stopAll, twoProcesses, type RedisHandle, type ServerProcess } from './harness.js';

let redis: RedisHandle;
let peek: Redis;
let owner: ServerProcess;
let other: ServerProcess;
let sender: Client;

beforeAll(async () => {
  ({ redis, owner, other } = await twoProcesses('steered'));
  peek = new Redis(redis.url, { maxRetriesPerRequest: null });
  peek.on('error', () => undefined);
  expect((await http(`${owner.url}/healthz`)).body.data.owns).toContain('steered');
  sender = await client(other.url);
}, 120_000);

afterAll(async () => {
  sender?.disconnect();
  peek?.disconnect();
  await stopAll();
});

const web = (cpu: number, vps = 'web-1') => ({ type: 'setLoad', vps, load: { cpu } });

describe('the owner of a lab dies', () => {
  it('a command and a clock action sent to another process meanwhile are applied by the new owner', async () => {
    const before = await request<{ ok: boolean }>(
      sender,
      'command',
      { lab: 'steered', ...web(0.61) },
      15_000,
    );
    expect(before.ok, JSON.stringify(before)).toBe(true);
    await owner.kill('SIGKILL');
    // Redis has seen the owner go (nobody listens on its request channel any more); its lease lives on.
    const channel = `${PREFIX}rpc:${owner.id}`;
    while (((await peek.pubsub('NUMSUB', channel)) as [string, number])[1] > 0)
      await new Promise((w) => setTimeout(w, 50));
    expect(await peek.get(`${PREFIX}lease:steered`)).toMatch(new RegExp(`^${owner.id}:`));

    const [bySocket, byRest, paused] = await Promise.all([
      request<{ ok: boolean; data: { tick: number } }>(
        sender,
        'command',
        { lab: 'steered', ...web(0.62) },
        30_000,
      ),
      http(`${other.url}/api/labs/steered/commands`, { method: 'POST', body: web(0.44, 'db-1') }),
      request<{ ok: boolean; data: { paused: boolean } }>(
        sender,
        'clock',
        { lab: 'steered', action: 'pause' },
        30_000,
      ),
    ]);
    expect(bySocket.ok, JSON.stringify(bySocket)).toBe(true);
    expect(byRest.body.ok, byRest.text).toBe(true);
    expect(paused).toMatchObject({ ok: true, data: { paused: true } });

    expect((await http(`${other.url}/healthz`)).body.data.owns).toContain('steered');
    const state = (await http(`${other.url}/api/labs/steered`)).body.data as {
      paused: boolean;
      vps: { id: string; load: { cpu: number } }[];
    };
    expect(state.paused).toBe(true);
    expect(state.vps.find((v) => v.id === 'web-1')?.load.cpu).toBe(0.62);
    expect(state.vps.find((v) => v.id === 'db-1')?.load.cpu).toBe(0.44);
  }, 60_000);
});
