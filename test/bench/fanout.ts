/**
 * Fan-out: one live 16-VPS lab at 1× (10 frames/s) broadcast over socket.io to N websocket clients
 * living in a second process on loopback, against the floor: a bare `ws` server broadcasting a 2 KB
 * frame at 10 Hz to the same N, measured in the same run.
 *
 * Prints per N: p50 / p99 tick-to-client latency (from the tick's computation to its receipt;
 * median over windows), server CPU (share of one core) and RSS, the share of (frame, client) pairs
 * delivered (frames are volatile), the floor's p50 / p99, and p99 / floor p99; plus the encoded
 * 16-VPS frame size. The clients speak the socket.io protocol directly over `ws` (handshake,
 * namespace, join, pongs, JSON decode of every text message, a frame's binary data taken as it
 * comes): about the floor's clients' per-message work, so one process can hold 1 000 and the figures measure the server, not a client library.
 * Latencies are compared across processes with performance.timeOrigin + now() (same machine).
 * Goal (perf.md): at N = 1 000, p99 < 100 ms and ≤ 1.5× the floor, server under half a core,
 * frames ≤ 2 KB.
 * Env: BENCH_FANOUT_N (e.g. "100,500,1000"), BENCH_FANOUT_WINDOWS (default 5), BENCH_FANOUT_WINDOW_S
 * (default 5), BENCH_FANOUT_DEBUG=1 (first-client latency, spread, undelivered frames per window).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, WebSocket } from 'ws';
import { DEFAULTS, type Config } from '../../server/config.js';
import { silentLogger } from '../../server/log.js';
import { createApp } from '../../server/net/app.js';
import { encodeFrameMessage } from '../../shared/wireFrame.js';
import type { Scenario, VpsSpec } from '../../shared/commands.js';
import type { Frame } from '../../shared/model.js';

const SIZES = (process.env.BENCH_FANOUT_N ?? '100,500,1000').split(',').map(Number);
const WINDOWS = Math.max(3, Number(process.env.BENCH_FANOUT_WINDOWS ?? 5));
const WINDOW_S = Number(process.env.BENCH_FANOUT_WINDOW_S ?? 5);
const FLOOR_BYTES = 2048;
const SELF = fileURLToPath(import.meta.url);
/** socket.io-parser's EVENT packet type (its encoder makes it a binary event when the data holds binary). */
const EVENT = 2;

/** Wall-clock milliseconds comparable across processes on this machine. */
export const wallMs = () => performance.timeOrigin + performance.now();

const ROLES: VpsSpec['role'][] = ['web', 'database', 'cache', 'batch', 'ci', 'mail'];

/** Sixteen tenants on a modern host, two of them misbehaving so attribution is in every frame. */
export function scenario(): Scenario {
  const vps: VpsSpec[] = Array.from({ length: 16 }, (_, i) => ({
    id: `${ROLES[i % ROLES.length]}-${Math.floor(i / ROLES.length) + 1}`,
    role: ROLES[i % ROLES.length],
    vcpus: 2 + (i % 3),
    ramGiB: 8,
    diskIops: 5000,
    netMbps: 1000,
    profile: i % 2 ? 'bursty' : 'diurnal',
    load: { cpu: 0.5, mem: 0.5, disk: 0.3, net: 0.3 },
  }));
  return {
    name: 'Fan-out bench',
    seed: 7,
    tickMs: 100,
    mode: 'para',
    host: { cores: 64, ramGiB: 256, diskIops: 200000, netMbps: 40000, memBwGBs: 200 },
    vps,
    events: [
      { atTick: 0, type: 'startFault', vps: vps[3].id, fault: 'io_storm' },
      { atTick: 0, type: 'startFault', vps: vps[4].id, fault: 'cpu_hog' },
    ],
  };
}

// ---------------------------------------------------------------- child: the N clients

export type ChildCmd =
  { kind: 'start'; mode: 'sio' | 'ws'; url: string; n: number } | { kind: 'collect' } | { kind: 'stop' };
export type ChildMsg =
  | { kind: 'ready'; n: number }
  | { kind: 'records'; ticks: number[]; times: number[] }
  | { kind: 'error'; message: string };

