/**
 * The live path at the runner bench's size: a lab of V_LIVE (default 256) VPSs on the runner
 * workload, pumped one tick per call with one viewer, so each tick steps the engine, records
 * history, checks state changes and encodes the broadcast frame; beside the engine's own step
 * time (an identical engine advanced tick by tick without reading anything). Goal: at most 2×.
 */
import { createEngine } from '../../server/sim/index.js';
import { Lab } from '../../server/lab/lab.js';
import { silentLogger } from '../../server/log.js';
import { MAX_SPEED } from '../../shared/inbound.js';
import { runnerScenario } from './runnerWorkload.js';
import { encodeFrameMessage } from '../../shared/wire.js';

const V = Number(process.env.BENCH_LIVE_VPS ?? 256);
const TICKS = Number(process.env.BENCH_LIVE_TICKS ?? 1200);
const WARM = 200;
const GOAL_RATIO = 2;
const TICK_BUDGET_MS = 100;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** ms per tick of the engine alone, and of the lab's tick (step, history, watch, encode). */
function once(): { engine: number; lab: number; bytes: number } {
  const scenario = runnerScenario(V, 3600);
  const alone = createEngine(scenario);
  alone.advance(WARM);
  let t0 = performance.now();
  alone.advance(TICKS);
  const engine = (performance.now() - t0) / TICKS;

  let now = 0;
  const lab = new Lab({
    id: 'bench',
    scenario,
    engines: [createEngine(scenario)],
    now,
    logger: silentLogger(),
    limits: { maxVps: V, historyS: 900, historyBytes: 256 * 2 ** 20, broadcastHz: 10 },
  });
  let bytes = 0;
  // Encoded as the broadcaster does for a lab someone watches.
  lab.onFrames((frames) => (bytes = JSON.stringify(encodeFrameMessage('bench', frames)).length));
  for (let k = 0; k < WARM; k++) lab.pump((now += 100));
  t0 = performance.now();
  for (let k = 0; k < TICKS; k++) lab.pump((now += 100));
  return { engine, lab: (performance.now() - t0) / TICKS, bytes };
}

/** Prints the live path's cost per tick beside the engine's. */
export async function liveBench(): Promise<void> {
  const runs = [once(), once(), once()];
  const engine = median(runs.map((r) => r.engine));
  const lab = median(runs.map((r) => r.lab));
  console.log(
    `live path, lab of ${V} VPSs (${TICKS} ticks after ${WARM} warm-up, median of 3): engine step ${engine.toFixed(2)} ms/tick, ` +
      `lab tick (step + history + state watch + frame encode) ${lab.toFixed(2)} ms/tick → ${(lab / engine).toFixed(2)}× the engine ` +
      `(goal ≤ ${GOAL_RATIO}×: ${lab / engine <= GOAL_RATIO ? 'MET' : 'NOT MET'}); frame message ${(runs[0].bytes / 1024).toFixed(1)} KB; ` +
      `${((100 * lab) / TICK_BUDGET_MS).toFixed(1)} % of a 100 ms tick at 1× speed, ${((100 * lab * MAX_SPEED) / TICK_BUDGET_MS).toFixed(0)} % of a core at the ` +
      `top speed (${MAX_SPEED}×) — what a default per-lab limit of ${V} VPSs would cost each such lab`,
  );
}
