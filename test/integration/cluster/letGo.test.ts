/**
 * A process of a cluster that lets a lab go (another process took its lease) keeps nothing of it
 * that would publish it again, its meta included; the lab stays listed from Redis, and once the
 * lab comes back to the process, the process keeps what publishes it again. A real redis-server and
 * the real app with its cluster node, in the test's process.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../../server/cluster/keys.js';
import { Leases } from '../../../server/cluster/leases.js';
import { ClusterNode } from '../../../server/cluster/node.js';
import { connectRedis } from '../../../server/cluster/redis.js';
import { DEFAULTS, type Config } from '../../../server/config.js';
import { silentLogger } from '../../../server/log.js';
import { createApp, type LabServer } from '../../../server/net/app.js';
import { http, removeDir } from '../helpers.js';
import { startRedis, stopAll, type RedisHandle } from './harness.js';

let redis: RedisHandle;
let node: ClusterNode;
let app: LabServer;
let url: string;
let thief: Redis;
const dataDir = mkdtempSync(path.join(tmpdir(), 'let-go-'));
beforeAll(async () => {
  redis = await startRedis();
  node = new ClusterNode({ redisUrl: redis.url, logger: silentLogger() });
  await node.connect();
  const config: Config = {
    ...DEFAULTS,
    port: 0,
    host: '127.0.0.1',
    dataDir,
    clientDir: path.join(dataDir, 'none'),
    redisUrl: redis.url,
  };
  app = await createApp({ config, logger: silentLogger(), store: node.store, cluster: node });
  ({ url } = await app.listen());
  node.start(url);
  thief = connectRedis(redis.url, silentLogger(), 'thief');
}, 30_000);
afterAll(async () => {
  await app?.close();
  thief?.disconnect();
  await stopAll();
  removeDir(dataDir);
});

describe('a lab another process took', () => {
  it('leaves nothing of it kept here, its meta included, and is still listed', async () => {
    const made = await http(`${url}/api/labs`, { method: 'POST', body: { id: 'moved', preset: 'demo' } });
    expect(made.status).toBe(201);
    expect(app.registry.get('moved')).toBeDefined();
    expect(node.store.keeps('moved')).toBe(true);

    // Its lease runs out (this process stalled) and another process takes the lab, for a minute.
    const other = new Leases(thief, 'thief', 60_000);
    // (The owner renews it every second, and may win a round: taken again until the other holds it.)
    await expect
      .poll(async () => (await thief.del(keys.lease('moved'))) >= 0 && (await other.acquire('moved')), {
        timeout: 10_000,
      })
      .toBe(true);
    // The next renewal (or write) finds the lease taken: the lab is stopped here.
    await expect.poll(() => app.registry.get('moved'), { timeout: 10_000 }).toBeUndefined();
    expect(node.store.keeps('moved')).toBe(false);

    const list = await http(`${url}/api/labs`);
    expect(list.status).toBe(200);
    expect((list.body.data as { id: string }[]).map((l) => l.id)).toContain('moved');

    // Given up by the other process, the lab comes back here, kept again.
    await other.release('moved');
    // (Listed in the registry while it is restored, kept once it runs.)
    await expect.poll(() => node.store.keeps('moved'), { timeout: 10_000 }).toBe(true);
    expect(app.registry.get('moved')).toBeDefined();
  });
});
