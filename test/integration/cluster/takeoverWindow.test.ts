/**
 * While a process is taking a lab over (it holds the lease and is still re-running the lab up to
 * where its dead owner was), a REST request about the lab sent to a third process is forwarded to
 * it: the request waits and gets the lab, never 404 "no lab" for a lab that exists.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PREFIX } from '../../../server/cluster/keys.js';
import { http } from '../helpers.js';
import { startServer, stopAll, twoProcesses, type RedisHandle, type ServerProcess } from './harness.js';
import { bigScenario } from '../bigScenario.js';

/** No periodic snapshot: a takeover re-runs the lab from its start, which takes a while. */
const ENV = { SNAPSHOT_EVERY_S: '3600' };
let redis: RedisHandle;
let peek: Redis;
let owner: ServerProcess;
let taker: ServerProcess;
/** Runs a lab of its own with MAX_LABS=1: it never takes the big lab over, it only forwards. */
let entry: ServerProcess;

beforeAll(async () => {
  ({
    redis,
    owner,
    other: entry,
  } = await twoProcesses('big', {
    lab: { scenario: bigScenario(256, 3) },
    ownerEnv: ENV,
    otherEnv: ENV,
    otherForwards: true,
  }));
  const fast = await http(`${owner.url}/api/labs/big/clock`, {
    method: 'POST',
    body: { action: 'speed', speed: 50 },
  });
  expect(fast.status, fast.text).toBe(200);
  taker = await startServer(redis.url, ENV);
  peek = new Redis(redis.url, { maxRetriesPerRequest: null });
  peek.on('error', () => undefined);
}, 180_000);

afterAll(async () => {
  peek?.disconnect();
  await stopAll();
});

describe('a lab being taken over', () => {
  it('answers REST requests sent to another process once it runs, never "no lab"', async () => {
    // Far enough that re-running it takes the new owner a noticeable time.
    while (Number(await peek.get(`${PREFIX}tick:big`)) < 2000) await new Promise((w) => setTimeout(w, 200));
    await owner.kill('SIGKILL');
    const answers: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const r = await http(`${entry.url}/api/labs/big`);
      answers.push(r.status);
      expect(r.status, r.text).toBe(200);
      if ((await http(`${taker.url}/healthz`)).body.data.owns.includes('big')) break;
    }
    expect((await http(`${taker.url}/healthz`)).body.data.owns).toContain('big');
  }, 120_000);
});
