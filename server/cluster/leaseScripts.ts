/**
 * The Lua scripts behind a lab's lease (leases.ts): each runs whole in Redis, so a lease is
 * taken, renewed, checked and written under in one step.
 */

/**
 * Create a lab and take its lease in one step; 0 when the id is taken, in any case ("Demo" and
 * "demo" are one id). KEYS labs, lease, epoch.
 */
export const CREATE = `
local low = string.lower(ARGV[1])
for _, k in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.lower(k) == low then return 0 end
end
local e = redis.call('INCR', KEYS[3])
redis.call('SET', KEYS[2], ARGV[3] .. ':' .. e, 'PX', ARGV[4])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return e`;

/** Take a free lease of an existing lab; its new epoch, or 0. KEYS labs, lease, epoch. */
export const ACQUIRE = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local e = redis.call('INCR', KEYS[3])
redis.call('SET', KEYS[2], ARGV[2] .. ':' .. e, 'PX', ARGV[3])
return e`;

/**
 * Renew (or claim back when gone) the caller's lease. -1: someone else holds it; else 1 when the
 * lab is listed, 0 when the lab list lost it (to be re-published). KEYS lease, epoch, labs.
 */
export const RENEW = `
local cur = redis.call('GET', KEYS[1])
local e = redis.call('GET', KEYS[2])
if cur == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2])
elseif cur == false and (e == false or e == ARGV[4]) then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
else return -1 end
if e == false then redis.call('SET', KEYS[2], ARGV[4]) end
return redis.call('HEXISTS', KEYS[3], ARGV[3])`;

/** Drop the caller's lease. KEYS lease. */
export const RELEASE = `
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
 * Nothing is written for a lab the lab list lost (Redis lost its data): -3, and its owner publishes
 * it again whole (REPUBLISH). KEYS[4] labs, ARGV[5] id.
 */
const LISTED = `if redis.call('HEXISTS', KEYS[4], ARGV[5]) == 0 then return -3 end`;

/**
 * Append entries to a stream under the fence, all in one step (a batch is whole or absent). KEYS
 * lease, epoch, stream, labs; ARGV token, ttl, first value, epoch, id, further values.
 */
export const FENCED_XADD = `${LISTED}
${FENCE}
redis.call('XADD', KEYS[3], '*', 'r', ARGV[3])
for i = 6, #ARGV do redis.call('XADD', KEYS[3], '*', 'r', ARGV[i]) end
return 1`;

/** Set a string under the fence. KEYS lease, epoch, key, labs; ARGV token, ttl, value, epoch, id. */
export const FENCED_SET = `${LISTED}
${FENCE}
redis.call('SET', KEYS[3], ARGV[3])
return 1`;

/**
 * Publish a lab again under the fence, in one step: listed with its meta, its snapshot, and its log
 * records, so no moment holds part of it. When ARGV[8] is '1' the records are its whole log since
 * where a re-run of it starts (a fork's start, ARGV[7], or tick 0 when '') and replace what the
 * stream and start hold: published twice, its records are not there twice. Else they are those not
 * yet written, appended. KEYS lease, epoch, labs, snapshot, log, start; ARGV token, ttl, meta,
 * epoch, id, snapshot, start, whole, records.
 */
export const REPUBLISH = `${FENCE}
redis.call('HSET', KEYS[3], ARGV[5], ARGV[3])
redis.call('SET', KEYS[4], ARGV[6])
if ARGV[8] == '1' then
  if ARGV[7] ~= '' then redis.call('SET', KEYS[6], ARGV[7]) else redis.call('DEL', KEYS[6]) end
  redis.call('DEL', KEYS[5])
end
for i = 9, #ARGV do redis.call('XADD', KEYS[5], '*', 'r', ARGV[i]) end
return 1`;

/**
 * Start a lab's data again under the fence (a reset), in one step: its meta replaced, its log,
 * snapshot, tick and start deleted; -2 and nothing done when it runs after its deadline (Redis's own clock,
 * ms), as a script held up by a stalled Redis, or sent again after a reconnect, would: its sender
 * has answered that nothing was reset by then. KEYS lease, epoch, labs, log, snapshot, tick,
 * start; ARGV token, ttl, meta, epoch, id, deadline.
 */
export const FENCED_REPLACE = `
local now = redis.call('TIME')
if tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) > tonumber(ARGV[6]) then return -2 end
${FENCE}
redis.call('HSET', KEYS[3], ARGV[5], ARGV[3])
redis.call('DEL', KEYS[4], KEYS[5], KEYS[6], KEYS[7])
return 1`;

/**
 * Delete a lab under the fence, in one step: unlisted, its log, snapshot, tick, start and lease deleted
 * (its epoch kept, so its owner can publish it again should its answer have said nothing was
 * deleted); -2 and nothing done when it runs after its deadline (Redis's own clock, ms), its sender
 * having answered that nothing was deleted by then. KEYS lease, epoch, labs, log, snapshot, tick,
 * start; ARGV token, ttl, unused, epoch, id, deadline.
 */
export const FENCED_DELETE = `
local now = redis.call('TIME')
if tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) > tonumber(ARGV[6]) then return -2 end
${FENCE}
redis.call('HDEL', KEYS[3], ARGV[5])
redis.call('DEL', KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[1])
return 1`;
