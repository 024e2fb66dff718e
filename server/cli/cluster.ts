/**
 * `npm run cluster -- --workers N [--port 3000]`: try the service as N processes on this machine.
 * Starts a redis-server on a free loopback port (temporary dir, no persistence) and N servers on
 * ports PORT, PORT+1, … joined through it; Ctrl-C stops them all. Other settings (CONTROL_TOKEN,
 * LOG_LEVEL, …) pass through the environment to every process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startRedisServer } from '../cluster/redisServer.js';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));

const USAGE = 'usage: npm run cluster -- --workers N (1 to 32, default 2) [--port P (default 3000)] [--help]';

function usage(message: string): never {
  process.stderr.write(`cluster: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function parse(argv: string[]): { workers: number; port: number } {
  const out = { workers: 2, port: 3000 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--help' || argv[i] === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    const arg = argv[i];
    const [flag, inline] = arg.split('=', 2);
    if (flag !== '--workers' && flag !== '--port') usage(`unknown argument "${arg}"`);
    const value = inline ?? argv[++i];
    const n = Number(value);
    if (value === undefined || !Number.isInteger(n)) usage(`${flag} needs a whole number`);
    if (flag === '--workers') {
      if (n < 1 || n > 32) usage('--workers: from 1 to 32');
      out.workers = n;
    } else {
      if (n < 1024 || n > 65_535 - 32) usage('--port: from 1024 to 65503');
      out.port = n;
    }
  }
  return out;
}

async function main(): Promise<void> {
  const { workers, port } = parse(process.argv.slice(2));
  const dir = mkdtempSync(path.join(tmpdir(), 'contention-redis-'));
  const redisPort = await freePort();
  const servers: ChildProcess[] = [];
  let redis: ChildProcess | null = null;
  let stopping = false;
  const exited = (c: ChildProcess) =>
    c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', r));
  // Servers first (they save their labs to Redis as they stop), then Redis.
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const c of servers) if (c.exitCode === null) c.kill('SIGTERM');
    const force = setTimeout(() => {
      for (const c of [...servers, redis]) if (c && c.exitCode === null) c.kill('SIGKILL');
    }, 15_000);
    force.unref();
    void Promise.all(servers.map(exited))
      .then(() => {
        redis?.kill('SIGTERM');
        return redis ? exited(redis) : undefined;
      })
      .then(() => {
        rmSync(dir, { recursive: true, force: true });
        process.exit(code);
      });
  };
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));

  // Its own process group: Ctrl-C reaches the servers, and Redis stays until they have stopped.
  const started = startRedisServer({ port: redisPort, dir, detached: true });
  redis = started.proc;
  try {
    await started.ready;
  } catch (e) {
    process.stderr.write(`cluster: ${(e as Error).message}\n`);
    return stop(1);
  }
  if (stopping) return;
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  console.log(`redis-server on ${redisUrl} (data in ${dir}, not saved)`);
  for (let i = 0; i < workers; i++) {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: { ...process.env, PORT: String(port + i), REDIS_URL: redisUrl },
      stdio: 'inherit',
    });
    servers.push(child);
    child.once('exit', (code, signal) => {
      if (!stopping)
        console.log(`server on port ${port + i} stopped (${signal ?? code}); the others take its labs over`);
    });
    console.log(`server ${i + 1} of ${workers}: http://127.0.0.1:${port + i}`);
  }
  console.log('Ctrl-C stops them all.');
}

void main();
