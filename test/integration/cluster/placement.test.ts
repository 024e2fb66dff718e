/**
 * Two server processes on a real redis-server, each allowed two labs (MAX_LABS=2): a lab whose data
 * in Redis is damaged is set aside with the reason while the others run; new labs go to a process
 * with room, and once every process is full a new lab is refused. The live viewer count adds up
 * the viewers of every process.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../../server/cluster/keys.js';
import { client, http, request, waitFor, type Client } from '../helpers.js';
import { startRedis, startServer, stopAll, type RedisHandle, type ServerProcess } from './harness.js';

let redis: RedisHandle;
let procs: ServerProcess[] = [];
let peek: Redis;
const sockets: Client[] = [];

beforeAll(async () => {
  redis = await startRedis();
  procs = await Promise.all([0, 1].map(() => startServer(redis.url, { MAX_LABS: '2' })));
  peek = new Redis(redis.url, { maxRetriesPerRequest: null, lazyConnect: true });
  peek.on('error', () => undefined);
  await peek.connect();
  // The demo lab is created by one of them on start.
  for (let i = 0; i < 100 && !(await peek.hexists(keys.labs, 'demo')); i++)
    await new Promise((r) => setTimeout(r, 100));
}, 150_000);

afterAll(async () => {
  for (const s of sockets) s.close();
  peek?.disconnect();
  await stopAll();
});

async function owns(p: ServerProcess): Promise<string[]> {
  return ((await http(`${p.url}/healthz`)).body.data as { owns: string[] }).owns;
}

/** Poll `check` every 200 ms until it holds (at most `ms`). */
async function until(check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('a cluster with MAX_LABS=2 per process', () => {
  it('sets aside a lab whose data in Redis is damaged, with the reason; a damaged snapshot is rebuilt; the others run', async () => {
    const demoMeta = JSON.parse((await peek.hget(keys.labs, 'demo')) as string) as Record<string, unknown>;
    const meta = (id: string) => JSON.stringify({ ...demoMeta, id });
    const record = (seq: unknown, tick: unknown) =>
      JSON.stringify({
        seq,
        tick,
        by: 'rest',
        command: { type: 'setLoad', vps: 'web-1', load: { cpu: 0.5 } },
      });
    await peek
      .multi()
      .hset(keys.labs, 'bad-meta', '{}')
      .hset(keys.labs, 'bad-log', meta('bad-log'))
      .xadd(keys.log('bad-log'), '*', 'r', record(1, 1e12))
      .hset(keys.labs, 'bad-snap', meta('bad-snap'))
      .set(keys.snapshot('bad-snap'), '{"tick": 12, "engines": [')
      .exec();
    await until(async () => (await peek.hlen(keys.quarantined)) === 2);
    const why = await peek.hgetall(keys.quarantined);
    expect(Object.keys(why).sort()).toEqual(['bad-log', 'bad-meta']);
    expect(JSON.parse(why['bad-meta']).reason).toMatch(/meta/);
    expect(JSON.parse(why['bad-log']).reason).toMatch(/tick 1000000000000 is beyond/);
    expect(await peek.hexists(keys.labs, 'bad-meta')).toBe(0);
    // The damaged snapshot is set aside and the lab rebuilt from its meta and log.
    await until(async () => (await http(`${procs[0].url}/api/labs/bad-snap`)).status === 200);
    const list = (await http(`${procs[1].url}/api/labs`)).body.data as { id: string }[];
    expect(list.map((l) => l.id).sort()).toEqual(['bad-snap', 'demo']);
    expect((await http(`${procs[1].url}/api/labs/demo`)).status).toBe(200);
  }, 60_000);

  it('places new labs on a process with room, and refuses one when every process is full', async () => {
    // demo and bad-snap run somewhere; two more places are left in all.
    for (const id of ['p1', 'p2']) {
      const r = await http(`${procs[0].url}/api/labs`, { method: 'POST', body: { id, preset: 'demo' } });
      expect(r.status, r.text).toBe(201);
      // Published load is a second old at most: let each placement be seen before the next.
      await new Promise((r) => setTimeout(r, 1500));
    }
    const [a, b] = await Promise.all(procs.map(owns));
    expect(a.length).toBe(2);
    expect(b.length).toBe(2);
    const full = await http(`${procs[1].url}/api/labs`, {
      method: 'POST',
      body: { id: 'p3', preset: 'demo' },
    });
    expect(full.status).toBe(409);
    expect(full.body.error.code).toBe('LIMIT_EXCEEDED');
    expect(await peek.hexists(keys.labs, 'p3')).toBe(0);
  }, 60_000);

  it('sends the viewer count of every process to the viewers of a lab', async () => {
    const [owner] = (
      await Promise.all(procs.map(async (p) => ((await owns(p)).includes('p1') ? p : null)))
    ).filter((p): p is ServerProcess => p !== null);
    const other = procs.find((p) => p !== owner) as ServerProcess;
    const join = async (p: ServerProcess) => {
      const s = await client(p.url);
      sockets.push(s);
      const snap = waitFor(s, 'snapshot', () => true, 10_000);
      expect((await request<{ ok: boolean }>(s, 'join', { lab: 'p1' }, 10_000)).ok).toBe(true);
      await snap;
      return s;
    };
    const first = await join(other);
    const counted = waitFor<{ lab: string; count: number }>(first, 'viewers', (m) => m.count === 3, 10_000);
    await join(owner);
    await join(owner);
    expect(await counted).toEqual({ lab: 'p1', count: 3 });
    // One leaves: the count on the other process goes down.
    const down = waitFor<{ lab: string; count: number }>(first, 'viewers', (m) => m.count === 2, 10_000);
    sockets.pop()?.close();
    expect(await down).toEqual({ lab: 'p1', count: 2 });
  }, 60_000);

  it('lists the labs while one in Redis has a damaged meta that no process can take over yet', async () => {
    // Every process is full: nobody takes these over (and sets them aside), so the list must cope.
    await peek
      .multi()
      .hset(keys.labs, 'torn-meta', '{"scenario": {"na')
      .hset(keys.labs, 'odd-meta', '{"x":1}')
      .exec();
    for (const p of procs) {
      const r = await http(`${p.url}/api/labs`);
      expect(r.status, r.text).toBe(200);
      expect((r.body.data as { id: string }[]).map((l) => l.id).sort()).toEqual([
        'bad-snap',
        'demo',
        'p1',
        'p2',
      ]);
    }
  }, 60_000);
});
