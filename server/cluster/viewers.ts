/**
 * Viewer numbers across the service ("viewer 12" in a lab's log), counted in Redis. A page's
 * connection waits for its number, so it is asked with a bound: a Redis that stopped answering
 * (frozen, or cut off with the connection still open) must not keep pages from connecting; they
 * get this process's own count then. A Redis that lost its data counts on from the highest number
 * this process gave, not from 1 again (each process also raises the count to that every second).
 */
import type { Redis } from 'ioredis';
import { keys } from './keys.js';
import { LATE, redisReady, within } from './redis.js';

/** How long a connecting page waits for its number from Redis. */
export const VIEWER_NUMBER_WAIT_MS = 1000;

/** The next number, at least ARGV[1] + 1. KEYS viewers. */
const NEXT = `
local n = redis.call('INCR', KEYS[1])
local floor = tonumber(ARGV[1])
if n <= floor then
  n = floor + 1
  redis.call('SET', KEYS[1], n)
end
return n`;

/** Raise the count to ARGV[1] if it is lower. KEYS viewers. */
const RAISE = `
if tonumber(redis.call('GET', KEYS[1]) or '0') < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
return 1`;

interface Scripts {
  viewerNext(key: string, floor: number): Promise<number>;
  viewerRaise(key: string, floor: number): Promise<number>;
}

export class ViewerNumbers {
  /** The highest number this process gave. */
  private highest = 0;
  private readonly s: Scripts;

  constructor(private readonly redis: Redis) {
    redis.defineCommand('viewerNext', { lua: NEXT, numberOfKeys: 1 });
    redis.defineCommand('viewerRaise', { lua: RAISE, numberOfKeys: 1 });
    this.s = redis as unknown as Scripts;
  }

  /** The next viewer number of the service; undefined when Redis is away or does not answer in time. */
  async next(): Promise<number | undefined> {
    if (!redisReady(this.redis)) return undefined;
    const n = await within(this.s.viewerNext(keys.viewers, this.highest), VIEWER_NUMBER_WAIT_MS);
    if (n === LATE) return undefined;
    this.highest = Math.max(this.highest, n);
    return n;
  }

  /**
   * A lab's log here (restored or taken over) names viewers up to `n`: the count goes on past it,
   * also when Redis lost its count.
   */
  seen(n: number): void {
    this.highest = Math.max(this.highest, n);
  }

  /** Keep the service's count at least at the highest number given here. */
  async raise(): Promise<void> {
    if (this.highest > 0) await this.s.viewerRaise(keys.viewers, this.highest);
  }
}
