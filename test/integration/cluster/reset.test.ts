/**
 * A reset in a cluster, through a process that does not own the lab (forwarded to the owner), is
 * in Redis once acknowledged: SIGKILL the owner right after, and the process that takes the lab
 * over brings it back at its start, without the commands of before.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../../server/cluster/keys.js';
import { http } from '../helpers.js';
import { startRedis, startServer, stopAll, type RedisHandle, type ServerProcess } from './harness.js';

let redis: RedisHandle;
let procs: ServerProcess[] = [];
let peek: Redis;

beforeAll(async () => {
  redis = await startRedis();
  procs = await Promise.all([0, 1].map(() => startServer(redis.url)));
  peek = new Redis(redis.url, { maxRetriesPerRequest: null });
  peek.on('error', () => undefined);
  for (let i = 0; i < 100 && !(await peek.hexists(keys.labs, 'demo')); i++)
    await new Promise((r) => setTimeout(r, 100));
}, 150_000);

afterAll(async () => {
  peek?.disconnect();
  await stopAll();
});

const owns = async (p: ServerProcess): Promise<string[]> =>
  ((await http(`${p.url}/healthz`)).body.data as { owns: string[] }).owns;

const webLoads = async (p: ServerProcess): Promise<number[]> =>
  (
    (await http(`${p.url}/api/labs/demo/scenario`)).body.data.events as {
      type: string;
      vps?: string;
      load?: { cpu: number };
    }[]
  )
    .filter((e) => e.type === 'setLoad' && e.vps === 'web-1')
    .map((e) => e.load!.cpu);

describe('reset in a cluster', () => {
  it('is in Redis once acknowledged: the process taking over after a SIGKILL has the lab at its start', async () => {
    let owner: ServerProcess | undefined;
    for (let i = 0; i < 100 && !owner; i++) {
      for (const p of procs) if ((await owns(p)).includes('demo')) owner = p;
      if (!owner) await new Promise((r) => setTimeout(r, 100));
    }
    const other = procs.find((p) => p !== owner)!;
    const startLoad = (await http(`${other.url}/api/labs/demo`)).body.data.vps.find(
      (v: { id: string }) => v.id === 'web-1',
    ).load.cpu as number;
    const cmd = { type: 'setLoad', vps: 'web-1', load: { cpu: 0.777 } };
    expect((await http(`${other.url}/api/labs/demo/commands`, { method: 'POST', body: cmd })).status).toBe(
      200,
    );
    expect(await webLoads(other)).toEqual([0.777]);

    const r = await http(`${other.url}/api/labs/demo/reset`, { method: 'POST' });
    await owner!.kill('SIGKILL');
    expect([r.status, r.body.data?.id]).toEqual([200, 'demo']);

    for (let i = 0; i < 150 && !(await owns(other)).includes('demo'); i++)
      await new Promise((w) => setTimeout(w, 100));
    expect(await owns(other)).toContain('demo');
    expect(await webLoads(other)).toEqual([]);
    const state = (await http(`${other.url}/api/labs/demo`)).body.data;
    expect(state.vps.find((v: { id: string }) => v.id === 'web-1').load.cpu).toBe(startLoad);
  }, 90_000);
});
