/**
 * The real server as a child process (`node scripts/serve.mjs`, as `npm start` runs it), on 127.0.0.1 port 0
 * with its own DATA_DIR: for tests with real signals (SIGKILL), real files and its own memory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { SERVE } from '../serve.js';
import { removeDir } from './helpers.js';

export interface Child {
  child: ChildProcess;
  /** Everything it printed so far. */
  out(): string;
  exited: Promise<number | null>;
  /** Resident memory now, bytes (Linux /proc). */
  rss(): number;
}

/** The environment a spawned server is given: this process's, on 127.0.0.1 port 0, with `env` over it. */
export function serverEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, LOG_LEVEL: 'info', CONTROL_TOKEN: '', HOST: '127.0.0.1', PORT: '0', ...env };
}

/** Spawn the server with `env`; `maxFiles` lowers its limit of open files (`ulimit -n`). */
export function spawnServer(env: Record<string, string>, maxFiles?: number): Child {
  const args = [SERVE];
  const options = {
    env: serverEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'],
  };
  const child =
    maxFiles === undefined
      ? spawn(process.execPath, args, options)
      : spawn('sh', ['-c', `ulimit -n ${maxFiles} && exec "$@"`, 'sh', process.execPath, ...args], options);
  let text = '';
  child.stdout!.on('data', (d) => (text += d));
  child.stderr!.on('data', (d) => (text += d));
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  return {
    child,
    out: () => text,
    exited,
    rss() {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      return m ? Number(m[1]) * 1024 : NaN;
    },
  };
}

/** Resolves with the URL once the server listens (`ready`: and its saved labs are back). */
export function listening(p: Child, ready = true): Promise<string> {
  return new Promise((resolve, reject) => {
    const look = () => {
      const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(p.out());
      if (m && (!ready || p.out().includes('"msg":"labs ready"'))) {
        p.child.stdout!.off('data', look);
        resolve(m[1]);
      }
    };
    p.child.stdout!.on('data', look);
    look();
    void p.exited.then((code) => reject(new Error(`exited with ${code}: ${p.out().slice(-2000)}`)));
  });
}

/** Kill with `signal` and wait for the exit. */
export async function stop(p: Child, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill(signal);
  return p.exited;
}

/**
 * Child servers for one test file, each on a DATA_DIR of the file's own: `dataDir()` makes one,
 * `start(dataDir, env?)` spawns a server on it; after the file, every child is SIGKILLed and every dir removed.
 */
export function childServers(prefix: string): {
  dataDir(): string;
  start(dataDir: string, env?: Record<string, string>, maxFiles?: number): Child;
} {
  const dirs: string[] = [];
  const children: Child[] = [];
  afterAll(async () => {
    for (const c of children) await stop(c, 'SIGKILL');
    dirs.forEach(removeDir);
  });
  return {
    dataDir() {
      const d = mkdtempSync(path.join(tmpdir(), `${prefix}-`));
      dirs.push(d);
      return d;
    },
    start(dataDir, env = {}, maxFiles) {
      const c = spawnServer({ DATA_DIR: dataDir, COMMAND_RATE: '1000', ...env }, maxFiles);
      children.push(c);
      return c;
    },
  };
}
