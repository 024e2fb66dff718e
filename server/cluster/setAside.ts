/**
 * What cannot be used of a lab in Redis is kept, never written over: a damaged part copied to
 * `contention:setAside` before the lab saves one in its place, and a lab that cannot be taken
 * over moved out of the lab list to `contention:quarantined`, with the reason.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { keys } from './keys.js';

/** Copy lab `id`'s damaged `part` as it is to `contention:setAside`, with why. */
export async function setPartAside(
  redis: Redis,
  logger: Logger,
  id: string,
  part: 'snapshot' | 'progress',
  reason: string,
): Promise<void> {
  const key = part === 'snapshot' ? keys.snapshot(id) : keys.tick(id);
  const value = await redis.get(key);
  if (value === null) return;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  await redis.hset(keys.setAside, `${id}-${stamp}-${part}`, JSON.stringify({ reason, key, value }));
  logger.warn({ lab: id, key, keptIn: keys.setAside, reason }, `${key} is damaged; kept in ${keys.setAside}`);
}

/** Move lab `id` out of the lab list, its data kept, the reason recorded. */
export async function quarantineLab(redis: Redis, id: string, reason: string): Promise<void> {
  const meta = await redis.hget(keys.labs, id);
  await redis.multi().hset(keys.quarantined, id, JSON.stringify({ reason, meta })).hdel(keys.labs, id).exec();
}
