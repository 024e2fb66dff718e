/**
 * Cluster test harness: a real redis-server on a free loopback port with its own temporary dir (no
 * persistence), and server processes (`server/main.ts` as child processes, each on its own port)
 * joined through it. Everything started here is stopped by `stopAll()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { freePort, startRedisServer } from '../../../server/cluster/redisServer.js';
import { http } from '../helpers.js';
import { SERVE } from '../../serve.js';

export { REDIS_SERVER } from '../../../server/cluster/redisServer.js';
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

const children = new Set<ChildProcess>();
const dirs = new Set<string>();

/** Resolves when `child` printed a line matching `re` (with the match), rejects on exit or after `ms`. */
function waitForLine(child: ChildProcess, re: RegExp, ms: number, what: string): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const done = (fn: () => void) => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      fn();
    };
    const onData = (b: Buffer) => {
      seen = (seen + b.toString()).slice(-20_000);
      const m = seen.match(re);
      if (m) done(() => resolve(m));
    };
    const onExit = (code: number | null) =>
      done(() => reject(new Error(`${what} exited (${code}) before it was ready:\n${seen.slice(-2000)}`)));
    const timer = setTimeout(
      () => done(() => reject(new Error(`${what} not ready within ${ms} ms:\n${seen.slice(-2000)}`))),
      ms,
    );
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

export interface RedisHandle {
  port: number;
  url: string;
  proc: ChildProcess;
  /** Kill it (SIGKILL: it loses everything, it keeps nothing on disk). */
  kill(): Promise<void>;
  /** Start it again on the same port, empty. */
  restart(): Promise<void>;
}

async function spawnRedis(port: number, dir: string): Promise<ChildProcess> {
  const { proc, ready } = startRedisServer({ port, dir });
  children.add(proc);
  proc.once('exit', () => children.delete(proc));
  await ready;
  return proc;
}

export async function startRedis(): Promise<RedisHandle> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'lab-redis-'));
  dirs.add(dir);
  const h: RedisHandle = {
    port,
    url: `redis://127.0.0.1:${port}`,
    proc: await spawnRedis(port, dir),
    kill: () => kill(h.proc, 'SIGKILL'),
    restart: async () => {
      h.proc = await spawnRedis(port, dir);
    },
  };
  return h;
}

const LINK = path.join(ROOT, 'test/integration/cluster/redisLink.mjs');

export interface RedisLink {
  /** The URL a server process behind the link is given as REDIS_URL. */
  url: string;
  /** SIGSTOP: the link forwards nothing, its connections open (Redis stops answering that process only); SIGCONT. */
  proc: ChildProcess;
}

/** A link of its own to `redis` for one server process (redisLink.mjs): stopped, it cuts that process off alone. */
export async function startLink(redis: RedisHandle): Promise<RedisLink> {
  const proc = spawn(process.execPath, [LINK, String(redis.port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(proc);
  proc.once('exit', () => children.delete(proc));
  const m = await waitForLine(proc, /"link":(\d+)/, 30_000, 'Redis link');
  return { url: `redis://127.0.0.1:${m[1]}`, proc };
}

/**
 * Hold back Redis's replies on `link` (the commands sent through it still reach Redis and run
 * there), or let them through again; resolves once the link says it does.
 */
export async function holdReplies(link: RedisLink, hold: boolean): Promise<void> {
  const said = waitForLine(link.proc, hold ? /"holding":true/ : /"holding":false/, 30_000, 'Redis link');
  link.proc.kill(hold ? 'SIGUSR1' : 'SIGUSR2');
  await said;
}

export interface ServerProcess {
  url: string;
  proc: ChildProcess;
  /** The id the process names itself with (`/healthz` → process). */
  id: string;
  /** Everything it printed (pino JSON lines). */
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Start the server (as `npm start` runs it) with REDIS_URL on a free port; resolves once it listens. */
export async function startServer(
  redisUrl: string,
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lab-cluster-'));
  dirs.add(dataDir);
  const proc = spawn(process.execPath, [SERVE], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      REDIS_URL: redisUrl,
      DATA_DIR: dataDir,
      CLIENT_DIR: path.join(dataDir, 'no-client'),
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(proc);
  proc.once('exit', () => children.delete(proc));
  let out = '';
  proc.stdout?.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-200_000)));
  proc.stderr?.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-200_000)));
  const m = await waitForLine(
    proc,
    /"url":"(http:\/\/127\.0\.0\.1:\d+)".*?"process":"([^"]+)"/,
    60_000,
    'server',
  );
  return { url: m[1], id: m[2], proc, output: () => out, kill: (signal = 'SIGKILL') => kill(proc, signal) };
}

function kill(proc: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    proc.once('exit', () => resolve());
    proc.kill(signal);
  });
}

/**
 * Makes process `p` run a lab of its own (the demo lab a service's first process starts, or one made
 * there, `anchor`): with MAX_LABS=1 it then takes no lab over, it only forwards.
 */
export async function anchorLab(p: ServerProcess): Promise<void> {
  if ((await http(`${p.url}/healthz`)).body.data.owns.length) return;
  const made = await http(`${p.url}/api/labs`, {
    method: 'POST',
    body: { id: 'anchor', preset: 'demo' },
    headers: { 'x-contention-forwarded': 'test' },
  });
  expect(made.status, made.text).toBe(201);
}

export interface TwoProcesses {
  redis: RedisHandle;
  /** The process the lab was made on: it runs it. */
  owner: ServerProcess;
  /** The other process on the same Redis. */
  other: ServerProcess;
}

export interface TwoProcessesOptions {
  /** What the lab is made of, beside its id (default: the demo preset). */
  lab?: Record<string, unknown>;
  /** The owner's environment. */
  ownerEnv?: Record<string, string>;
  /** The other process's environment. */
  otherEnv?: Record<string, string>;
  /**
   * The other process only forwards: started first, alone, with MAX_LABS=1 and a lab of its own
   * (`anchorLab`), then the owner; it takes no lab over. Otherwise both start at once.
   */
  otherForwards?: boolean;
}

/** Redis, two server processes on it, and lab `id` made on the first (`owner`), which runs it. */
export async function twoProcesses(id: string, o: TwoProcessesOptions = {}): Promise<TwoProcesses> {
  const redis = await startRedis();
  let owner: ServerProcess;
  let other: ServerProcess;
  if (o.otherForwards) {
    other = await startServer(redis.url, { ...o.otherEnv, MAX_LABS: '1' });
    await anchorLab(other);
    owner = await startServer(redis.url, o.ownerEnv);
  } else {
    [owner, other] = await Promise.all([
      startServer(redis.url, o.ownerEnv),
      startServer(redis.url, o.otherEnv),
    ]);
  }
  // Made on the process it is sent to (the header says it was forwarded there already).
  const made = await http(`${owner.url}/api/labs`, {
    method: 'POST',
    body: { id, ...(o.lab ?? { preset: 'demo' }) },
    headers: { 'x-contention-forwarded': 'test' },
  });
  expect(made.status, made.text).toBe(201);
  return { redis, owner, other };
}

/** Stop every process started here and remove their folders. */
export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((c) => kill(c, 'SIGKILL')));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs.clear();
}
