/**
 * Processes of a cluster inside the test's own process: each the real app on port 0 with the
 * Redis store (a real redis-server), a manual clock and its log lines kept; labs taken over by
 * the cluster's own takeover scan. Everything made here is stopped by `stopProcesses()`.
 */
import type { Redis } from 'ioredis';
import pino from 'pino';
import { expect } from 'vitest';
import { keys } from '../../../server/cluster/keys.js';
import { Leases } from '../../../server/cluster/leases.js';
import { connectRedis, waitForRedis } from '../../../server/cluster/redis.js';
import { RedisLabStore } from '../../../server/cluster/store.js';
import { Takeover } from '../../../server/cluster/takeover.js';
import { removeDir, startServer, type TestServer } from '../helpers.js';

const conns: Redis[] = [];
const dirs: string[] = [];

/**
 * One process of the cluster on Redis at `url`: the app with the Redis store, its log lines kept;
 * `rebuildTicks`: how old a lab it re-runs from its start may be (the default's otherwise).
 */
export async function processApp(url: string, name: string, opts: { rebuildTicks?: number } = {}) {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l)) });
  const conn = connectRedis(url, logger, name);
  conns.push(conn);
  const leases = new Leases(conn, name, 3000);
  const store = new RedisLabStore(
    conn,
    leases,
    logger,
    () => undefined,
    // A reset answered as failed reached Redis after all: the lab, run on here, is published again.
    (id) => {
      const lab = t.server.registry.get(id);
      if (lab) void store.republish(id, lab.save());
    },
    // What the running lab saves now (called only once the app below runs).
    (id) => t.server.registry.get(id)?.save(),
    opts.rebuildTicks,
  );
  const t = await startServer({
    store,
    logger,
    config: { snapshotEveryS: 5 },
    rebuildTicks: opts.rebuildTicks,
  });
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
export async function lostAndPublished(p: { t: TestServer; conn: Redis }, id: string): Promise<void> {
  await p.conn.flushall();
  // The owner's next write (the tick it reached) finds the lab unlisted and publishes it again.
  p.t.advance(1500);
  await expect.poll(() => p.conn.hexists(keys.labs, id), { timeout: 10_000 }).toBe(1);
}

/** Close the Redis connections and remove the data folders made here. */
export function stopProcesses(): void {
  for (const c of conns) c.disconnect();
  dirs.forEach(removeDir);
}
