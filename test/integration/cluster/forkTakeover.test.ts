/**
 * A compare lab forked from a running one, in a cluster's Redis store (a real redis-server): its
 * start is kept in Redis when it is forked, and a process taking it over re-runs it from there, so
 * it comes back with its history, as it was; a damaged start is said, naming its key, and the lab
 * comes back from its snapshot alone. Deleting the lab deletes its start too. When Redis loses its
 * data, the owner publishes the fork again with its start, and so does a process that took it over.
 * Each process is the real app on port 0 with the Redis store, in this test's process, manual
 * clock; labs are taken over by the cluster's own takeover scan.
 */
import type { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../../server/cluster/keys.js';
import { Leases } from '../../../server/cluster/leases.js';
import { connectRedis, waitForRedis } from '../../../server/cluster/redis.js';
import { RedisLabStore } from '../../../server/cluster/store.js';
import { Takeover } from '../../../server/cluster/takeover.js';
import { forked, FORK_TICK, seen } from '../forkSteps.js';
import { http, removeDir, startServer, type TestServer } from '../helpers.js';
import { startRedis, stopAll, type RedisHandle } from './harness.js';

let redis: RedisHandle;
const conns: Redis[] = [];
const dirs: string[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const c of conns) c.disconnect();
  await stopAll();
  dirs.forEach(removeDir);
});

/** One process of the cluster: the app with the Redis store, its log lines kept. */
async function processApp(name: string) {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l)) });
  const conn = connectRedis(redis.url, logger, name);
  conns.push(conn);
  const leases = new Leases(conn, name, 3000);
  const store = new RedisLabStore(
    conn,
    leases,
    logger,
    () => undefined,
    () => undefined,
    // What the running lab saves now (called only once the app below runs).
    (id) => t.server.registry.get(id)?.save(),
  );
  const t = await startServer({ store, logger, config: { snapshotEveryS: 5 } });
  dirs.push(t.dataDir);
  const takeover = new Takeover({
    processId: name,
    redis: conn,
    leases,
    store,
    logger,
    maxLabs: Number.MAX_SAFE_INTEGER,
    labIds: () => store.ids(),
    processes: () => Promise.resolve([]),
    adopted: () => undefined,
  });
  /** Take lab `id` over (with any other lab nobody holds), as a process does once its owner is gone. */
  const takeOver = async (id: string) => {
    await waitForRedis(conn, 10_000);
    await takeover.scan(t.server.registry);
    expect(t.server.registry.get(id)?.id, JSON.stringify(lines.filter((l) => l.lab === id))).toBe(id);
  };
  return { t, conn, lines, takeOver };
}

/** Empty Redis under process `p`, and wait until its next writes published lab `id` again. */
async function lostAndPublished(p: { t: TestServer; conn: Redis }, id: string) {
  await p.conn.flushall();
  // The owner's next write (the tick it reached) finds the lab unlisted and publishes it again.
  p.t.advance(1500);
  await expect.poll(() => p.conn.hexists(keys.labs, id), { timeout: 10_000 }).toBe(1);
}

/** A fork made and run on a first process, which then stops; its lease is gone. */
async function forkedThenGone(prefix: string) {
  const a = await processApp(`${prefix}-a`);
  await forked(a.t);
  const before = await seen(a.t);
  const frames = a.t.server.registry.get('cmp')!.history.range(0, before.last);
  await a.t.close();
  await a.conn.del(keys.lease('cmp'), keys.lease('src'));
  const snap = JSON.parse((await a.conn.get(keys.snapshot('cmp')))!) as { tick: number };
  expect(snap.tick).toBeGreaterThan(FORK_TICK);
  return { before, frames, conn: a.conn };
}

describe('a compare lab forked from a running one, taken over through Redis', () => {
  it('comes back with its history before its snapshot, as it was, and is deleted whole', async () => {
    const { before, frames, conn } = await forkedThenGone('p1');
    const b = await processApp('p1-b');
    try {
      await b.takeOver('cmp');
      const back = b.t.server.registry.get('cmp')!;
      expect(back.history.firstTick).toBe(0);
      expect(back.history.range(0, before.last)).toEqual(frames);
      expect(await seen(b.t)).toEqual(before);
      expect(b.lines.filter((l) => l.lab === 'cmp' && (l.level as number) >= 40)).toEqual([]);

      expect(await conn.exists(keys.start('cmp'))).toBe(1);
      const del = await http(`${b.t.url}/api/labs/cmp`, { method: 'DELETE' });
      expect(del.status, del.text).toBe(200);
      expect(await conn.exists(keys.start('cmp'), keys.snapshot('cmp'), keys.log('cmp'))).toBe(0);
    } finally {
      await b.t.close();
      await conn.flushall();
    }
  });

  it('with its start damaged, comes back from its snapshot, saying which key', async () => {
    const { before, conn } = await forkedThenGone('p2');
    await conn.set(keys.start('cmp'), '{"tick": 20, "seq":');
    const b = await processApp('p2-b');
    try {
      await b.takeOver('cmp');
      const back = b.t.server.registry.get('cmp')!;
      expect(back.state()).toEqual(before.state);
      expect(back.history.size).toBe(0);
      const said = b.lines.filter((l) => l.lab === 'cmp' && (l.level as number) === 40);
      expect(said.map((l) => l.note)).toEqual([
        expect.stringMatching(/^contention:start:cmp: not valid JSON .*snapshot only/),
      ]);
    } finally {
      await b.t.close();
      await conn.flushall();
    }
  });

  it('keeps its start when Redis loses its data: published again with the lab, by its owner and by the next', async () => {
    const a = await processApp('p3-a');
    await forked(a.t);
    await lostAndPublished(a, 'cmp');
    const before = await seen(a.t);
    const frames = a.t.server.registry.get('cmp')!.history.range(0, before.last);
    await a.t.close();
    await a.conn.del(keys.lease('cmp'), keys.lease('src'));

    const b = await processApp('p3-b');
    const c = await processApp('p3-c');
    try {
      await b.takeOver('cmp');
      const back = b.t.server.registry.get('cmp')!;
      expect(back.history.firstTick).toBe(0);
      expect(back.history.range(0, before.last)).toEqual(frames);
      expect(await seen(b.t)).toEqual(before);
      expect(b.lines.filter((l) => l.lab === 'cmp' && (l.level as number) >= 40)).toEqual([]);

      // Lost again under the process that took it over: it publishes the start again too.
      await lostAndPublished(b, 'cmp');
      const later = await seen(b.t);
      await b.t.close();
      await b.conn.del(keys.lease('cmp'), keys.lease('src'));
      await c.takeOver('cmp');
      expect(c.t.server.registry.get('cmp')!.history.firstTick).toBe(0);
      expect(await seen(c.t)).toEqual(later);
      expect(c.lines.filter((l) => l.lab === 'cmp' && (l.level as number) >= 40)).toEqual([]);
    } finally {
      await b.t.close();
      await c.t.close();
      await b.conn.flushall();
    }
  });
});
