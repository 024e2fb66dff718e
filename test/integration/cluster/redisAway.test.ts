/**
 * Every command and REST route of a cluster while its Redis does not answer: frozen (SIGSTOP),
 * then killed and started again empty, under two processes (the one running the lab and another),
 * each asked over REST and over a socket. What changes something must be refused with UNAVAILABLE
 * (503) naming Redis, within a bound (never a hang, never a bug's INTERNAL, never "no such lab"),
 * and change nothing once Redis is back; what only reads answers, or says the same.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../../server/cluster/keys.js';
import { http, request, waitFor, type Client } from '../helpers.js';
import { ownerAndOther, stopCluster, type OwnerAndOther } from './fixture.js';
import type { RedisHandle, ServerProcess } from './harness.js';

let cluster: OwnerAndOther | undefined;
let redis: RedisHandle;
let owner: ServerProcess;
let other: ServerProcess;
let onOwner: Client;
let onOther: Client;
let peek: Redis;

/** How long one answer may take: longer than any wait of the server's own (30 s for a command). */
const ANSWER_MS = 45_000;
const LOAD = 0.321;

beforeAll(async () => {
  cluster = await ownerAndOther('far');
  ({ redis, owner, other, onOwner, onOther, peek } = cluster);
  const set = await http(`${owner.url}/api/labs/far/commands`, {
    method: 'POST',
    body: { type: 'setLoad', vps: 'web-1', load: { cpu: LOAD } },
  });
  expect(set.status, set.text).toBe(200);
}, 120_000);

afterAll(() => stopCluster(cluster));

interface Asked {
  what: string;
  /** Whether it only reads (then a 200 answer is fine too). */
  read: boolean;
  run(): Promise<{ status: number; code?: string; message?: string }>;
}

function rest(proc: ServerProcess, name: string, method: string, path: string, body?: unknown): Asked {
  return {
    what: `${name} ${method} ${path}`,
    read: method === 'GET',
    run: async () => {
      const res = await fetch(`${proc.url}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(ANSWER_MS),
      });
      const text = await res.text();
      let error: { code?: string; message?: string } | undefined;
      try {
        error = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
      } catch {
        /* a CSV file */
      }
      return { status: res.status, code: error?.code, message: error?.message };
    },
  };
}

function socketAsk(socket: Client, name: string, event: string, msg: object): Asked {
  return {
    what: `${name} socket ${event} ${JSON.stringify(msg)}`,
    read: false,
    run: async () => {
      const r = await request<{ ok: boolean; error?: { code: string; message: string } }>(
        socket,
        event,
        { lab: 'far', ...msg },
        ANSWER_MS,
      );
      return { status: r.ok ? 200 : 0, code: r.error?.code, message: r.error?.message };
    },
  };
}

/** Every route and command, on both processes. */
function everything(): Asked[] {
  const out: Asked[] = [];
  for (const [name, proc, socket] of [
    ['owner', owner, onOwner],
    ['other', other, onOther],
  ] as const) {
    out.push(
      rest(proc, name, 'GET', '/api/labs'),
      rest(proc, name, 'POST', '/api/labs', { id: `new-${name}`, preset: 'demo' }),
      rest(proc, name, 'GET', '/api/labs/far'),
      rest(proc, name, 'GET', '/api/labs/far/events'),
      rest(proc, name, 'GET', '/api/labs/far/history'),
      rest(proc, name, 'GET', '/api/labs/far/metrics.csv'),
      rest(proc, name, 'GET', '/api/labs/far/scenario'),
      rest(proc, name, 'POST', '/api/labs/far/commands', {
        type: 'setLoad',
        vps: 'web-1',
        load: { cpu: 0.9 },
      }),
      rest(proc, name, 'POST', '/api/labs/far/clock', { action: 'pause' }),
      rest(proc, name, 'POST', '/api/labs/far/clock', { action: 'step', ticks: 5 }),
      rest(proc, name, 'POST', '/api/labs/far/reset'),
      rest(proc, name, 'DELETE', '/api/labs/far'),
      socketAsk(socket, name, 'command', { type: 'setLoad', vps: 'web-1', load: { cpu: 0.8 } }),
      socketAsk(socket, name, 'clock', { action: 'pause' }),
      socketAsk(socket, name, 'clock', { action: 'speed', speed: 4 }),
    );
  }
  return out;
}

/** Each answer that is not what it should be, one line each (empty when all are). */
async function wrongAnswers(): Promise<string[]> {
  const asked = everything();
  const answers = await Promise.all(
    asked.map((a) => a.run().catch((e: unknown) => ({ status: -1, code: String(e), message: '' }))),
  );
  return asked.flatMap((a, i) => {
    const r = answers[i];
    if (a.read && r.status === 200) return [];
    if (r.status !== (a.what.includes('socket') ? 0 : 503) || r.code !== 'UNAVAILABLE')
      return [`${a.what}: ${r.status} ${r.code ?? ''} ${r.message ?? ''}`];
    if (!/Redis/.test(r.message ?? '')) return [`${a.what}: does not name Redis: ${r.message}`];
    return [];
  });
}

/** Resolves once both processes say Redis does not answer them (`/healthz`). */
async function bothNotAnswering(): Promise<void> {
  for (const p of [owner, other])
    await expect
      .poll(async () => (await http(`${p.url}/healthz`)).body?.data?.redisAnswers, { timeout: 15_000 })
      .toBe(false);
}

/** What must not have changed: the lab is there, with its load, running, and no new lab was made. */
async function unchanged(): Promise<void> {
  const before = (await http(`${owner.url}/api/labs/far`)).body.data.tick as number;
  await expect
    .poll(async () => (await http(`${owner.url}/api/labs/far`)).body.data.tick, { timeout: 30_000 })
    .toBeGreaterThan(before + 5);
  const state = (await http(`${owner.url}/api/labs/far`)).body.data;
  expect(state.paused).toBe(false);
  expect(state.speed).toBe(1);
  expect(state.vps.find((v: { id: string }) => v.id === 'web-1').load.cpu).toBe(LOAD);
  const ids = async () =>
    ((await http(`${other.url}/api/labs`)).body?.data ?? []).map((l: { id: string }) => l.id) as string[];
  await expect.poll(ids, { timeout: 30_000 }).toContain('far');
  expect(await ids()).not.toContain('new-owner');
  expect(await ids()).not.toContain('new-other');
}

describe('every command and REST route while Redis does not answer', () => {
  it('frozen: refused UNAVAILABLE naming Redis, nothing changed once it answers', async () => {
    const logged = await peek.xlen(keys.log('far'));
    redis.proc.kill('SIGSTOP');
    await waitFor(onOwner, 'held', (m: { held: string | null }) => m.held === 'store', 15_000);
    await bothNotAnswering();
    expect(await wrongAnswers()).toEqual([]);
    redis.proc.kill('SIGCONT');
    await waitFor(onOther, 'frame', () => true, 30_000);
    await unchanged();
    expect(await peek.xlen(keys.log('far'))).toBe(logged);
    expect(await peek.hexists(keys.labs, 'new-owner')).toBe(0);
    expect(await peek.hexists(keys.labs, 'new-other')).toBe(0);
  }, 200_000);

  it('killed and started again empty: the same', async () => {
    await redis.kill();
    await bothNotAnswering();
    expect(await wrongAnswers()).toEqual([]);
    await redis.restart();
    await waitFor(onOther, 'frame', () => true, 30_000);
    await unchanged();
  }, 200_000);
});
