/**
 * A reset while Redis stops answering in the middle of it (the process frozen with SIGSTOP after
 * the reset was sent, then resumed, or killed and started again empty): the reset answers an error
 * within a bounded time, changes nothing (the script, delivered late, does not reset the lab's data
 * behind the answer's back), and the lab keeps running with its state.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../../server/cluster/keys.js';
import { http } from '../helpers.js';
import { startRedis, startServer, stopAll, type RedisHandle, type ServerProcess } from './harness.js';

let redis: RedisHandle;
let proc: ServerProcess;
let peek: Redis;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  redis = await startRedis();
  proc = await startServer(redis.url);
  peek = new Redis(redis.url, { maxRetriesPerRequest: null });
  peek.on('error', () => undefined);
  for (let i = 0; i < 100 && !(await http(`${proc.url}/api/labs/demo`)).body?.ok; i++) await sleep(100);
}, 90_000);

afterAll(async () => {
  redis.proc.kill('SIGCONT');
  peek?.disconnect();
  await stopAll();
});

/** The reset, through REST, given at most `ms` to answer (null: no answer in time). */
async function reset(
  ms: number,
): Promise<{ status: number; body: { ok: boolean; error?: { code: string; message: string } } } | null> {
  try {
    const res = await fetch(`${proc.url}/api/labs/demo/reset`, {
      method: 'POST',
      signal: AbortSignal.timeout(ms),
    });
    return { status: res.status, body: (await res.json()) as never };
  } catch {
    return null;
  }
}

const webCpu = async () =>
  ((await http(`${proc.url}/api/labs/demo`)).body.data.vps as { id: string; load: { cpu: number } }[]).find(
    (v) => v.id === 'web-1',
  )!.load.cpu;
const tick = async () => (await http(`${proc.url}/api/labs/demo`)).body.data.tick as number;
const loggedLoads = async () =>
  (await peek.xrange(keys.log('demo'), '-', '+')).map(
    ([, f]) => JSON.parse(f[1]).command.load?.cpu as number,
  );

/** Resolves once `probe` holds, polling; fails after `ms`. */
async function until(probe: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await sleep(100);
  }
}

describe('a reset while Redis stops answering', () => {
  it('answers an error within a bounded time, changes nothing, and the lab runs on', async () => {
    const cmd = { type: 'setLoad', vps: 'web-1', load: { cpu: 0.777 } };
    expect((await http(`${proc.url}/api/labs/demo/commands`, { method: 'POST', body: cmd })).body.ok).toBe(
      true,
    );
    const meta = await peek.hget(keys.labs, 'demo');
    expect(await loggedLoads()).toEqual([0.777]);

    // Frozen with the reset on its way: the answer is an error, within the bound, not a hang.
    redis.proc.kill('SIGSTOP');
    const failed = await reset(20_000);
    expect(failed?.status).toBe(503);
    expect(failed?.body.error?.code).toBe('UNAVAILABLE');
    expect(failed?.body.error?.message).toMatch(/Redis.*nothing changed/);

    // Resumed: what was sent before is run now, and must not reset the lab behind that answer.
    redis.proc.kill('SIGCONT');
    const before = await tick();
    await until(async () => (await tick()) > before + 5, 15_000, 'the lab runs on after Redis resumed');
    await sleep(500);
    expect(await peek.hget(keys.labs, 'demo')).toBe(meta);
    expect(await loggedLoads()).toEqual([0.777]);
    expect(await webCpu()).toBe(0.777);

    // Frozen again, then killed and started again empty: an error in time again, the lab keeps
    // running meanwhile with its state, and is published again once Redis is back.
    redis.proc.kill('SIGSTOP');
    const again = await reset(20_000);
    expect(again?.status).toBe(503);
    await redis.kill();
    const t = await tick();
    await until(async () => (await tick()) > t + 5, 15_000, 'the lab runs while Redis is away');
    expect(await webCpu()).toBe(0.777);
    await redis.restart();
    await until(async () => (await peek.hexists(keys.labs, 'demo')) === 1, 20_000, 'the lab published again');
    await sleep(500);
    expect(await webCpu()).toBe(0.777);
    const back = await tick();
    await until(async () => (await tick()) > back + 5, 15_000, 'the lab runs once Redis is back');

    // And a reset with Redis answering goes through.
    const ok = await reset(20_000);
    expect(ok?.status).toBe(200);
    expect(await webCpu()).not.toBe(0.777);
  }, 150_000);
});
