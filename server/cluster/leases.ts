/**
 * Lab ownership: one expiring lease per lab in Redis, "<process>:<epoch>". Taking a lease bumps the
 * lab's epoch; renewing and every owner write (command log, snapshot, tick) check the lease in
 * one Lua script, so a process that lost its lease can neither renew it nor write for the lab.
 *
 * A lease that is simply gone (Redis restarted and lost its data) is claimed back by the process
 * that held it on its next write or renewal; that write finds the lab unlisted and writes nothing,
 * and the owner publishes the lab again whole (meta, snapshot, and what re-runs it: a fork's start,
 * and the records since where the re-run starts, in one script), so Redis never holds part of a lab. The scripts are in leaseScripts.ts.
 */
import type { Redis } from 'ioredis';
import { keys } from './keys.js';
import { RedisAway } from './redis.js';
import {
  ACQUIRE,
  CREATE,
  FENCED_DELETE,
  FENCED_REPLACE,
  FENCED_SET,
  FENCED_XADD,
  RELEASE,
  RENEW,
  REPUBLISH,
} from './leaseScripts.js';

const epochOf = (token: string) => token.slice(token.lastIndexOf(':') + 1);

type Script = (...args: (string | number)[]) => Promise<number>;
interface Scripts {
  labCreate: Script;
  labAcquire: Script;
  labRenew: Script;
  labRelease: Script;
  labFencedXadd: Script;
  labFencedSet: Script;
  labFencedReplace: Script;
  labFencedDelete: Script;
  labRepublish: Script;
}

/** Thrown by a fenced write when another process owns the lab now. */
export class LeaseLost extends Error {
  constructor(readonly lab: string) {
    super(`this process no longer owns lab "${lab}"`);
    this.name = 'LeaseLost';
  }
}

/** Thrown by a fenced write when the lab list lost the lab (Redis lost its data): nothing was written. */
export class Unlisted extends Error {
  constructor(readonly lab: string) {
    super(`Redis lost lab "${lab}"; it is to be published again`);
    this.name = 'Unlisted';
  }
}

/** A reset's (or a deletion's) script reached Redis after its deadline, and did nothing. */
export class ResetTooLate extends RedisAway {
  constructor() {
    super('Redis ran it too late, so it did nothing');
    this.name = 'ResetTooLate';
  }
}

/** The leases this process holds, and the scripts that take, renew, check and drop them. */
export class Leases {
  private readonly tokens = new Map<string, string>();
  /**
   * Monotonic time (performance.now(), ms) until which each held lease is surely still ours. Never
   * wall time: a clock stepped backwards (NTP) during a stall would make an expired lease look fresh.
   */
  private readonly validUntil = new Map<string, number>();
  private readonly s: Scripts;

  constructor(
    private readonly redis: Redis,
    readonly processId: string,
    readonly ttlMs: number,
  ) {
    const define = (name: keyof Scripts, lua: string, numberOfKeys: number) =>
      redis.defineCommand(name, { lua, numberOfKeys });
    define('labCreate', CREATE, 3);
    define('labAcquire', ACQUIRE, 3);
    define('labRenew', RENEW, 3);
    define('labRelease', RELEASE, 1);
    define('labFencedXadd', FENCED_XADD, 4);
    define('labFencedSet', FENCED_SET, 4);
    define('labRepublish', REPUBLISH, 6);
    define('labFencedReplace', FENCED_REPLACE, 7);
    define('labFencedDelete', FENCED_DELETE, 7);
    this.s = redis as unknown as Scripts;
  }

  held(): string[] {
    return [...this.tokens.keys()];
  }

  holds(id: string): boolean {
    return this.tokens.has(id);
  }

  /** Whether the lease of `id` was renewed recently enough that it cannot have passed to another process. */
  fresh(id: string, now = performance.now()): boolean {
    return (this.validUntil.get(id) ?? 0) > now;
  }

  /**
   * Whether the lease of `id` is fresh by a renewal (or take) sent at `since` or later: Redis
   * answered this process after that moment. A reply to one sent before says nothing of Redis now.
   */
  freshSince(id: string, since: number, now = performance.now()): boolean {
    return this.fresh(id, now) && (this.validUntil.get(id) ?? 0) - this.validMs >= since;
  }

  /** How long a lease is surely ours from the moment its renewal was sent. */
  get validMs(): number {
    // A margin for clock rate and the round trip: the lease in Redis lives ttl from its arrival.
    return this.ttlMs - 500;
  }

  private took(id: string, token: string, sentAt: number): void {
    this.tokens.set(id, token);
    this.validUntil.set(id, sentAt + this.validMs);
  }

  /** Register a new lab (meta JSON) and own it; false when the id is taken in the service. */
  async create(id: string, meta: string): Promise<boolean> {
    const at = performance.now();
    const epoch = await this.s.labCreate(
      keys.labs,
      keys.lease(id),
      keys.epoch(id),
      id,
      meta,
      this.processId,
      this.ttlMs,
    );
    if (!epoch) return false;
    this.took(id, `${this.processId}:${epoch}`, at);
    return true;
  }

  /** Take the lease of a listed lab nobody holds. */
  async acquire(id: string): Promise<boolean> {
    const at = performance.now();
    const epoch = await this.s.labAcquire(
      keys.labs,
      keys.lease(id),
      keys.epoch(id),
      id,
      this.processId,
      this.ttlMs,
    );
    if (!epoch) return false;
    this.took(id, `${this.processId}:${epoch}`, at);
    return true;
  }

