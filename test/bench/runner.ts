/**
 * The headless runner end to end, process start included: `node [flags] scripts/sim.mjs FILE
 * --format summary --out F` (what `npm run sim` runs, its node flags included, without npm's own
 * start-up) on the workload of perf.md
 * (V VPSs of 1–4 vCPUs on a 64-core para host, randomWalk demand, light disk and network load,
 * 600 simulated s), beside the engine alone (a process, bundled like the runner, that only advances
 * the same scenario) and
 * beside SimGrid 3.32's s4u VM model on the same VM sizes and demand changes (simgrid-peer.cpp,
 * compiled here with g++ when libsimgrid-dev is installed; else the figures recorded in perf.md).
 * Medians of BENCH_REPS (default 3) runs, ratios, and the peak RSS of each runner process. The
 * runner's bundle is built by a warm-up run before any timing (a start after a source change
 * builds it once; every later start reuses it).
 * Then a 10 000-VPS summary run (beyond the live server's scenario cap: the runner reads up to
 * 100 000) at two durations, to show its memory does not grow with the run's length.
 * Env: BENCH_SIZES (default "256,1024,4096"), BENCH_SIM_S (default 600), BENCH_REPS,
 * BENCH_LONG_S (the longer of the two durations, default 600; 3600 for the 1 h case), BENCH_LONG_VPS.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildBundle } from '../../scripts/bundle.mjs';
import { runnerScenario } from './runnerWorkload.js';
import { liveBench } from './runnerLive.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SIZES = (process.env.BENCH_SIZES ?? '256,1024,4096').split(',').map(Number);
const SIM_S = Number(process.env.BENCH_SIM_S ?? 600);
const REPS = Math.max(1, Number(process.env.BENCH_REPS ?? 3));
const TIME = '/usr/bin/time';
/** The node flags `npm run sim` starts the runner with (package.json), given to the engine alone too. */
const NODE_FLAGS: string[] = (() => {
  const script: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.sim;
  const words = script.trim().split(/\s+/);
  return words.slice(1, words.indexOf('scripts/sim.mjs'));
})();
/** SimGrid 3.32 on this kind of machine, 600 simulated s (perf.md). */
const RECORDED_PEER_S: Record<number, number> = { 256: 0.34, 1024: 2.0 };
const GOAL_RATE_4096 = 10e6;
const GOAL_PEER_RATIO_1024 = 0.5;
const GOAL_RSS_MB = 300;
const LONG_VPS = Number(process.env.BENCH_LONG_VPS ?? 10_000);
const LONG_S = Number(process.env.BENCH_LONG_S ?? 600);
const SHORT_S = 60;

interface Measure {
  wall: number;
  cpu: number;
  rssMb: number;
  stdout: string;
  stderr: string;
}

/** Runs a command under /usr/bin/time -v (wall, CPU, peak RSS) or, without it, timed from here. */
function measure(cmd: string, args: string[]): Measure {
  const timed = existsSync(TIME);
  const t0 = performance.now();
  const r = timed
    ? spawnSync(TIME, ['-f', '@@%e %U %S %M', cmd, ...args], { cwd: ROOT, encoding: 'utf8' })
    : spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8' });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const m = timed ? /@@([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr) : null;
  return m
    ? {
        wall: Number(m[1]),
        cpu: Number(m[2]) + Number(m[3]),
        rssMb: Number(m[4]) / 1024,
        stdout: r.stdout,
        stderr: r.stderr,
      }
    : { wall, cpu: NaN, rssMb: NaN, stdout: r.stdout, stderr: r.stderr };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const rate = (x: number): string => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : `${(x / 1e3).toFixed(0)} k`);
const f = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : '–');

