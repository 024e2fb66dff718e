/**
 * Taking over labs whose owner is gone: a lab listed in Redis with no lease is claimed (the
 * least-loaded live process at once, each lab counted in its load as it is taken, the others two
 * seconds later), then brought back at its last
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

/**
 * How long a process other than the least-loaded one waits before claiming an orphan lab (the
 * least-loaded may be gone too, or stalled).
 */
const DEFER_MS = 2000;

export interface TakeoverDeps {
  processId: string;
  redis: Redis;
  leases: Leases;
  store: RedisLabStore;
  logger: Logger;
  maxLabs: number;
  /** Every lab id of the service (read again). */
  labIds(): Promise<string[]>;
  /** The live processes, read again, this one as it stands now. */
  processes(): Promise<Member[]>;
  /** A lab was taken over here (this process's load changed). */
  adopted(): void;
}

export class Takeover {
  /** When each lab was first seen without an owner (monotonic ms). */
  private readonly orphanSince = new Map<string, number>();

  constructor(private readonly d: TakeoverDeps) {}

  /** One scan: claim and bring back the labs without an owner that this process should take. */
  async scan(registry: Registry): Promise<void> {
    const { redis, processId } = this.d;
    if (!redisReady(redis)) return;
    const ids = await this.d.labIds();
    if (!ids.length) return;
    const owners = await redis.mget(ids.map((id) => keys.lease(id)));
    if (owners.every((o, i) => o || registry.get(ids[i]))) return void this.orphanSince.clear();
    const now = performance.now();
    let live = await this.d.processes();
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
      // Each lab goes to the least-loaded process as it stands after the labs taken before it, so
      // the labs of a process that died spread over the others instead of all going to one.
      const first = leastLoaded(withRoom(live))?.id ?? processId;
      if (first !== processId && now - since < DEFER_MS) continue;
      if (!(await this.d.leases.acquire(id))) continue;
      this.orphanSince.delete(id);
      if (await this.adopt(registry, id)) {
        this.d.adopted();
        live = await this.d.processes();
      }
    }
  }

  /** Bring a lab whose lease was just taken back here (or give the lease up); whether it runs here now. */
  private async adopt(registry: Registry, id: string): Promise<boolean> {
    const { store, leases, logger } = this.d;
    const raw = await store.load(id);
    if (!raw) {
      await leases.release(id);
      return false;
    }
    const parsed = parseStoredLab(id, raw);
    if (!parsed.ok) {
      await store.quarantine(id, parsed.error);
      await leases.release(id);
      return false;
    }
    const stored = parsed.data;
    for (const note of stored.notes) logger.warn({ lab: id, note }, 'part of a lab in Redis set aside');
    // A damaged part is kept before the lab saves one in its place; when it cannot be, not taken over.
    try {
      for (const { part, reason } of stored.setAside) await store.setAside(id, part, reason);
    } catch (err) {
      logger.error({ lab: id, err }, 'could not keep a damaged part of a lab; not taken over');
      await leases.release(id);
      return false;
    }
    const reached = await store.ticksReached(id);
    const r = await registry.adopt(stored, reached ?? -1);
    if (!r.ok) {
      logger.error({ lab: id, error: r.error }, 'could not take a lab over');
      // A lab whose data cannot be brought back is set aside (else every process would retry it).
      if (r.error.code !== 'CONFLICT') await store.quarantine(id, r.error.message);
      await leases.release(id);
      return false;
    }
    store.tookOver(id, raw, stored);
    logger.info({ lab: id, tick: r.data.tick }, 'took the lab over');
    return true;
  }
}
