/**
 * The live path at the runner bench's size: a lab of V_LIVE (default 256) VPSs on the runner
 * workload, pumped one tick per call with one viewer, so each tick steps the engine, records
 * history, checks state changes and encodes the broadcast frame; beside the engine's own step
 * time (an identical engine advanced without reading anything), both in CPU time of this process,
 * measured in alternating chunks. Goal: at most 2×.
 */
import { createEngine } from '../../server/sim/index.js';
import { Lab } from '../../server/lab/lab.js';
import { silentLogger } from '../../server/log.js';
import { MAX_SPEED } from '../../shared/inbound.js';
import { DEFAULTS } from '../../server/config.js';
import { historyBytes } from '../../server/net/app.js';
import { runnerScenario } from './runnerWorkload.js';

const V = Number(process.env.BENCH_LIVE_VPS ?? 256);
const CHUNK = 100;
/** Ticks measured: whole chunks. */
const TICKS = CHUNK * Math.max(1, Math.round(Number(process.env.BENCH_LIVE_TICKS ?? 1200) / CHUNK));
const WARM = 200;
/** The server's defaults: each lab's history budget with the default number of labs. */
const HISTORY_BYTES = historyBytes(DEFAULTS.maxLabs);
const GOAL_RATIO = 2;
const TICK_BUDGET_MS = 100;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** CPU time of this process (all its threads: GC included), ms. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * ms per tick (CPU time) of the engine alone, and of the lab's tick (step, history, watch, encode),
 * measured in alternating chunks of CHUNK ticks so both sides see the same load of a busy machine.
 */
function once(): { engine: number; lab: number; bytes: number; kept: number } {
  const scenario = runnerScenario(V, 3600);
  const alone = createEngine(scenario);
  alone.advance(WARM);

  let now = 0;
  const lab = new Lab({
    id: 'bench',
    scenario,
    engines: [createEngine(scenario)],
    now,
    logger: silentLogger(),
    limits: { maxVps: V, historyS: DEFAULTS.historyS, historyBytes: HISTORY_BYTES, broadcastHz: 10 },
  });
  let bytes = 0;
  // Serialized as socket.io does for a lab someone watches (the message encoded once per broadcast).
  lab.onBroadcast((b) => (bytes = JSON.stringify(b.message()).length));
  // Warm until the history holds its budget: the steady state of a lab running for a while
  // (each new tick then takes the arrays of the tick it drops).
  while (lab.tick < WARM || lab.history.byteSize < HISTORY_BYTES * 0.95) lab.pump((now += 100));
  let engine = 0;
  let labMs = 0;
  for (let done = 0; done < TICKS; done += CHUNK) {
    let t0 = cpuMs();
    alone.advance(CHUNK);
    engine += cpuMs() - t0;
    t0 = cpuMs();
    for (let k = 0; k < CHUNK; k++) lab.pump((now += 100));
    labMs += cpuMs() - t0;
  }
  return { engine: engine / TICKS, lab: labMs / TICKS, bytes, kept: lab.history.size };
}

/** Prints the live path's cost per tick beside the engine's. */
export async function liveBench(): Promise<void> {
  const runs = [once(), once(), once()];
  const engine = median(runs.map((r) => r.engine));
  const lab = median(runs.map((r) => r.lab));
  console.log(
    `live path, lab of ${V} VPSs (${TICKS} ticks, history full at ${(HISTORY_BYTES / 2 ** 20).toFixed(0)} MB = ${runs[0].kept} ticks, CPU time, median of 3): engine step ${engine.toFixed(2)} ms/tick, ` +
      `lab tick (step + history + state watch + frame encode) ${lab.toFixed(2)} ms/tick → ${(lab / engine).toFixed(2)}× the engine ` +
      `(goal ≤ ${GOAL_RATIO}×: ${lab / engine <= GOAL_RATIO ? 'MET' : 'NOT MET'}); frame message ${(runs[0].bytes / 1024).toFixed(1)} KB; ` +
      `${((100 * lab) / TICK_BUDGET_MS).toFixed(1)} % of a 100 ms tick at 1× speed, ${((100 * lab * MAX_SPEED) / TICK_BUDGET_MS).toFixed(0)} % of a core at the ` +
      `top speed (${MAX_SPEED}×) — what a default per-lab limit of ${V} VPSs would cost each such lab`,
  );
}