/** Compiles the SimGrid peer, or says why not. */
function buildPeer(dir: string): { bin?: string; why?: string } {
  if (!existsSync('/usr/include/simgrid/s4u.hpp')) return { why: 'libsimgrid-dev is not installed' };
  const bin = join(dir, 'simgrid-peer');
  const src = join(ROOT, 'test/bench/simgrid-peer.cpp');
  const r = spawnSync('g++', ['-O2', '-std=c++17', src, '-lsimgrid', '-o', bin], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return { why: `g++ failed: ${r.error?.message ?? r.stderr.slice(0, 300)}` };
  return { bin };
}

/** Runs the runner bench and prints its figures. */
export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-runner-'));
  try {
    const ticks = (SIM_S * 1000) / 100;
    console.log(
      `workload: V VPSs of 1–4 vCPUs, 64-core para host, randomWalk demand, light disk and network load, ${SIM_S} simulated s (${ticks} ticks); median of ${REPS}`,
    );
    console.log(
      `runner: node ${NODE_FLAGS.map((x) => `${x} `).join('')}scripts/sim.mjs FILE --format summary --out F (what \`npm run sim\` runs: the runner bundled once per source change), process start included; ` +
        'engine: a process (bundled the same way) that loads the same file and only advances it',
    );
    // What a user's second run pays: the runner's bundle (and its code cache) exist before timing.
    const warm = measure(process.execPath, [
      ...NODE_FLAGS,
      'scripts/sim.mjs',
      'demo',
      '--duration',
      '0.1',
      '--format',
      'summary',
      '--out',
      join(dir, 'warm.json'),
    ]);
    // The engine alone runs from a bundle too, so its process start is comparable to the runner's.
    const engineBundle = await buildBundle(
      join(dir, 'engine-cache'),
      join(ROOT, 'test/bench/runnerEngine.ts'),
    );
    const peer = buildPeer(dir);
    console.log(
      peer.bin
        ? 'SimGrid: test/bench/simgrid-peer.cpp built with g++ against the installed libsimgrid-dev, measured in this run'
        : `SimGrid: ${peer.why}; using the figures recorded in perf.md (${Object.entries(RECORDED_PEER_S)
            .map(([v, s]) => `V = ${v}: ${s} s`)
            .join(', ')})`,
    );
    console.log(
      "runner s: wall, process start included (CPU s beside it); loop s: the runner's own stepping and writing (from its stderr); " +
        "engine s: the engine process's advance() alone (its whole CPU s beside it); SimGrid s: wall (CPU). " +
        'On a busy machine the CPU figures are the steadier ones',
    );
    console.log(
      '     V   runner s  VPS-ticks/s  CPU s  loop s  peak RSS   engine s (CPU)  loop/engine  runner/engine CPU   SimGrid s (CPU)  runner/SimGrid wall (CPU)',
    );
    const rows: { v: number; runner: number; rss: number; peer?: number }[] = [];
    for (const v of SIZES) {
      const file = join(dir, `w${v}.json`);
      writeFileSync(file, JSON.stringify(runnerScenario(v, SIM_S)));
      const out = join(dir, `out${v}.json`);
      const runner: Measure[] = [];
      const engine: Measure[] = [];
      const sg: Measure[] = [];
      for (let r = 0; r < REPS; r++) {
        runner.push(
          measure(process.execPath, [
            ...NODE_FLAGS,
            'scripts/sim.mjs',
            file,
            '--format',
            'summary',
            '--out',
            out,
          ]),
        );
        engine.push(measure(process.execPath, [...NODE_FLAGS, engineBundle, file]));
        if (peer.bin) sg.push(measure(peer.bin, [String(v), String(SIM_S)]));
      }
      const rw = median(runner.map((m) => m.wall));
      const rc = median(runner.map((m) => m.cpu));
      const loop = median(runner.map((m) => Number(/ in ([\d.]+) s/.exec(m.stderr)?.[1] ?? NaN)));
      const eAdvance = median(engine.map((m) => Number(m.stdout.trim())));
      const eCpu = median(engine.map((m) => m.cpu));
      const rss = Math.max(...runner.map((m) => m.rssMb));
      const pw = peer.bin ? median(sg.map((m) => m.wall)) : SIM_S === 600 ? RECORDED_PEER_S[v] : undefined;
      const pc = peer.bin ? median(sg.map((m) => m.cpu)) : NaN;
      rows.push({ v, runner: rw, rss, peer: pw });
      const peerText = pw === undefined ? '–' : peer.bin ? `${f(pw)} (${f(pc)})` : `${f(pw)} recorded`;
      const ratioText =
        pw === undefined ? '–' : peer.bin ? `${f(rw / pw)}× (${f(rc / pc)}×)` : `${f(rw / pw)}×`;
      console.log(
        `${String(v).padStart(6)}   ${f(rw).padStart(8)}  ${rate((v * ticks) / rw).padStart(11)}  ${f(rc).padStart(5)}  ${f(loop).padStart(6)}  ${f(rss, 0).padStart(5)} MB   ` +
          `${`${f(eAdvance)} (${f(eCpu)})`.padStart(14)}  ${f(loop / eAdvance).padStart(10)}×  ${f(rc / eCpu).padStart(16)}×   ${peerText.padStart(15)}  ${ratioText}`,
      );
    }
    console.log(`(warm-up run before timing: ${f(warm.wall)} s)`);
    console.log(
      `load average after: ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')} (2-core machine shared with other work)`,
    );
    const at4096 = rows.find((r) => r.v === 4096);
    if (at4096 && SIM_S === 600) {
      const r = (4096 * ticks) / at4096.runner;
      console.log(
        `goal: ≥ ${rate(GOAL_RATE_4096)} VPS-ticks/s at V = 4 096: ${rate(r)} → ${r >= GOAL_RATE_4096 ? 'MET' : 'NOT MET'}`,
      );
      console.log(
        `goal: peak RSS of the summary run at V = 4 096 < ${GOAL_RSS_MB} MB: ${f(at4096.rss, 0)} MB → ${at4096.rss < GOAL_RSS_MB ? 'MET' : 'NOT MET'}`,
      );
    }
    const at1024 = rows.find((r) => r.v === 1024);
    if (at1024?.peer !== undefined)
      console.log(
        `goal: ≤ ${GOAL_PEER_RATIO_1024}× SimGrid's time at V = 1 024${peer.bin ? '' : ' (recorded figure)'}: ${f(at1024.runner / at1024.peer)}× → ${at1024.runner / at1024.peer <= GOAL_PEER_RATIO_1024 ? 'MET' : 'NOT MET'}`,
      );
    // Memory against duration: the same 10 000 VPSs for SHORT_S and LONG_S simulated seconds.
    const longFile = join(dir, 'long.json');
    writeFileSync(longFile, JSON.stringify(runnerScenario(LONG_VPS, LONG_S)));
    const byDuration = [SHORT_S, LONG_S].map((s) => {
      const m = measure(process.execPath, [
        ...NODE_FLAGS,
        'scripts/sim.mjs',
        longFile,
        '--duration',
        String(s),
        '--format',
        'summary',
        '--out',
        join(dir, 'long-out.json'),
      ]);
      return { s, m };
    });
    const [short, long] = byDuration;
    console.log(
      `${LONG_VPS} VPSs, summary: ${short.s} simulated s → peak RSS ${f(short.m.rssMb, 0)} MB (${f(short.m.wall)} s, CPU ${f(short.m.cpu)} s); ` +
        `${long.s} s → ${f(long.m.rssMb, 0)} MB (${f(long.m.wall)} s, CPU ${f(long.m.cpu)} s, ` +
        `${rate((LONG_VPS * long.s * 10) / long.m.wall)} VPS-ticks/s): ${f(long.m.rssMb / short.m.rssMb)}× the memory for ${f(long.s / short.s, 0)}× the duration`,
    );
    const tiny = join(dir, 'tiny.json');
    const FIVE = [0, 1, 2, 3, 4];
    const start = (cmd: string, args: string[]): number =>
      median(
        FIVE.map(
          () =>
            measure(cmd, [...args, 'demo', '--duration', '0.1', '--format', 'summary', '--out', tiny]).wall,
        ),
      );
    const bundled = start(process.execPath, [...NODE_FLAGS, 'scripts/sim.mjs']);
    const tsx = start(join(ROOT, 'node_modules/.bin/tsx'), ['server/cli/sim.ts']);
    const bare = median(FIVE.map(() => measure(process.execPath, ['-e', '0']).wall));
    console.log(
      `start-up (demo preset, one tick, medians of 5): npm run sim's bundled path ${f(bundled)} s, tsx transpiling at start ${f(tsx)} s, bare node ${f(bare)} s`,
    );
    await liveBench();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