  /** Renew a held lease: 'ok', 'unlisted' (ours, but the lab list lost the lab) or 'lost'. */
  async renew(id: string): Promise<'ok' | 'unlisted' | 'lost'> {
    const token = this.tokens.get(id);
    if (!token) return 'lost';
    const at = performance.now();
    const r = await this.s.labRenew(
      keys.lease(id),
      keys.epoch(id),
      keys.labs,
      token,
      this.ttlMs,
      id,
      epochOf(token),
    );
    if (this.tokens.get(id) !== token) return 'lost';
    if (r < 0) {
      this.forget(id);
      return 'lost';
    }
    this.took(id, token, at);
    return r === 1 ? 'ok' : 'unlisted';
  }

  /** Give a lease up (another process may take the lab at once). */
  async release(id: string): Promise<void> {
    const token = this.tokens.get(id);
    this.forget(id);
    if (token) await this.s.labRelease(keys.lease(id), token);
  }

  forget(id: string): void {
    this.tokens.delete(id);
    this.validUntil.delete(id);
  }

  /**
   * Append `values` to a stream of lab `id` under its lease, in one step: Redis holds all or none.
   * Throws LeaseLost when another process owns it.
   */
  async xadd(id: string, stream: string, ...values: [string, ...string[]]): Promise<void> {
    const [first, ...more] = values;
    await this.fenced(id, (token) =>
      this.s.labFencedXadd(
        keys.lease(id),
        keys.epoch(id),
        stream,
        keys.labs,
        token,
        this.ttlMs,
        first,
        epochOf(token),
        id,
        ...more,
      ),
    );
  }

  /** Set a key of lab `id` under its lease; throws LeaseLost when another process owns it. */
  async set(id: string, key: string, value: string): Promise<void> {
    await this.fenced(id, (token) =>
      this.s.labFencedSet(
        keys.lease(id),
        keys.epoch(id),
        key,
        keys.labs,
        token,
        this.ttlMs,
        value,
        epochOf(token),
        id,
      ),
    );
  }

  /**
   * Publish lab `id` again under its lease, in one step: listed with `meta`, its `snapshot`, and
   * the log `records`: with `kept`, its whole log since where a re-run of it starts (a fork's
   * start, or tick 0) then `records`, replacing what Redis holds of its log and start; without,
   * `records` appended. Throws LeaseLost when another process owns it.
   */
  async republish(
    id: string,
    meta: string,
    snapshot: string,
    kept: { start?: string; records: readonly string[] } | undefined,
    records: readonly string[] = [],
  ): Promise<void> {
    await this.fenced(id, (token) =>
      this.s.labRepublish(
        keys.lease(id),
        keys.epoch(id),
        keys.labs,
        keys.snapshot(id),
        keys.log(id),
        keys.start(id),
        token,
        this.ttlMs,
        meta,
        epochOf(token),
        id,
        snapshot,
        kept?.start ?? '',
        kept ? '1' : '0',
        ...(kept?.records ?? []),
        ...records,
      ),
    );
  }

  /**
   * Replace lab `id`'s data by `meta` alone (a reset) under its lease, if Redis runs it by
   * `deadline` (ms on Redis's clock); throws LeaseLost when another process owns it, and
   * ResetTooLate when it ran later (it did nothing).
   */
  async replace(id: string, meta: string, deadline: number): Promise<void> {
    const r = await this.fenced(id, (token) =>
      this.s.labFencedReplace(
        keys.lease(id),
        keys.epoch(id),
        keys.labs,
        keys.log(id),
        keys.snapshot(id),
        keys.tick(id),
        keys.start(id),
        token,
        this.ttlMs,
        meta,
        epochOf(token),
        id,
        deadline,
      ),
    );
    if (r === -2) throw new ResetTooLate();
  }

  /**
   * Delete lab `id`'s data and lease under its lease, if Redis runs it by `deadline` (ms on
   * Redis's clock); throws LeaseLost when another process owns it, and ResetTooLate when it ran
   * later (it did nothing). The lease stays known here: the caller forgets it.
   */
  async remove(id: string, deadline: number): Promise<void> {
    const r = await this.fenced(id, (token) =>
      this.s.labFencedDelete(
        keys.lease(id),
        keys.epoch(id),
        keys.labs,
        keys.log(id),
        keys.snapshot(id),
        keys.tick(id),
        keys.start(id),
        token,
        this.ttlMs,
        '',
        epochOf(token),
        id,
        deadline,
      ),
    );
    if (r === -2) throw new ResetTooLate();
  }

  /** Redis's clock now, ms. */
  async redisNow(): Promise<number> {
    const [s, us] = await this.redis.time();
    return Number(s) * 1000 + Math.floor(Number(us) / 1000);
  }

  private async fenced(id: string, run: (token: string) => Promise<number>): Promise<number> {
    const token = this.tokens.get(id);
    const r = token ? await run(token) : 0;
    if (r === -3) throw new Unlisted(id);
    if (!r) {
      if (this.tokens.get(id) === token) this.forget(id);
      throw new LeaseLost(id);
    }
    return r;
  }
}
