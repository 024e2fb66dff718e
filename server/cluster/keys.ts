/** Where the cluster keeps things in Redis (all keys under one prefix). */
import type { PartNames } from '../lab/store.js';

export const PREFIX = 'contention:';

export const keys = {
  /** Hash: lab id → its meta (starting scenario and modes), the lab list of the service. */
  labs: `${PREFIX}labs`,
  /** String: "<process>:<epoch>" of the lab's owner, expiring unless renewed. */
  lease: (id: string) => `${PREFIX}lease:${id}`,
  /** Counter: bumped on every change of owner (the fencing epoch). */
  epoch: (id: string) => `${PREFIX}epoch:${id}`,
  /** Stream: the lab's command log, one entry `r` = a command or clock record (JSON) each. */
  log: (id: string) => `${PREFIX}log:${id}`,
  /** String: the lab's last snapshot (JSON). */
  snapshot: (id: string) => `${PREFIX}snapshot:${id}`,
  /** String: a fork's start, a snapshot at the tick it was forked (JSON), written once. */
  start: (id: string) => `${PREFIX}start:${id}`,
  /** Hash: lab id → why it was set aside and its meta (labs that cannot be restored). */
  quarantined: `${PREFIX}quarantined`,
  /** Hash: "<id>-<time>-<part>" → a damaged part of a lab (JSON: why, and its value as it was), kept when replaced. */
  setAside: `${PREFIX}setAside`,
  /** String: how many ticks the owner has computed (a new owner re-runs up to there). */
  tick: (id: string) => `${PREFIX}tick:${id}`,
  /** Set: ids of processes that announced themselves. */
  procs: `${PREFIX}procs`,
  /** String: one process's load record (JSON), expiring unless refreshed. */
  proc: (id: string) => `${PREFIX}proc:${id}`,
  /** Counter: the last viewer number given out in the service. */
  viewers: `${PREFIX}viewers`,
  /** The socket.io adapter's stream. */
  stream: `${PREFIX}socket.io`,
};

/** How a lab's parts are named when told of (a damaged one): the Redis keys that hold them. */
export function redisNames(id: string): PartNames {
  return {
    meta: `${keys.labs}[${id}]`,
    snapshot: keys.snapshot(id),
    progress: keys.tick(id),
    commands: keys.log(id),
    start: keys.start(id),
    record: (n) => `${keys.log(id)} entry ${n}`,
    home: 'field',
  };
}
