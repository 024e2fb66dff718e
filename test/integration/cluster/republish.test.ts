/**
 * Redis emptied under a running owner (FLUSHALL on a real redis-server): the owner's first write
 * for the lab afterwards (a command's log record, or the tick it reached) must publish the lab
 * whole again, in one step: listed, its snapshot, and the record. Before, the record went in alone
 * and the lab stayed unlisted until the next lease renewal (up to a second): an owner dying then
 * took the lab with it, no process knowing of it.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../../server/cluster/keys.js';
import { Leases } from '../../../server/cluster/leases.js';
import { connectRedis } from '../../../server/cluster/redis.js';
import { RedisLabStore } from '../../../server/cluster/store.js';
import type { LabMeta, LabSnapshot, LogRecord } from '../../../server/lab/store.js';
import { silentLogger } from '../../../server/log.js';
import { fakeScenario } from '../../unit/lab/fakeEngine.js';
import { startRedis, stopAll, type RedisHandle } from './harness.js';

let redis: RedisHandle;
let conn: Redis;
let store: RedisLabStore;
/** What the running lab would save now, per lab. */
const running = new Map<string, LabSnapshot>();

beforeAll(async () => {
  redis = await startRedis();
  conn = connectRedis(redis.url, silentLogger(), 'owner');
  const leases = new Leases(conn, 'owner', 3000);
  store = new RedisLabStore(
    conn,
    leases,
    silentLogger(),
    () => undefined,
    () => undefined,
    (id) => running.get(id),
  );
});
afterAll(async () => {
  conn?.disconnect();
  await stopAll();
});

const meta = (id: string): LabMeta => ({ version: 1, id, scenario: fakeScenario(), createdAt: 'then' });
const snapshotAt = (tick: number, seq: number): LabSnapshot => ({
  tick,
  seq,
  engines: [{}],
  speed: 1,
  paused: false,
  events: [],
  savedAt: 'x',
});

describe('Redis emptied under a running owner', () => {
  it('the first command recorded after publishes the lab with its snapshot and the record, in one step', async () => {
    await store.create(meta('lost'));
    running.set('lost', snapshotAt(40, 3));
    await conn.flushall();
    await store.append('lost', { seq: 3, tick: 40, by: 'x', command: { type: 'removeVps', vps: 'db-1' } });
    expect(await conn.hexists(keys.labs, 'lost'), 'listed').toBe(1);
    expect(JSON.parse((await conn.get(keys.snapshot('lost'))) ?? 'null')).toMatchObject({ tick: 40, seq: 3 });
    const log = await conn.xrange(keys.log('lost'), '-', '+');
    expect(log.map(([, f]) => JSON.parse(f[1]).seq)).toEqual([3]);
  });

  it('so does the tick the owner reached', async () => {
    await store.create(meta('ticking'));
    running.set('ticking', snapshotAt(70, 0));
    await conn.flushall();
    store.saveTick('ticking', 71);
    await expect.poll(() => conn.hexists(keys.labs, 'ticking'), { timeout: 10_000 }).toBe(1);
    expect(JSON.parse((await conn.get(keys.snapshot('ticking'))) ?? 'null')).toMatchObject({ tick: 70 });
  });

  it("a lab's records since tick 0 go with it, once however often it is published again", async () => {
    await store.create(meta('whole'));
    const rec = (seq: number): LogRecord => ({
      seq,
      tick: seq * 10,
      by: 'x',
      command: { type: 'removeVps', vps: 'db-1' },
    });
    await store.append('whole', rec(1));
    await store.append('whole', rec(2));
    running.set('whole', snapshotAt(25, 2));
    await conn.flushall();
    await store.append('whole', rec(3));
    await store.republish('whole');
    expect(await conn.exists(keys.start('whole'))).toBe(0);
    const log = await conn.xrange(keys.log('whole'), '-', '+');
    expect(log.map(([, f]) => JSON.parse(f[1]).seq)).toEqual([1, 2, 3]);
  });

  it("a fork's start and records since it go with it, once however often it is published again", async () => {
    await store.create({ ...meta('forked'), forkedAt: 30 });
    const start = snapshotAt(30, 2);
    await store.saveStart('forked', start);
    const rec = (seq: number): LogRecord => ({
      seq,
      tick: 30 + seq,
      by: 'x',
      command: { type: 'removeVps', vps: 'db-1' },
    });
    await store.append('forked', rec(3));
    running.set('forked', snapshotAt(35, 3));
    await conn.flushall();
    await store.append('forked', rec(4));
    await store.republish('forked');
    expect(JSON.parse((await conn.get(keys.start('forked'))) ?? 'null')).toEqual(start);
    const log = await conn.xrange(keys.log('forked'), '-', '+');
    expect(log.map(([, f]) => JSON.parse(f[1]).seq)).toEqual([3, 4]);
  });

  it('a lab run past what a restore re-runs from its start goes with its snapshot and the records after it only', async () => {
    // A restore re-runs a lab at most 40 ticks past its start here.
    const young = new RedisLabStore(
      conn,
      new Leases(conn, 'young', 3000),
      silentLogger(),
      () => undefined,
      () => undefined,
      (id) => running.get(id),
      40,
    );
    const rec = (seq: number, tick: number): LogRecord => ({
      seq,
      tick,
      by: 'x',
      command: { type: 'removeVps', vps: 'db-1' },
    });
    await young.create(meta('plainOld'));
    await young.append('plainOld', rec(1, 10));
    await young.append('plainOld', rec(2, 41));
    await young.create({ ...meta('forkOld'), forkedAt: 30 });
    await young.saveStart('forkOld', snapshotAt(30, 2));
    await young.append('forkOld', rec(3, 70));
    await young.append('forkOld', rec(4, 71));
    running.set('plainOld', snapshotAt(45, 2));
    running.set('forkOld', snapshotAt(75, 4));
    await conn.flushall();
    await young.append('plainOld', rec(3, 46));
    await young.append('forkOld', rec(5, 76));
    const seqs = async (id: string) =>
      (await conn.xrange(keys.log(id), '-', '+')).map(([, f]) => JSON.parse(f[1]).seq as number);
    expect(await seqs('plainOld')).toEqual([3]);
    expect(await seqs('forkOld')).toEqual([5]);
    expect(await conn.exists(keys.start('forkOld'))).toBe(0);
    expect(JSON.parse((await conn.get(keys.snapshot('forkOld'))) ?? 'null')).toMatchObject({
      tick: 75,
      seq: 4,
    });
  });
});
