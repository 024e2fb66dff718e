/**
 * A throwaway redis-server for trying the service as several processes (`npm run cluster`) and for
 * the cluster tests: loopback only, its own directory, nothing saved to disk.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

/** Debian's redis-server, or the one on PATH. */
export const REDIS_SERVER = existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : 'redis-server';

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface RedisServerOptions {
  port: number;
  /** Its working directory (it saves nothing there). */
  dir: string;
  /** In its own process group, so a Ctrl-C meant for the servers does not reach it. */
  detached?: boolean;
  /** How long it may take to accept connections; 10 s by default. */
  readyMs?: number;
}

export interface RedisServer {
  /** The process, from the moment it is spawned (to stop it even before it is ready). */
  proc: ChildProcess;
  /**
   * Resolves once it accepts connections; rejects (and kills it) if it fails to start, exits
   * first or takes longer than `readyMs`, with the tail of what it printed.
   */
  ready: Promise<void>;
}

/** Starts redis-server on 127.0.0.1:`port` without persistence. */
export function startRedisServer({
  port,
  dir,
  detached = false,
  readyMs = 10_000,
}: RedisServerOptions): RedisServer {
  const proc = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'], detached },
  );
  const ready = new Promise<void>((resolve, reject) => {
    let seen = '';
    const done = (err?: Error) => {
      clearTimeout(timer);
      proc.stdout.off('data', onData);
      proc.stderr.off('data', onData);
      proc.off('exit', onExit);
      proc.off('error', onError);
      // Keep reading what it prints, so it never blocks on a full pipe.
      proc.stdout.resume();
      proc.stderr.resume();
      if (err) {
        if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
        reject(err);
      } else resolve();
    };
    const onData = (b: Buffer) => {
      seen = (seen + b.toString()).slice(-20_000);
      if (/Ready to accept connections/.test(seen)) done();
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      done(new Error(`redis-server exited (${signal ?? code}) before it was ready:\n${seen.slice(-2000)}`));
    const onError = (e: Error) =>
      done(new Error(`cannot start ${REDIS_SERVER} (${e.message}); install Debian's redis-server`));
    const timer = setTimeout(
      () => done(new Error(`redis-server not ready within ${readyMs} ms:\n${seen.slice(-2000)}`)),
      readyMs,
    );
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.once('exit', onExit);
    proc.once('error', onError);
  });
  return { proc, ready };
}
