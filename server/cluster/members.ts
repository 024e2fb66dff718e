/**
 * The processes of the service and their load, published in Redis every second: each process's
 * URL, the labs it owns (summaries), how many viewers it holds per lab, and one load figure. New
 * labs go to the least-loaded live process; the lab list of the service is read from here.
 */
import type { Redis } from 'ioredis';
import type { LabSummary } from '../../shared/protocol.js';
import { keys } from './keys.js';

/** A process is gone when it has not refreshed its record for this long. */
export const MEMBER_TTL_MS = 4000;

export interface Member {
  id: string;
  /** Where its REST API answers (requests for its labs are forwarded there). */
  url: string;
  /** Wall time of the record (ms), for people reading Redis; nothing decides on it. */
  at: number;
  /** Summaries of the labs it owns. */
  labs: LabSummary[];
  /** Viewers connected to it, per lab (owned or not). */
  viewers: Record<string, number>;
  /** Load: VPSs stepped (engines × VPSs) plus a hundredth per connected client. */
  load: number;
  /** Most labs it runs (MAX_LABS). */
  maxLabs?: number;
}

/** The members that can run one more lab. */
export function withRoom(members: readonly Member[]): Member[] {
  return members.filter((m) => m.labs.length < (m.maxLabs ?? Number.MAX_SAFE_INTEGER));
}

export function loadOf(
  labs: readonly LabSummary[],
  clients: number,
  engines: (id: string) => number,
): number {
  return labs.reduce((sum, l) => sum + l.vpsCount * engines(l.id), 0) + clients / 100;
}

export class Members {
  constructor(private readonly redis: Redis) {}

  async publish(m: Member): Promise<void> {
    await this.redis
      .multi()
      .set(keys.proc(m.id), JSON.stringify(m), 'PX', MEMBER_TTL_MS)
      .sadd(keys.procs, m.id)
      .exec();
  }

  async leave(id: string): Promise<void> {
    await this.redis.multi().del(keys.proc(id)).srem(keys.procs, id).exec();
  }

  /** The live processes (records of gone ones are cleaned up on the way). */
  async live(): Promise<Member[]> {
    const ids = await this.redis.smembers(keys.procs);
    if (!ids.length) return [];
    const raw = await this.redis.mget(ids.map((id) => keys.proc(id)));
    const out: Member[] = [];
    const gone: string[] = [];
    raw.forEach((r, i) => {
      if (!r) return void gone.push(ids[i]);
      try {
        out.push(JSON.parse(r) as Member);
      } catch {
        gone.push(ids[i]);
      }
    });
    if (gone.length) await this.redis.srem(keys.procs, ...gone);
    return out.sort((a, b) => a.id.localeCompare(b.id));
  }

  /** The owner process of a lab (from its lease), if it is live. */
  async ownerOf(lab: string, live?: Member[]): Promise<Member | undefined> {
    const lease = await this.redis.get(keys.lease(lab));
    if (!lease) return undefined;
    const proc = lease.slice(0, lease.lastIndexOf(':'));
    return (live ?? (await this.live())).find((m) => m.id === proc);
  }
}

/** The least-loaded of `members` (ties: the smaller id), or undefined. */
export function leastLoaded(members: readonly Member[]): Member | undefined {
  return [...members].sort((a, b) => a.load - b.load || a.id.localeCompare(b.id))[0];
}
