/**
 * A compare lab forked from a running one, in a cluster's Redis store (a real redis-server): its
 * start is kept in Redis when it is forked, and a process taking it over re-runs it from there, so
 * it comes back with its history, as it was; a damaged start is said, naming its key, and the lab
 * comes back from its snapshot alone. Deleting the lab deletes its start too. When Redis loses its
 * data, the owner publishes the fork again with its start, and so does a process that took it over.
 * Each process is the real app on port 0 with the Redis store, in this test's process, manual
 * clock; labs are taken over by the cluster's own takeover scan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../../server/cluster/keys.js';
import { forked, FORK_TICK, seen } from '../forkSteps.js';
import { http } from '../helpers.js';
import { startRedis, stopAll, type RedisHandle } from './harness.js';
import { lostAndPublished, processApp as processOn, stopProcesses } from './inProcess.js';

let redis: RedisHandle;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  stopProcesses();
  await stopAll();
});

const processApp = (name: string) => processOn(redis.url, name);

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

/**
 * Process `b` takes the fork over: it comes back with its history from tick 0 equal to `frames`,
 * what it shows equal to `before`, and nothing warned about it.
 */
async function backAsItWas(
  b: Awaited<ReturnType<typeof processApp>>,
  before: Awaited<ReturnType<typeof seen>>,
  frames: unknown,
): Promise<void> {
  await b.takeOver('cmp');
  const back = b.t.server.registry.get('cmp')!;
  expect(back.history.firstTick).toBe(0);
  expect(back.history.range(0, before.last)).toEqual(frames);
  expect(await seen(b.t)).toEqual(before);
  expect(b.lines.filter((l) => l.lab === 'cmp' && (l.level as number) >= 40)).toEqual([]);
}

describe('a compare lab forked from a running one, taken over through Redis', () => {
  it('comes back with its history before its snapshot, as it was, and is deleted whole', async () => {
    const { before, frames, conn } = await forkedThenGone('p1');
    const b = await processApp('p1-b');
    try {
      await backAsItWas(b, before, frames);

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
      await backAsItWas(b, before, frames);

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
