/**
 * Restart: the real server (as `npm start` runs it, `scripts/serve.mjs`, in a child process) started on a DATA_DIR holding
 * four 64-VPS labs at about 35 000 ticks (an hour at 1×, commands along the way). Prints, as
 * medians over runs: the time from spawning the process to its port answering, to each lab being
 * restored (in the order the server restores them), and to every lab being ready; with the time
 * one lab takes on its own. The goal (issue #10): the port opens at once, and a lab is back in
 * under ~5 s.
 * Env: BENCH_RESTART_RUNS (default 3), BENCH_RESTART_TICKS (default 35000), BENCH_RESTART_LABS (4).
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULTS, type Config } from '../../server/config.js';
import { ManualClock } from '../../server/lab/clock.js';
import { openFileStore } from '../../server/lab/fileStore.js';
import { silentLogger } from '../../server/log.js';
import { createApp } from '../../server/net/app.js';
import type { Scenario } from '../../shared/commands.js';
import { SERVE } from '../serve.js';
import { f1, median } from './fanout.js';

const RUNS = Math.max(1, Number(process.env.BENCH_RESTART_RUNS ?? 3));
const TICKS = Number(process.env.BENCH_RESTART_TICKS ?? 35_000);
const LABS = Math.max(1, Number(process.env.BENCH_RESTART_LABS ?? 4));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** 64 tenants of mixed profiles on a host that admits them. */
function scenario(): Scenario {
  const profiles = ['steady', 'bursty', 'diurnal'] as const;
  return {
    name: 'Restart bench',
    seed: 11,
    tickMs: 100,
    mode: 'container',
    host: { cores: 128, ramGiB: 1024, diskIops: 1_000_000, netMbps: 100_000 },
    vps: Array.from({ length: 64 }, (_, i) => ({
      id: `v-${i}`,
      vcpus: 1 + (i % 2),
      ramGiB: 4,
      diskIops: 2000,
      netMbps: 200,
      profile: profiles[i % 3],
      load: { cpu: 0.4, mem: 0.5, disk: 0.3, net: 0.2 },
    })),
  };
}

/** A DATA_DIR with one lab run to TICKS (a command every ~1 500 ticks), then copied to LABS ids. */
async function prepare(): Promise<string> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-restart-'));
  const config: Config = {
    ...DEFAULTS,
    port: 0,
    dataDir,
    clientDir: path.join(dataDir, 'none'),
    commandRate: 1000,
  };
  const clock = new ManualClock(1000);
  const logger = silentLogger();
  const store = await openFileStore(dataDir, logger);
  const app = await createApp({ config, clock, logger, store });
  const made = await app.registry.create({ id: 'lab-0', scenario: scenario() });
  if (!made.ok) throw new Error(made.error.message);
  const lab = made.data;
  lab.clock({ action: 'pause' }, 'bench');
  for (let k = 1; lab.tick < TICKS; k++) {
    lab.clock({ action: 'step', ticks: Math.min(600, TICKS - lab.tick) }, 'bench');
    // Advance wall time too, so the periodic snapshots happen as they would.
    clock.advance(60_000);
    if (k % 3 === 0) {
      const ack = lab.submit({ type: 'setLoad', vps: `v-${k % 64}`, load: { cpu: 0.2 + (k % 7) / 10 } }, 'b');
      lab.clock({ action: 'step', ticks: 1 }, 'bench');
      const r = await ack;
      if (!r.ok) throw new Error(JSON.stringify(r.error));
    }
  }
  lab.clock({ action: 'resume' }, 'bench');
  await app.close();
  const src = path.join(dataDir, 'labs', 'lab-0');
  for (let i = 1; i < LABS; i++) {
    const to = path.join(dataDir, 'labs', `lab-${i}`);
    cpSync(src, to, { recursive: true });
    const meta = path.join(to, 'meta.json');
    writeFileSync(meta, readFileSync(meta, 'utf8').replace('"id":"lab-0"', `"id":"lab-${i}"`));
  }
  return dataDir;
}

interface Timing {
  listening: number;
  restored: number[];
  ready: number;
}

/** Start the server on a copy of `template`; the times (ms from spawn) it took. */
async function once(template: string): Promise<Timing> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-restart-run-'));
  cpSync(template, dataDir, { recursive: true });
  const t0 = performance.now();
  const child = spawn(process.execPath, [SERVE], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      CONTROL_TOKEN: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const timing: Timing = { listening: NaN, restored: [], ready: NaN };
  try {
    await new Promise<void>((resolve, reject) => {
      let buf = '';
      child.stdout.on('data', (d: Buffer) => {
        const at = performance.now() - t0;
        buf += d.toString();
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (line.includes('Contention Lab at')) timing.listening = at;
          else if (line.includes('"msg":"lab restored"')) timing.restored.push(at);
          else if (line.includes('"msg":"labs ready"')) {
            timing.ready = at;
            resolve();
          }
        }
      });
      child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    });
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => child.once('close', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (timing.restored.length !== LABS)
    throw new Error(`${timing.restored.length} of ${LABS} labs were restored`);
  return timing;
}

export async function run(): Promise<void> {
  const t0 = performance.now();
  const template = await prepare();
  console.log(
    `${LABS} labs of 64 VPSs at ${TICKS} ticks prepared in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  try {
    const runs: Timing[] = [];
    for (let r = 0; r < RUNS; r++) runs.push(await once(template));
    const s = (ms: number) => `${f1(ms / 1000)} s`;
    console.log(`restart of the server, median of ${RUNS} runs (from spawning the process):`);
    console.log(`  port open             ${s(median(runs.map((r) => r.listening)))}`);
    for (let i = 0; i < LABS; i++)
      console.log(`  lab ${i + 1} of ${LABS} restored   ${s(median(runs.map((r) => r.restored[i])))}`);
    console.log(`  all labs ready        ${s(median(runs.map((r) => r.ready)))}`);
    const perLab = runs.map((r) => (r.restored[LABS - 1] - r.listening) / LABS);
    console.log(
      `  one lab (after the port opened, averaged over the ${LABS}) ${s(median(perLab))}  (goal: under ~5 s)`,
    );
  } finally {
    rmSync(template, { recursive: true, force: true });
  }
}
