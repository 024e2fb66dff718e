/**
 * Fan-out across two processes: one 16-VPS lab owned by process A (this one), watched by N
 * clients on A and N on process B (a child `server/main.ts`), both joined through a redis-server
 * started for the run. Frames reach B's clients through the Redis Streams adapter. Prints p50 /
 * p99 tick-to-client latency over all 2 N clients and per process, each process's CPU (share of a
 * core), the share of frames delivered, beside the one-process figure for N of the same run.
 * Env: BENCH_FANOUT_CLUSTER_N (default 1000), BENCH_FANOUT_CLUSTER=0 skips it.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ClusterNode } from '../../server/cluster/node.js';
import { DEFAULTS, type Config } from '../../server/config.js';
import { createLogger, silentLogger } from '../../server/log.js';
import { createApp } from '../../server/net/app.js';
import { REDIS_SERVER, startRedis, startServer, stopAll } from '../integration/cluster/harness.js';
import {
  ask,
  delivery,
  f1,
  median,
  quantile,
  scenario,
  spawnClients,
  wallMs,
  type ChildMsg,
} from './fanout.js';

const N = Number(process.env.BENCH_FANOUT_CLUSTER_N ?? 1000);
const WINDOWS = Math.max(3, Number(process.env.BENCH_FANOUT_WINDOWS ?? 5));
const WINDOW_S = Number(process.env.BENCH_FANOUT_WINDOW_S ?? 5);

/** CPU seconds (user + system) a process used so far, from /proc (Linux). */
function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

type Records = Extract<ChildMsg, { kind: 'records' }>;

export async function clusterRow(
  single: Map<number, { p50: number; p99: number; cpu: number }>,
): Promise<void> {
  console.log(
    `\nTwo processes on one Redis: 2 × ${N} clients of one lab (owned by A; B gets frames through Redis)`,
  );
  if (!existsSync(REDIS_SERVER)) {
    console.log(`  skipped: ${REDIS_SERVER} is missing (apt-get install redis-server)`);
    return;
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'fanout-cluster-'));
  const redis = await startRedis();
  const node = new ClusterNode({
    redisUrl: redis.url,
    logger: process.env.BENCH_FANOUT_DEBUG ? createLogger('warn') : silentLogger(),
  });
  await node.connect();
  const config: Config = {
    ...DEFAULTS,
    port: 0,
    dataDir,
    clientDir: path.join(dataDir, 'none'),
    maxClients: 5000,
    maxClientsPerAddress: 5000,
    redisUrl: redis.url,
  };
  const app = await createApp({ config, logger: silentLogger(), store: node.store, cluster: node });
  const made = await app.registry.create({ id: 'bench', scenario: scenario() });
  if (!made.ok) throw new Error(made.error.message);
  const { url } = await app.listen();
  node.start(url);
  const b = await startServer(redis.url, { MAX_CLIENTS: '5000', MAX_CLIENTS_PER_ADDRESS: '5000' });
  // A join burst can stall A past its lease and the lab moves (to B, or back to A as a new Lab):
  // tick times are taken from whichever process runs it here, and a move is reported.
  const sentAt = new Map<number, number>();
  let hooked: unknown = null;
  let moves = 0;
  const hook = () => {
    const lab = app.registry.get('bench');
    if (lab === hooked) return;
    if (hooked) moves++;
    hooked = lab;
    lab?.onFrames((f) => {
      sentAt.set(f[0].tick, wallMs());
      if (sentAt.size > 10_000) sentAt.delete(sentAt.keys().next().value as number);
    });
  };
  hook();
  const watchOwner = setInterval(hook, 50);
  const onA = spawnClients();
  const onB = spawnClients();
  try {
    await ask(onA, { kind: 'start', mode: 'sio', url, n: N }, 'ready');
    await new Promise((r) => setTimeout(r, 3000));
    await ask(onB, { kind: 'start', mode: 'sio', url: b.url, n: N }, 'ready');
    await new Promise((r) => setTimeout(r, 3000));
    const movesBefore = moves;
    await Promise.all([ask(onA, { kind: 'collect' }, 'records'), ask(onB, { kind: 'collect' }, 'records')]);
    const rows: { all: number[]; a: number[]; b: number[]; cpuA: number; cpuB: number; recv: number }[] = [];
    for (let w = 0; w < WINDOWS; w++) {
      const w0 = wallMs();
      const cpuA0 = process.cpuUsage();
      const cpuB0 = cpuSecondsOf(b.proc.pid as number);
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, WINDOW_S * 1000));
      const elapsedS = (performance.now() - t0) / 1000;
      const usedA = process.cpuUsage(cpuA0);
      const cpuB = (cpuSecondsOf(b.proc.pid as number) - cpuB0) / elapsedS;
      const w1 = wallMs();
      const [ra, rb] = (await Promise.all([
        ask(onA, { kind: 'collect' }, 'records'),
        ask(onB, { kind: 'collect' }, 'records'),
      ])) as Records[];
      const lat = (r: Records) =>
        r.ticks.flatMap((t, i) => (sentAt.has(t) ? [r.times[i] - (sentAt.get(t) as number)] : []));
      const a = lat(ra);
      const bl = lat(rb);
      rows.push({
        all: [...a, ...bl],
        a,
        b: bl,
        cpuA: (usedA.user + usedA.system) / 1e6 / elapsedS,
        cpuB,
        recv: delivery([...ra.ticks, ...rb.ticks], sentAt, w0 + 500, w1 - 500, 2 * N),
      });
    }
    const q = (pick: (r: (typeof rows)[number]) => number[], p: number) =>
      median(rows.map((r) => quantile(pick(r), p)));
    const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
    console.log(
      '  setup            | p50 / p99 ms (all clients) | A-side p50 / p99 | B-side p50 / p99 | CPU A  | CPU B  | delivered',
    );
    console.log(
      `  2 processes      | ${f1(q((r) => r.all, 0.5)).padStart(8)} / ${f1(q((r) => r.all, 0.99)).padEnd(15)}| ${f1(q((r) => r.a, 0.5)).padStart(6)} / ${f1(q((r) => r.a, 0.99)).padEnd(7)} | ${f1(q((r) => r.b, 0.5)).padStart(6)} / ${f1(q((r) => r.b, 0.99)).padEnd(7)} | ${pct(median(rows.map((r) => r.cpuA))).padStart(6)} | ${pct(median(rows.map((r) => r.cpuB))).padStart(6)} | ${(median(rows.map((r) => r.recv)) * 100).toFixed(1)} %`,
    );
    if (moves > movesBefore || !app.registry.get('bench'))
      console.log(
        '  (the lab changed process during the measurement: A stalled past its lease; figures above are not valid)',
      );
    else if (moves)
      console.log(
        `  (the lab changed process ${moves}× while the clients connected: A stalled past its lease)`,
      );
    const one = single.get(N);
    console.log(
      one
        ? `  1 process, N=${N} | ${f1(one.p50).padStart(8)} / ${f1(one.p99).padEnd(15)}| (same run, table above)              | ${pct(one.cpu).padStart(6)} |`
        : `  (the one-process row for N = ${N} was not measured in this run: add ${N} to BENCH_FANOUT_N)`,
    );
  } finally {
    clearInterval(watchOwner);
    onA.send({ kind: 'stop' });
    onB.send({ kind: 'stop' });
    await app.close();
    await stopAll();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
