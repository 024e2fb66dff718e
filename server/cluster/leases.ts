/**
 * Lab ownership: one expiring lease per lab in Redis, "<process>:<epoch>". Taking a lease bumps the
 * lab's epoch; renewing and every owner write (command log, snapshot, tick) check the lease in
 * one Lua script, so a process that lost its lease can neither renew it nor write for the lab.
 *
 * A lease that is simply gone (Redis restarted and lost its data) is claimed back by the process
 * that held it on its next write or renewal; nobody else knows of the lab until it re-publishes it.
 */
import type { Redis } from 'ioredis';
import { keys } from './keys.js';

/**
 * Create a lab and take its lease in one step; 0 when the id is taken, in any case ("Demo" and
 * "demo" are one id). KEYS labs, lease, epoch.
 */
const CREATE = `
local low = string.lower(ARGV[1])
for _, k in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.lower(k) == low then return 0 end
end
local e = redis.call('INCR', KEYS[3])
redis.call('SET', KEYS[2], ARGV[3] .. ':' .. e, 'PX', ARGV[4])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return e`;

/** Take a free lease of an existing lab; its new epoch, or 0. KEYS labs, lease, epoch. */
const ACQUIRE = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local e = redis.call('INCR', KEYS[3])
redis.call('SET', KEYS[2], ARGV[2] .. ':' .. e, 'PX', ARGV[3])
return e`;

/**
 * Renew (or claim back when gone) the caller's lease. -1: someone else holds it; else 1 when the
 * lab is listed, 0 when the lab list lost it (to be re-published). KEYS lease, epoch, labs.
 */
const RENEW = `
local cur = redis.call('GET', KEYS[1])
local e = redis.call('GET', KEYS[2])
if cur == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2])
elseif cur == false and (e == false or e == ARGV[4]) then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
else return -1 end
if e == false then redis.call('SET', KEYS[2], ARGV[4]) end
return redis.call('HEXISTS', KEYS[3], ARGV[3])`;

/** Drop the caller's lease. KEYS lease. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * The fence: go on only while the caller holds the lease, or claims it back when it is gone and no
 * other owner came in between (the epoch is still the caller's, or Redis lost it too).
 */
const FENCE = `
local cur = redis.call('GET', KEYS[1])
if cur == false then
  local e = redis.call('GET', KEYS[2])
  if e ~= false and e ~= ARGV[4] then return 0 end
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  if e == false then redis.call('SET', KEYS[2], ARGV[4]) end
elseif cur ~= ARGV[1] then return 0 end`;

/**
 * Append entries to a stream under the fence, all in one step (a batch is whole or absent). KEYS
 * lease, epoch, stream; ARGV token, ttl, first value, epoch, further values.
 */
const FENCED_XADD = `${FENCE}
redis.call('XADD', KEYS[3], '*', 'r', ARGV[3])
for i = 5, #ARGV do redis.call('XADD', KEYS[3], '*', 'r', ARGV[i]) end
return 1`;

/** Set a string under the fence. KEYS lease, epoch, key; ARGV token, ttl, value, epoch. */
const FENCED_SET = `${FENCE}
redis.call('SET', KEYS[3], ARGV[3])
return 1`;

/**
 * Start a lab's data again under the fence (a reset), in one step: its meta replaced, its log,
 * snapshot and tick deleted; -2 and nothing done when it runs after its deadline (Redis's own clock,
 * ms), as a script held up by a stalled Redis, or sent again after a reconnect, would: its sender
 * has answered that nothing was reset by then. KEYS lease, epoch, labs, log, snapshot, tick;
 * ARGV token, ttl, meta, epoch, id, deadline.
 */
const FENCED_REPLACE = `
local now = redis.call('TIME')
if tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) > tonumber(ARGV[6]) then return -2 end
${FENCE}
redis.call('HSET', KEYS[3], ARGV[5], ARGV[3])
redis.call('DEL', KEYS[4], KEYS[5], KEYS[6])
return 1`;

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
}

/** Thrown by a fenced write when another process owns the lab now. */
export class LeaseLost extends Error {
  constructor(readonly lab: string) {
    super(`this process no longer owns lab "${lab}"`);
    this.name = 'LeaseLost';
  }
}

/** A reset's script reached Redis after its deadline, and did nothing. */
export class ResetTooLate extends Error {
  constructor() {
    super('Redis ran the reset too late; nothing was reset, try again');
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
    define('labFencedXadd', FENCED_XADD, 3);
    define('labFencedSet', FENCED_SET, 3);
    define('labFencedReplace', FENCED_REPLACE, 6);
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

  private took(id: string, token: string, sentAt: number): void {
    this.tokens.set(id, token);
    // A margin for clock rate and the round trip: the lease in Redis lives ttl from its arrival.
    this.validUntil.set(id, sentAt + this.ttlMs - 500);
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
        token,
        this.ttlMs,
        first,
        epochOf(token),
        ...more,
      ),
    );
  }

  /** Set a key of lab `id` under its lease; throws LeaseLost when another process owns it. */
  async set(id: string, key: string, value: string): Promise<void> {
    await this.fenced(id, (token) =>
      this.s.labFencedSet(keys.lease(id), keys.epoch(id), key, token, this.ttlMs, value, epochOf(token)),
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

  /** Redis's clock now, ms. */
  async redisNow(): Promise<number> {
    const [s, us] = await this.redis.time();
    return Number(s) * 1000 + Math.floor(Number(us) / 1000);
  }

  private async fenced(id: string, run: (token: string) => Promise<number>): Promise<number> {
    const token = this.tokens.get(id);
    const r = token ? await run(token) : 0;
    if (!r) {
      if (this.tokens.get(id) === token) this.forget(id);
      throw new LeaseLost(id);
    }
    return r;
  }
}
