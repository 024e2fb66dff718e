/**
 * A reset or a deletion in Redis, answered within RESET_WAIT_MS whatever Redis does: refused at
 * once while Redis is away, refused after RESET_WAIT_MS when it did not answer. Its script is sent
 * with a deadline on Redis's own clock that falls before that answer, so a Redis that runs it
 * later does nothing. A write that did reach Redis in time although its reply came later still
 * took effect: `onLate` saves the lab again.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ResetTooLate, type Leases } from './leases.js';
import { RedisAway } from './redis.js';
import type { LabWrites } from './labWrites.js';

/** How long a reset waits for Redis before it answers that nothing was reset, ms. */
export const RESET_WAIT_MS = 5000;
/** The reset's script must have run in Redis this long before that answer (its reply's way back), ms. */
const RESET_REPLY_MS = 1500;

export interface DeadlineDeps {
  redis: Redis;
  leases: Leases;
  logger: Logger;
  writes: LabWrites;
  /** A write answered as failed reached Redis after all: the lab is saved again. */
  onLate: (id: string) => void;
}

/**
 * Run `write` (given its deadline on Redis's clock, and whether the caller was answered already)
 * in lab `id`'s queue, answered within RESET_WAIT_MS as described above; `what` names it in the log.
 */
export function writeByDeadline(
  d: DeadlineDeps,
  id: string,
  what: string,
  write: (deadline: number, answered: () => boolean) => Promise<void>,
): Promise<void> {
  if (d.redis.status !== 'ready')
    return Promise.reject(new RedisAway('the cluster’s store (Redis) is unreachable'));
  const until = performance.now() + RESET_WAIT_MS;
  let gaveUp = false;
  const job = d.writes.enqueue(id, async () => {
    const now = gaveUp ? 0 : await d.leases.redisNow();
    // Measured after Redis's clock was read, so the deadline falls before `until` here.
    const budget = until - performance.now() - RESET_REPLY_MS;
    if (gaveUp || budget <= 0) throw new ResetTooLate();
    await write(now + budget, () => gaveUp);
  });
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      gaveUp = true;
      reject(new RedisAway(`the cluster’s store (Redis) did not answer within ${RESET_WAIT_MS / 1000} s`));
      job.then(
        () => {
          d.logger.error(
            { lab: id },
            `a ${what} answered as failed reached Redis late; saving the lab again`,
          );
          d.onLate(id);
        },
        () => undefined,
      );
    }, RESET_WAIT_MS);
    job.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err as Error);
      },
    );
  });
}