async function child(): Promise<void> {
  let ticks: number[] = [];
  let times: number[] = [];
  const closers: (() => void)[] = [];
  const send = (m: ChildMsg) => process.send?.(m);
  const record = (tick: number) => {
    ticks.push(tick);
    times.push(wallMs());
  };

  // A socket.io client at the protocol level (engine.io v4 / socket.io v5 over a websocket):
  // open, connect to the namespace, join the lab, answer pings, JSON-decode every frame. The same
  // per-message work as the floor's clients, so one process can hold 1 000 of them and the figures
  // measure the server's fan-out rather than a client library's overhead.
  const connectSio = (url: string) =>
    new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, {
        perMessageDeflate: false,
      });
      // A small frame is one text message (`42["frame",…]`); a large one a binary event: its JSON
      // header (`451-["frame",…]`), then its data as one binary message, received with its data.
      let pending = -1;
      ws.on('message', (data, isBinary) => {
        if (isBinary) {
          if (pending >= 0) record(pending);
          pending = -1;
          return;
        }
        const text = data.toString();
        if (text === '2') return ws.send('3');
        if (text.startsWith('0{')) return ws.send('40');
        if (text.startsWith('40')) return ws.send('42["join",{"lab":"bench"}]');
        if (text.startsWith('451-')) {
          const [event, payload] = JSON.parse(text.slice(4)) as [string, { tick: number }];
          if (event === 'frame') pending = payload.tick;
        } else if (text.startsWith('42')) {
          const [event, payload] = JSON.parse(text.slice(2)) as [string, { tick: number }];
          if (event === 'frame') record(payload.tick);
          else if (event === 'snapshot') resolve();
        }
      });
      ws.once('error', reject);
      closers.push(() => ws.terminate());
    });
  const connectWs = (url: string) =>
    new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      ws.on('message', (data) => record((JSON.parse(data.toString()) as { seq: number }).seq));
      ws.once('open', () => resolve());
      ws.once('error', reject);
      closers.push(() => ws.terminate());
    });

  process.on('message', async (cmd: ChildCmd) => {
    try {
      if (cmd.kind === 'start') {
        const connect = cmd.mode === 'sio' ? connectSio : connectWs;
        for (let i = 0; i < cmd.n; i += 50) {
          await Promise.all(Array.from({ length: Math.min(50, cmd.n - i) }, () => connect(cmd.url)));
        }
        ticks = [];
        times = [];
        send({ kind: 'ready', n: cmd.n });
      } else if (cmd.kind === 'collect') {
        send({ kind: 'records', ticks, times });
        ticks = [];
        times = [];
      } else {
        closers.splice(0).forEach((c) => c());
        process.exit(0);
      }
    } catch (e) {
      send({ kind: 'error', message: String(e) });
    }
  });
}

// ---------------------------------------------------------------- parent: servers and figures

export const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '—');

