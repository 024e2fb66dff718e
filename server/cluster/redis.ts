/**
 * The Redis connection of a cluster process (ioredis). Commands issued while Redis is away wait in
 * ioredis' offline queue and go out when it is back (never failed after a retry count), so a write
 * acknowledged to a client is one Redis accepted.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** Connect to `url` (redis://host:port/db). Connection errors are logged, at most once per outage. */
export function connectRedis(url: string, logger: Logger, name: string): Redis {
  const redis = new Redis(url, {
    connectionName: name,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (attempt) => Math.min(100 * attempt, 1000),
  });
  let down = false;
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    logger.warn(
      { err: err.message },
      'Redis is unreachable; labs keep running here, cross-process delivery waits',
    );
  });
  redis.on('ready', () => {
    if (down) logger.info('Redis is back');
    down = false;
  });
  return redis;
}

/** Resolves once `redis` answers PING, rejects after `ms`. */
export async function waitForRedis(redis: Redis, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      redis.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer from Redis within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** A write that Redis did not take (away, not answering, or too late): nothing changed; try again. */
export class RedisAway extends Error {
  readonly code = 'UNAVAILABLE';
  constructor(message: string) {
    super(message);
    this.name = 'RedisAway';
  }
}

/** Whether commands currently reach Redis. */
export const redisReady = (redis: Redis): boolean => redis.status === 'ready';

/** What `within` resolves with when Redis did not answer in time. */
export const LATE = Symbol('late');

/**
 * `reply`, or LATE after `ms`: a Redis that stopped answering with its connection still open
 * (frozen, or cut off by the network) never fails a command, it holds it; what a viewer waits on
 * must not wait that long. A reply that comes later is dropped (its error too).
 */
export function within<T>(reply: Promise<T>, ms: number): Promise<T | typeof LATE> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<typeof LATE>((resolve) => {
    timer = setTimeout(() => resolve(LATE), ms);
  });
  reply.catch(() => undefined);
  return Promise.race([reply, late]).finally(() => clearTimeout(timer));
}
