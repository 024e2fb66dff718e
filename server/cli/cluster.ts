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
import { CLUSTER_USAGE, parseClusterArgs, type ClusterOptions } from './clusterArgs.js';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));

function parse(argv: string[]): ClusterOptions {
  const r = parseClusterArgs(argv);
  if (!r.ok) {
    process.stderr.write(`cluster: ${r.error.message}\n${CLUSTER_USAGE}\n`);
    process.exit(2);
  }
  if (r.help) {
    process.stdout.write(`${CLUSTER_USAGE}\n`);
    process.exit(0);
  }
  return r.options;
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
