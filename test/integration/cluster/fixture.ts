/**
 * The set-up the Redis-outage tests share: a real redis-server, the process that runs one lab (made
 * there), optionally another process, a socket joined to the lab on each, and a client of our own
 * on Redis to read what it holds (`peek`). `stopCluster` undoes it, Redis thawed first if a test
 * left it frozen.
 */
import { Redis } from 'ioredis';
import { expect, onTestFailed } from 'vitest';
import { client, http, request, waitFor, type Client } from '../helpers.js';
import {
  startLink,
  startRedis,
  startServer,
  stopAll,
  type RedisHandle,
  type RedisLink,
  type ServerProcess,
} from './harness.js';

export interface OneOwner {
  redis: RedisHandle;
  /** The process running the lab. */
  owner: ServerProcess;
  /** A socket on the owner, joined to the lab. */
  onOwner: Client;
  /** Our own client on Redis (connected, waiting through an outage). */
  peek: Redis;
  /** The owner's own link to Redis, when asked for (stopped, Redis answers the owner alone no more). */
  link?: RedisLink;
  /** The other process's own link to Redis, when asked for. */
  otherLink?: RedisLink;
}

export interface OwnerAndOther extends OneOwner {
  /** A process that does not run the lab. */
  other: ServerProcess;
  /** A socket on the other process, joined to the lab, which had a frame of it. */
  onOther: Client;
}

export interface ClusterOptions {
  /** How a socket joins the lab on a process (default: connect, join, wait for the answer). */
  viewer?: (p: ServerProcess, lab: string) => Promise<Client>;
  /** Give the owner its own link to Redis (harness.ts `startLink`). */
  link?: boolean;
  /** Give the other process its own link to Redis. */
  otherLink?: boolean;
  /** The other process's environment (e.g. MAX_LABS). */
  otherEnv?: Record<string, string>;
  /** The owner's environment (e.g. COMMAND_RATE). */
  ownerEnv?: Record<string, string>;
}

async function joined(p: ServerProcess, lab: string): Promise<Client> {
  const c = await client(p.url);
  await request(c, 'join', { lab }, 15_000);
  return c;
}

/** Redis, the owner (and the other process), the lab, and a socket on each joined to it. */
async function start(
  lab: string,
  o: ClusterOptions,
  withOther: boolean,
): Promise<OneOwner & Partial<OwnerAndOther>> {
  const redis = await startRedis();
  const [link, otherLink] = await Promise.all([
    o.link ? startLink(redis) : undefined,
    o.otherLink && withOther ? startLink(redis) : undefined,
  ]);
  const [owner, other] = await Promise.all([
    startServer(link?.url ?? redis.url, o.ownerEnv),
    withOther ? startServer(otherLink?.url ?? redis.url, o.otherEnv) : undefined,
  ]);
  const made = await http(`${owner.url}/api/labs`, {
    method: 'POST',
    body: { id: lab, preset: 'demo' },
    headers: { 'x-contention-forwarded': 'test' },
  });
  expect(made.status, made.text).toBe(201);
  const peek = new Redis(redis.url, { maxRetriesPerRequest: null });
  peek.on('error', () => undefined);
  await peek.ping();
  const join = o.viewer ?? joined;
  const [onOwner, onOther] = await Promise.all([join(owner, lab), other ? join(other, lab) : undefined]);
  if (onOther) await waitFor(onOther, 'frame', (m: { lab?: string }) => m.lab === lab, 20_000);
  return {
    redis,
    owner,
    onOwner,
    peek,
    ...(link ? { link } : {}),
    ...(otherLink ? { otherLink } : {}),
    ...(other && onOther ? { other, onOther } : {}),
  };
}

/** Redis and the process running lab `lab` (a demo), with a socket joined to it there. */
export function oneOwner(lab: string, o: ClusterOptions = {}): Promise<OneOwner> {
  return start(lab, o, false);
}

/** As `oneOwner`, with another process whose socket, joined to the lab, had a frame of it. */
export async function ownerAndOther(lab: string, o: ClusterOptions = {}): Promise<OwnerAndOther> {
  const c = await start(lab, o, true);
  if (!c.other || !c.onOther) throw new Error('the other process did not start');
  return { ...c, other: c.other, onOther: c.onOther };
}

/** Stop everything `oneOwner` or `ownerAndOther` started (Redis thawed first if it was left frozen). */
export async function stopCluster(c: Partial<OwnerAndOther> | undefined): Promise<void> {
  if (c?.redis?.proc.signalCode === null) c.redis.proc.kill('SIGCONT');
  c?.onOwner?.disconnect();
  c?.onOther?.disconnect();
  c?.peek?.disconnect();
  await stopAll();
}

/**
 * Call inside a test: if it fails, the last lines each process logged (its holds, the viewers it
 * told, Redis falling silent and answering again) are printed beside the failure.
 */
export function logsIfFailed(c: Partial<OwnerAndOther> | undefined): void {
  onTestFailed(() => {
    for (const [name, p] of [
      ['owner', c?.owner],
      ['other', c?.other],
    ] as const) {
      if (!p) continue;
      const lines = p.output().trim().split('\n').slice(-40);
      console.error(`--- what the ${name} process (${p.id}) logged last:\n${lines.join('\n')}`);
    }
  });
}