export function quantile(xs: number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

export const median = (xs: number[]) => quantile(xs, 0.5);

export function ask(
  c: ChildProcess,
  cmd: ChildCmd,
  want: ChildMsg['kind'],
  timeoutMs = 120_000,
): Promise<ChildMsg> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(
      () => reject(new Error(`client process: no "${want}" within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const on = (m: ChildMsg) => {
      if (m.kind === 'error') reject(new Error(m.message));
      else if (m.kind !== want) return;
      else resolve(m);
      clearTimeout(t);
      c.off('message', on);
    };
    c.on('message', on);
    c.send(cmd);
  });
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Window {
  p50: number;
  p99: number;
  cpu: number;
  received: number;
}

/**
 * Measure WINDOWS windows. `broadcastAt` maps each broadcast frame's tick (or seq) to when it was
 * computed: latency is receipt minus that; delivery counts, for the frames broadcast well inside
 * the window, how many of the N clients got each.
 */
async function measure(
  c: ChildProcess,
  sentAt: Map<number, number>,
  n: number,
  broadcastAt: Map<number, number>,
): Promise<Window[]> {
  const out: Window[] = [];
  await wait(1000); // settle after connecting
  await ask(c, { kind: 'collect' }, 'records');
  for (let w = 0; w < WINDOWS; w++) {
    const w0 = wallMs();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await wait(WINDOW_S * 1000);
    const used = process.cpuUsage(cpu0);
    const elapsed = performance.now() - t0;
    const w1 = wallMs();
    const r = (await ask(c, { kind: 'collect' }, 'records')) as Extract<ChildMsg, { kind: 'records' }>;
    const lat: number[] = [];
    for (let i = 0; i < r.ticks.length; i++) {
      const s = sentAt.get(r.ticks[i]);
      if (s !== undefined) lat.push(r.times[i] - s);
    }
    if (process.env.BENCH_FANOUT_DEBUG) {
      const per = new Map<number, number[]>();
      for (let i = 0; i < r.ticks.length; i++) {
        const s = sentAt.get(r.ticks[i]);
        if (s !== undefined)
          (per.get(r.ticks[i]) ?? per.set(r.ticks[i], []).get(r.ticks[i])!).push(r.times[i] - s);
      }
      const mins = [...per.values()].map((xs) => Math.min(...xs));
      const spreads = [...per.values()].map((xs) => Math.max(...xs) - Math.min(...xs));
      console.log(
        `  first-client latency p50 ${median(mins).toFixed(1)} ms, spread first→last p50 ${median(spreads).toFixed(1)} ms`,
      );
    }
    out.push({
      p50: quantile(lat, 0.5),
      p99: quantile(lat, 0.99),
      cpu: (used.user + used.system) / 1000 / elapsed,
      received: delivery(r.ticks, broadcastAt, w0 + 500, w1 - 500, n),
    });
  }
  return out;
}

/** Share of (frame, client) pairs delivered, over frames broadcast between `from` and `to`. */
export function delivery(
  received: number[],
  broadcastAt: Map<number, number>,
  from: number,
  to: number,
  n: number,
): number {
  const inside = new Set<number>();
  for (const [tick, at] of broadcastAt) if (at >= from && at <= to) inside.add(tick);
  let got = 0;
  const counts = new Map<number, number>();
  for (const tick of received)
    if (inside.has(tick)) {
      got++;
      counts.set(tick, (counts.get(tick) ?? 0) + 1);
    }
  if (process.env.BENCH_FANOUT_DEBUG)
    console.log(
      '  missing',
      [...inside]
        .filter((t) => (counts.get(t) ?? 0) < n)
        .map((t) => `${t}:${counts.get(t) ?? 0}`)
        .join(' '),
    );
  return inside.size ? got / (inside.size * n) : NaN;
}

export function spawnClients(): ChildProcess {
  return fork(SELF, ['--clients'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

async function socketIoRun(n: number): Promise<{ windows: Window[]; rss: number; frameBytes: number }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'fanout-'));
  const config: Config = {
    ...DEFAULTS,
    port: 0,
    dataDir,
    clientDir: path.join(dataDir, 'none'),
    maxClients: 5000,
    maxClientsPerAddress: 5000,
  };
  const app = await createApp({ config, logger: silentLogger() });
  const made = await app.registry.create({ id: 'bench', scenario: scenario() });
  if (!made.ok) throw new Error(made.error.message);
  const lab = made.data;
  const sentAt = new Map<number, number>();
  // When each pump started: the tick it runs is computed, then broadcast, within it.
  let pumpAt = wallMs();
  const pump = lab.pump.bind(lab);
  lab.pump = (now) => {
    pumpAt = wallMs();
    pump(now);
  };
  const broadcastAt = new Map<number, number>();
  // This listener runs after the broadcaster's: the time since the pump started is the tick and
  // the server's write loop over every client.
  const loops: number[] = [];
  let latest: readonly Frame[] = [];
  lab.onFrames((frames) => {
    const tick = frames[0].tick;
    latest = frames;
    sentAt.set(tick, pumpAt);
    if (sentAt.size > 10_000) sentAt.delete(sentAt.keys().next().value as number);
    loops.push(wallMs() - pumpAt);
    broadcastAt.set(tick, pumpAt);
    if (broadcastAt.size > 10_000) broadcastAt.delete(broadcastAt.keys().next().value as number);
  });
  const { url } = await app.listen();
  const c = spawnClients();
  try {
    await ask(c, { kind: 'start', mode: 'sio', url, n }, 'ready');
    loops.length = 0;
    const windows = await measure(c, sentAt, n, broadcastAt);
    const rss = process.memoryUsage().rss;
    console.log(
      `  N = ${n}: server write loop (tick to last client written) p50 ${f1(quantile(loops, 0.5))} ms, p99 ${f1(quantile(loops, 0.99))} ms`,
    );
    // What socket.io sends per frame: the event's JSON header and its binary data.
    const parts = app.io.encoder.encode({
      type: EVENT,
      data: ['frame', encodeFrameMessage('bench', latest)],
      nsp: '/',
    });
    const frameBytes = (parts as (string | Uint8Array)[]).reduce(
      (sum, part) => sum + (typeof part === 'string' ? Buffer.byteLength(part) : part.byteLength),
      0,
    );
    return { windows, rss, frameBytes };
  } finally {
    c.send({ kind: 'stop' });
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function floorRun(n: number): Promise<{ windows: Window[]; rss: number }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise((r) => wss.once('listening', r));
  const { port } = wss.address() as { port: number };
  const sentAt = new Map<number, number>();
  const floorLoops: number[] = [];
  let seq = 0;
  const timer = setInterval(() => {
    const head = JSON.stringify({ seq, pad: '' });
    const msg = JSON.stringify({ seq, pad: 'x'.repeat(FLOOR_BYTES - head.length) });
    sentAt.set(seq, wallMs());
    const buf = Buffer.from(msg);
    for (const client of wss.clients) client.send(buf);
    floorLoops.push(wallMs() - (sentAt.get(seq) ?? 0));
    seq++;
  }, 100);
  const c = spawnClients();
  try {
    await ask(c, { kind: 'start', mode: 'ws', url: `ws://127.0.0.1:${port}`, n }, 'ready');
    floorLoops.length = 0;
    const windows = await measure(c, sentAt, n, sentAt);
    console.log(
      `  N = ${n}: floor write loop p50 ${f1(quantile(floorLoops, 0.5))} ms, p99 ${f1(quantile(floorLoops, 0.99))} ms`,
    );
    return { windows, rss: process.memoryUsage().rss };
  } finally {
    clearInterval(timer);
    c.send({ kind: 'stop' });
    for (const client of wss.clients) client.terminate();
    await new Promise((r) => wss.close(r));
  }
}

export async function run(): Promise<void> {
  console.log(
    `N clients (websocket) in a second process; ${WINDOWS} windows of ${WINDOW_S} s each; medians over windows.`,
  );
  console.log(
    '  N  | socket.io p50 / p99 ms | server CPU | RSS MB | delivered  | floor p50 / p99 ms | floor CPU | p99 / floor p99',
  );
  let frameBytes = 0;
  const single = new Map<number, { p50: number; p99: number; cpu: number }>();
  for (const n of SIZES) {
    const sio = await socketIoRun(n);
    const floor = await floorRun(n);
    frameBytes = sio.frameBytes;
    const p50 = median(sio.windows.map((w) => w.p50));
    const p99 = median(sio.windows.map((w) => w.p99));
    const cpu = median(sio.windows.map((w) => w.cpu));
    const recv = median(sio.windows.map((w) => w.received));
    const fp50 = median(floor.windows.map((w) => w.p50));
    const fp99 = median(floor.windows.map((w) => w.p99));
    const fcpu = median(floor.windows.map((w) => w.cpu));
    single.set(n, { p50, p99, cpu });
    console.log(
      `${String(n).padStart(5)} | ${f1(p50).padStart(8)} / ${f1(p99).padEnd(8)}     | ${(cpu * 100).toFixed(0).padStart(5)} %    | ${String(Math.round(sio.rss / 2 ** 20)).padStart(6)} | ${(recv * 100).toFixed(1).padStart(8)} %  | ${f1(fp50).padStart(8)} / ${f1(fp99).padEnd(8)} | ${(fcpu * 100).toFixed(0).padStart(5)} %   | ${(p99 / fp99).toFixed(2)}×`,
    );
  }
  console.log(`16-VPS frame (with attribution) on the wire: ${frameBytes} bytes (goal ≤ 2048)`);
  console.log('Goal at N = 1 000: p99 < 100 ms and ≤ 1.5× floor p99; server CPU < 50 % of a core.');
  if (process.env.BENCH_FANOUT_CLUSTER !== '0') {
    const { clusterRow } = await import('./fanoutCluster.js');
    await clusterRow(single);
  }
}

if (process.argv.includes('--clients')) void child();
