/**
 * Engine throughput, on the peer's workload (perf.md): V VMs with 1–4 vCPUs on one 64-core host,
 * every VM's CPU demand changing every simulated second, 600 simulated seconds, in `para`
 * (work-conserving weighted share, the water-filling path). Prints VPS-ticks/s with startup
 * included and excluded (median of ≥3 runs), the scaling exponent, the ratio to SimGrid and the goal.
 * Env: BENCH_SIM_S (simulated seconds, default 600), BENCH_REPS (default 3), BENCH_SIZES (e.g. "16,256").
 */
import type { Command, Scenario } from '../../shared/commands.js';
import { loadavg } from 'node:os';
import { createEngine, type ContentionEngine } from '../../server/sim/index.js';

const SIM_S = Number(process.env.BENCH_SIM_S ?? 600);
const REPS = Math.max(3, Number(process.env.BENCH_REPS ?? 3));
const SIZES = (process.env.BENCH_SIZES ?? '16,256,1024,4096').split(',').map(Number);
const TICK_MS = 100;
/** SimGrid 3.32 s4u VM model on the same workload (perf.md), wall seconds for 600 simulated s. */
const PEER_S: Record<number, number> = { 256: 0.34, 1024: 2.0 };
const GOAL_VPS_TICKS_PER_S_AT_1024 = 5e6;

/** Deterministic 32-bit LCG (Numerical Recipes) for the demand changes. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function benchScenario(v: number): Scenario {
  const vps = [];
  for (let i = 0; i < v; i++) {
    vps.push({
      id: `vm-${i}`,
      vcpus: 1 + (i % 4),
      ramGiB: 1,
      diskIops: 1000,
      netMbps: 100,
      profile: 'steady' as const,
      load: { cpu: 0.5, mem: 0.5, disk: 0, net: 0 },
    });
  }
  return {
    name: `bench ${v}`,
    seed: 7,
    tickMs: TICK_MS,
    durationS: SIM_S,
    mode: 'para',
    host: { cores: 64, ramGiB: Math.max(64, v * 2), diskIops: 100_000, netMbps: 10_000, memBwGBs: 100 },
    vps,
  };
}

/** One run: returns [seconds including startup, seconds excluding it]. */
function once(v: number): [number, number] {
  const rand = lcg(v * 7919 + 1);
  const cmds: Command[] = [];
  for (let i = 0; i < v; i++) cmds.push({ type: 'setLoad', vps: `vm-${i}`, load: { cpu: 0 } });
  const t0 = performance.now();
  const engine: ContentionEngine = createEngine(benchScenario(v));
  const t1 = performance.now();
  const ticksPerS = 1000 / TICK_MS;
  for (let s = 0; s < SIM_S; s++) {
    for (const c of cmds) {
      (c as { load: { cpu: number } }).load.cpu = rand();
      const r = engine.apply(c);
      if (!r.ok) throw new Error(`setLoad refused: ${r.error.message}`);
    }
    engine.advance(ticksPerS);
  }
  const t2 = performance.now();
  return [(t2 - t0) / 1000, (t2 - t1) / 1000];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const fmtRate = (x: number): string => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : `${(x / 1e3).toFixed(0)} k`);

/** Runs the engine bench and prints its figures. */
export async function run(): Promise<void> {
  const ticks = (SIM_S * 1000) / TICK_MS;
  console.log(
    `workload: 64-core host, VMs of 1–4 vCPUs, CPU demand re-drawn every simulated second, ${SIM_S} s (${ticks} ticks of ${TICK_MS} ms), para; ` +
      `API: apply(setLoad) each second + advance() (no frames built); median of ${REPS} runs`,
  );
  once(Math.min(256, SIZES[0] ?? 16)); // warm the JIT
  const rows: { v: number; incl: number; excl: number }[] = [];
  console.log(
    '     V   time incl. startup   VPS-ticks/s incl.   time excl.   VPS-ticks/s excl.   vs SimGrid (time ratio)',
  );
  for (const v of SIZES) {
    const incl: number[] = [];
    const excl: number[] = [];
    for (let r = 0; r < REPS; r++) {
      const [a, b] = once(v);
      incl.push(a);
      excl.push(b);
    }
    const mi = median(incl);
    const me = median(excl);
    rows.push({ v, incl: mi, excl: me });
    const peer = peerSeconds(v);
    const vs =
      peer === undefined
        ? ''
        : `${(peer / mi).toFixed(2)}× ${PEER_S[v] ? '' : '(peer extrapolated) '}(SimGrid ${peer.toFixed(2)} s)`;
    console.log(
      `${String(v).padStart(6)}   ${mi.toFixed(3).padStart(8)} s           ${fmtRate((v * ticks) / mi).padStart(9)}       ${me.toFixed(3).padStart(8)} s   ${fmtRate((v * ticks) / me).padStart(9)}         ${vs}`,
    );
  }
  for (let k = 1; k < rows.length; k++) {
    const a = rows[k - 1];
    const b = rows[k];
    const slope = Math.log(b.incl / a.incl) / Math.log(b.v / a.v);
    console.log(
      `scaling exponent ${a.v}→${b.v}: ${slope.toFixed(2)} (1 = linear in V; SimGrid 256→1024: ${peerSlope().toFixed(2)})`,
    );
  }
  console.log(
    `load average after: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} (figures inflate when other work shares the CPUs)`,
  );
  const at1024 = rows.find((r) => r.v === 1024);
  if (at1024) {
    const rate = (1024 * ticks) / at1024.incl;
    console.log(
      `goal: ≥ ${fmtRate(GOAL_VPS_TICKS_PER_S_AT_1024)} VPS-ticks/s at V = 1 024, startup included: ${fmtRate(rate)} → ${rate >= GOAL_VPS_TICKS_PER_S_AT_1024 ? 'MET' : 'NOT MET'} (${(rate / GOAL_VPS_TICKS_PER_S_AT_1024).toFixed(2)}× goal)`,
    );
    if (SIM_S === 600)
      console.log(
        `goal: at least as fast as SimGrid at 1 024: ${at1024.incl <= 2.0 ? 'MET' : 'NOT MET'} (${(2.0 / at1024.incl).toFixed(2)}×)`,
      );
  }
  const at4096 = rows.find((r) => r.v === 4096);
  if (at4096 && SIM_S === 600) {
    const peer = peerSeconds(4096)!;
    console.log(
      `goal: twice as fast as SimGrid at 4 096 (extrapolated ${peer.toFixed(1)} s): ${peer / at4096.incl >= 2 ? 'MET' : 'NOT MET'} (${(peer / at4096.incl).toFixed(2)}×)`,
    );
  }
}

function peerSlope(): number {
  return Math.log(PEER_S[1024] / PEER_S[256]) / Math.log(4);
}

/** SimGrid's time for V VMs: measured at 256 and 1 024, else extrapolated on its own log-log slope. */
function peerSeconds(v: number): number | undefined {
  if (SIM_S !== 600) return undefined;
  if (PEER_S[v]) return PEER_S[v];
  if (v < 256) return undefined;
  return PEER_S[1024] * (v / 1024) ** peerSlope();
}
