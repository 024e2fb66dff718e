/**
 * The tick a lab reached is on its way to Redis before anything sent after it on the same
 * connection (its frames): a process taking the lab over after a SIGKILL resumes after every frame
 * a viewer saw, never stepping one of them again. A snapshot write in flight does not hold it back.
 */
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../../server/cluster/keys.js';
import { Leases } from '../../../server/cluster/leases.js';
import { RedisLabStore } from '../../../server/cluster/store.js';
import type { LabSnapshot } from '../../../server/lab/store.js';
import { startRedis, stopAll, type RedisHandle } from './harness.js';

let redis: RedisHandle;
let conn: Redis;
let store: RedisLabStore;
const lost: string[] = [];

beforeAll(async () => {
  redis = await startRedis();
  conn = new Redis(redis.url, { maxRetriesPerRequest: null, lazyConnect: true });
  conn.on('error', () => undefined);
  await conn.connect();
  const leases = new Leases(conn, 'p1', 3000);
  store = new RedisLabStore(conn, leases, pino({ level: 'silent' }), (id) => lost.push(id));
  await store.create({ version: 1, id: 'lab1', scenario: {}, createdAt: new Date(0).toISOString() } as never);
}, 30_000);

afterAll(async () => {
  conn?.disconnect();
  await stopAll();
});

describe('the ticks reached travel ahead of the frames', () => {
  it('a command sent right after saveTick on the same connection finds the tick saved', async () => {
    store.saveTick('lab1', 42);
    // Not awaited: this GET goes out after the save, as a frame's publish would.
    expect(await conn.get(keys.tick('lab1'))).toBe('42');
    expect(await store.ticksReached('lab1')).toBe(42);
  });

  it('a snapshot write still in flight does not hold the tick back', async () => {
    const big = { tick: 10, seq: 0, pad: 'x'.repeat(2_000_000) } as unknown as LabSnapshot;
    const snap = store.saveSnapshot('lab1', big);
    for (let t = 43; t < 53; t++) {
      store.saveTick('lab1', t);
      expect(await conn.get(keys.tick('lab1'))).toBe(String(t));
    }
    await snap;
    expect(JSON.parse((await conn.get(keys.snapshot('lab1'))) ?? '{}').tick).toBe(10);
  });

  it('a tick of a lab another process took over is not written, and the lab is reported lost', async () => {
    await conn.set(keys.lease('lab1'), 'p2:99');
    await conn.set(keys.epoch('lab1'), '99');
    store.saveTick('lab1', 60);
    expect(await conn.get(keys.tick('lab1'))).toBe('52');
    await new Promise((r) => setTimeout(r, 20));
    expect(lost).toEqual(['lab1']);
  });
});
