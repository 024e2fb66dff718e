/**
 * Taking over labs whose owner is gone: a lab listed in Redis with no lease is claimed (the
 * least-loaded live process at once, the others a second later), then brought back at its last
 * snapshot plus the logged commands, run up to the tick its owner had reached. A lab whose data
 * cannot be brought back is set aside, so no process retries it for ever. A process at its
 * MAX_LABS takes none over.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Registry } from '../lab/registry.js';
import { parseStoredLab } from '../lab/stored.js';
import { keys } from './keys.js';
import type { Leases } from './leases.js';
import { leastLoaded, withRoom, type Member } from './members.js';
import { redisReady } from './redis.js';
import type { RedisLabStore } from './store.js';

/** How long a process other than the least-loaded one waits before claiming an orphan lab. */
const DEFER_MS = 1000;

export interface TakeoverDeps {
  processId: string;
  redis: Redis;
  leases: Leases;
  store: RedisLabStore;
  logger: Logger;
  maxLabs: number;
  /** Every lab id of the service (read again). */
  labIds(): Promise<string[]>;
  /** The live processes as last read. */
  live(): readonly Member[];
}

export class Takeover {
  /** When each lab was first seen without an owner. */
  private readonly orphanSince = new Map<string, number>();

  constructor(private readonly d: TakeoverDeps) {}

  /** One scan: claim and bring back the labs without an owner that this process should take. */
  async scan(registry: Registry): Promise<void> {
    const { redis, processId } = this.d;
    if (!redisReady(redis)) return;
    const ids = await this.d.labIds();
    if (!ids.length) return;
    const owners = await redis.mget(ids.map((id) => keys.lease(id)));
    const now = Date.now();
    const first = leastLoaded(withRoom(this.d.live()))?.id ?? processId;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (owners[i] || registry.get(id)) {
        this.orphanSince.delete(id);
        continue;
      }
      // A process at MAX_LABS takes no lab over (one with room will).
      if (registry.list().length >= this.d.maxLabs) return;
      const since = this.orphanSince.get(id) ?? now;
      this.orphanSince.set(id, since);
      if (first !== processId && now - since < DEFER_MS) continue;
      if (!(await this.d.leases.acquire(id))) continue;
      this.orphanSince.delete(id);
      await this.adopt(registry, id);
    }
  }

  /** Bring a lab whose lease was just taken back here (or give the lease up). */
  private async adopt(registry: Registry, id: string): Promise<void> {
    const { store, leases, logger } = this.d;
    const raw = await store.load(id);
    if (!raw) {
      await leases.release(id);
      return;
    }
    const parsed = parseStoredLab(id, raw);
    if (!parsed.ok) {
      await store.quarantine(id, parsed.error);
      await leases.release(id);
      return;
    }
    const stored = parsed.data;
    for (const note of stored.notes) logger.warn({ lab: id, note }, 'part of a lab in Redis set aside');
    const reached = await store.ticksReached(id);
    const r = await registry.adopt(stored, reached ?? -1);
    if (!r.ok) {
      logger.error({ lab: id, error: r.error }, 'could not take a lab over');
      // A lab whose data cannot be brought back is set aside (else every process would retry it).
      if (r.error.code !== 'CONFLICT') await store.quarantine(id, r.error.message);
      await leases.release(id);
      return;
    }
    store.metas.set(id, stored.meta);
    logger.info({ lab: id, tick: r.data.tick }, 'took the lab over');
  }
}
