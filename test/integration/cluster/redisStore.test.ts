/**
 * The Redis lab store against a real redis-server: a reset replaces a lab's meta, log, snapshot,
 * tick and start in one step under its lease; a process that lost the lease, or that cannot reach Redis,
 * is refused and nothing changes.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../../server/cluster/keys.js';
import { LeaseLost, Leases, ResetTooLate } from '../../../server/cluster/leases.js';
import { connectRedis } from '../../../server/cluster/redis.js';
import { RedisLabStore } from '../../../server/cluster/store.js';
import type { LabMeta } from '../../../server/lab/store.js';
import { parseStoredLab } from '../../../server/lab/stored.js';
import { silentLogger } from '../../../server/log.js';
import { fakeScenario } from '../../unit/lab/fakeEngine.js';
import { startRedis, stopAll, type RedisHandle } from './harness.js';

let redis: RedisHandle;
const conns: Redis[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const c of conns) c.disconnect();
  await stopAll();
});

/** A store as one process of the cluster holds it (its own connection and leases). */
function processStore(name: string): { store: RedisLabStore; leases: Leases; conn: Redis } {
  const conn = connectRedis(redis.url, silentLogger(), name);
  conns.push(conn);
  const leases = new Leases(conn, name, 3000);
  return { store: new RedisLabStore(conn, leases, silentLogger(), () => undefined), leases, conn };
}

const meta = (id: string, createdAt: string): LabMeta => ({
  version: 1,
  id,
  scenario: fakeScenario(),
  createdAt,
});
const rec = (seq: number, tick: number) => ({
  seq,
  tick,
  by: 'x',
  command: { type: 'removeVps' as const, vps: `vps-${seq}` },
});
const snapshot = { tick: 6, seq: 2, engines: [{}], speed: 1, paused: false, events: [], savedAt: 'x' };

describe('Redis lab store: ids', () => {
  it('refuses a lab whose id differs from a lab of the service only in case', async () => {
    const one = processStore('p5');
    const other = processStore('p6');
    await one.store.create(meta('Shared', 'first'));
    await expect(other.store.create(meta('shared', 'second'))).rejects.toThrow(
      'a lab "shared" already exists, or one whose id differs only in case',
    );
    expect(JSON.parse((await other.conn.hget(keys.labs, 'Shared'))!).createdAt).toBe('first');
    expect(await other.conn.hexists(keys.labs, 'shared')).toBe(0);
  });
});

describe('Redis lab store: reset', () => {
  it('replaces meta, log, snapshot, tick and start in one step, and keeps the lease for what follows', async () => {
    const { store, conn } = processStore('p1');
    await store.create(meta('a', 'first'));
    await store.saveStart('a', { ...snapshot, tick: 0, seq: 0 });
    await store.append('a', rec(1, 3));
    await store.append('a', rec(2, 5));
    await store.saveSnapshot('a', snapshot);
    expect((await store.load('a'))!.start).toBe(JSON.stringify({ ...snapshot, tick: 0, seq: 0 }));
    store.saveTick('a', 9);
    expect(await store.ticksReached('a')).toBe(9);

    await store.replace(meta('a', 'second'));
    const raw = (await store.load('a'))!;
    expect(JSON.parse(raw.meta!).createdAt).toBe('second');
    expect(raw.snapshot).toBeUndefined();
    expect(raw.start).toBeUndefined();
    expect(raw.commands).toEqual([]);
    expect(await conn.exists(keys.log('a'), keys.snapshot('a'), keys.tick('a'), keys.start('a'))).toBe(0);

    await store.append('a', rec(1, 2));
    const back = parseStoredLab('a', (await store.load('a'))!);
    expect(back.ok && back.data.commands.map((c) => c.tick)).toEqual([2]);
  });

  it('is refused to a process that lost the lease, leaving the data as it was', async () => {
    const first = processStore('p2');
    const second = processStore('p3');
    await first.store.create(meta('b', 'first'));
    await first.store.append('b', rec(1, 3));
    // The lease runs out (the first process stalled) and another process takes the lab.
    await first.conn.del(keys.lease('b'));
    expect(await second.leases.acquire('b')).toBe(true);

    await expect(first.store.replace(meta('b', 'second'))).rejects.toBeInstanceOf(LeaseLost);
    const raw = (await second.store.load('b'))!;
    expect(JSON.parse(raw.meta!).createdAt).toBe('first');
    expect(raw.commands).toHaveLength(1);
  });

  it('does nothing when Redis runs its script after the deadline its sender gave up at', async () => {
    const { store, leases } = processStore('p7');
    await store.create(meta('d', 'first'));
    await store.append('d', rec(1, 3));
    await store.saveSnapshot('d', snapshot);
    // As a script held up by a stalled Redis, or sent again after a reconnect, would arrive.
    const late = leases.replace('d', JSON.stringify(meta('d', 'second')), (await leases.redisNow()) - 1);
    await expect(late).rejects.toBeInstanceOf(ResetTooLate);
    const raw = (await store.load('d'))!;
    expect(JSON.parse(raw.meta!).createdAt).toBe('first');
    expect(raw.commands).toHaveLength(1);
    expect(raw.snapshot).toBe(JSON.stringify(snapshot));
    // In time, the same script resets.
    await leases.replace('d', JSON.stringify(meta('d', 'third')), (await leases.redisNow()) + 5000);
    expect(JSON.parse((await store.load('d'))!.meta!).createdAt).toBe('third');
  });

  it('is refused at once while Redis is away, and is not sent once Redis is back', async () => {
    const { store, conn } = processStore('p4');
    await store.create(meta('c', 'first'));
    await store.append('c', rec(1, 3));
    await redis.kill();
    while (conn.status === 'ready') await new Promise((w) => setTimeout(w, 20));
    await expect(store.replace(meta('c', 'second'))).rejects.toThrow(/store \(Redis\) is unreachable/);
    await redis.restart();
    while ((conn.status as string) !== 'ready') await new Promise((w) => setTimeout(w, 20));
    // The restarted Redis is empty (it keeps nothing on disk): the refused reset never reached it.
    expect(await conn.exists(keys.log('c'))).toBe(0);
    expect(await conn.hget(keys.labs, 'c')).toBeNull();
  });
});
