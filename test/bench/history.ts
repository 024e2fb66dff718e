/**
 * History: what the largest history answer costs the server while it is written. The demo lab
 * with a full history (15 minutes at 10 ticks a second, 9 000 ticks), every VPS and host metric
 * at 2 000 points (about 10 MB of JSON), fetched by another process (as a browser would: this
 * process's pauses are the server's own).
 *
 * Prints the answer's bytes, its time at the client and the longest stretch the server's event
 * loop did not turn meanwhile (perf_hooks' event-loop delay, its maximum): medians of REPS fetches.
 * Run: `npm run bench -- history` (or `npx tsx test/bench/history.ts`).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { DEFAULTS, type Config } from '../../server/config.js';
import { silentLogger } from '../../server/log.js';
import { createApp } from '../../server/net/app.js';
import { HOST_METRICS, VPS_METRICS } from '../../shared/model.js';
import { MAX_STEP } from '../../shared/inbound.js';

const REPS = Number(process.env.BENCH_HISTORY_REPS ?? 5);
const TICKS = 9000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

interface Fetched {
  status: number;
  bytes: number;
  /** From the request to the body's last byte, at the client. */
  ms: number;
}

/** GET `url` from a child process, reading the whole body. */
function fetchElsewhere(url: string): Promise<Fetched> {
  const script = `
    const t0 = performance.now();
    const r = await fetch(${JSON.stringify(url)});
    let bytes = 0;
    for await (const c of r.body) bytes += c.length;
    const ms = performance.now() - t0;
    process.stdout.write(JSON.stringify({ status: r.status, bytes, ms }));
  `;
  return new Promise((done, failed) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    child.stdout.on('data', (b: Buffer) => (text += b.toString()));
    child.on('error', failed);
    child.on('close', () => {
      try {
        done(JSON.parse(text) as Fetched);
      } catch (e) {
        failed(e as Error);
      }
    });
  });
}

export async function run(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'history-'));
  const config: Config = { ...DEFAULTS, port: 0, dataDir, clientDir: path.join(dataDir, 'none') };
  const app = await createApp({ config, logger: silentLogger() });
  try {
    const made = await app.registry.create({ id: 'bench' });
    if (!made.ok) throw new Error(made.error.message);
    const lab = made.data;
    await lab.clock({ action: 'pause' }, 'bench');
    for (let n = 0; n < TICKS; n += MAX_STEP) await lab.clock({ action: 'step', ticks: MAX_STEP }, 'bench');
    const { url } = await app.listen();
    const metrics = [...VPS_METRICS, ...HOST_METRICS].join(',');
    const ask = `${url}/api/labs/bench/history?windowS=86400&points=2000&metrics=${metrics}`;
    const kept = (lab.history.lastTick ?? 0) - (lab.history.firstTick ?? 0) + 1;
    const stalls: number[] = [];
    const times: number[] = [];
    let bytes = 0;
    for (let r = 0; r < REPS; r++) {
      const delay = monitorEventLoopDelay({ resolution: 1 });
      delay.enable();
      const got = await fetchElsewhere(ask);
      delay.disable();
      times.push(got.ms);
      if (got.status !== 200) throw new Error(`history answered ${got.status}`);
      bytes = got.bytes;
      stalls.push(delay.max / 1e6);
    }
    console.log(`demo lab, ${kept} ticks kept, every metric at 2 000 points: ${(bytes / 1e6).toFixed(1)} MB`);
    console.log(
      `longest event-loop stall   ${median(stalls).toFixed(1)} ms  (each: ${stalls.map((s) => s.toFixed(0)).join(', ')})`,
    );
    console.log(
      `answer time at the client  ${median(times).toFixed(0)} ms  (each: ${times.map((s) => s.toFixed(0)).join(', ')})`,
    );
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) void run();
