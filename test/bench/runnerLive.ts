/**
 * The live path at the runner bench's size: a lab of V_LIVE (default 256) VPSs on the runner
 * workload, pumped one tick per call and broadcast as the server does (the server's Broadcaster on
 * a real socket.io Server: its adapter encodes each broadcast once with socket.io-parser, the
 * frame's JSON header and its binary data), so each tick steps the engine, records history, checks
 * state changes, encodes the frame message and serializes it; beside the engine's own step time
 * (an identical engine advanced without reading anything), both in CPU time of this process,
 * measured in alternating chunks. The log entries the engine's state changes produce are sent to
 * the room too. The message's binary data is memory the lab lends to the broadcaster, which gives it
 * back once every viewer has written it out (with none here, at once), as a single-process server
 * does. How a broadcast's cost splits (encoding, serialization) is read in chunks of its
 * own, so the chunks that time the whole tick make no CPU-time reading inside it. The writes to
 * each viewer are the fan-out bench's. Goal: at most 2×.
 */
import { Server } from 'socket.io';
import { createEngine } from '../../server/sim/index.js';
import { Lab } from '../../server/lab/lab.js';
import { silentLogger } from '../../server/log.js';
import { MAX_SPEED } from '../../shared/inbound.js';
import { DEFAULTS } from '../../server/config.js';
import { historyBytes } from '../../server/net/app.js';
import { Broadcaster } from '../../server/net/broadcast.js';
import { runnerScenario } from './runnerWorkload.js';

const V = Number(process.env.BENCH_LIVE_VPS ?? 256);
const CHUNK = 100;
/** Ticks measured: whole chunks. */
const TICKS = CHUNK * Math.max(1, Math.round(Number(process.env.BENCH_LIVE_TICKS ?? 1200) / CHUNK));
const WARM = 200;
/** The server's defaults: each lab's history budget with the default number of labs. */
const HISTORY_BYTES = historyBytes(DEFAULTS.maxLabs);
const GOAL_RATIO = 2;
/** socket.io-parser's EVENT packet type (its encoder makes it a binary event when the data holds binary). */
const EVENT = 2;
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

interface Once {
  /** CPU ms per tick: the engine alone, a lab at 1× (a broadcast every tick), a lab at the top speed. */
  engine: number;
  lab: number;
  top: number;
  /** Of the 1× lab's tick, CPU ms spent encoding the message and serializing it (socket.io's encoder). */
  encode: number;
  serialize: number;
  bytes: number;
  kept: number;
}

function newLab(scenario: ReturnType<typeof runnerScenario>, now: number): Lab {
  return new Lab({
    id: 'bench',
    scenario,
    engines: [createEngine(scenario)],
    now,
    logger: silentLogger(),
    limits: { maxVps: V, historyS: DEFAULTS.historyS, historyBytes: HISTORY_BYTES, broadcastHz: 10 },
  });
}

/**
 * ms per tick (CPU time) of the engine alone and of a watched lab's tick (step, history, watch,
 * encode and serialize each broadcast) at 1× and at the top speed, measured in alternating chunks
 * of CHUNK ticks so all three see the same load of a busy machine; then a chunk of the 1× lab
 * whose broadcasts are timed in parts (its total is not counted).
 */
function once(): Once {
  const scenario = runnerScenario(V, 3600);
  const alone = createEngine(scenario);
  alone.advance(WARM);
  let now = 0;
  const lab = newLab(scenario, now);
  const top = newLab(scenario, now);
  top.clock({ action: 'speed', speed: MAX_SPEED }, 'bench');
  let encode = 0;
  let serialize = 0;
  // Sent as the server sends a watched lab's broadcasts: the Broadcaster emits each on a socket.io
  // Server, whose adapter encodes it once for the room (no client here: the per-client writes are
  // the fan-out bench's). As in a cluster, it sends whether or not anyone is in the room.
  const io = new Server();
  const broadcaster = new Broadcaster(io, { reached: () => undefined });
  // The split of a broadcast's cost is read in chunks of their own: a CPU-time reading costs a few
  // µs (a system call), so the chunks that time the whole tick read none inside it.
  let split = false;
  let t1 = 0;
  let loan: { release(): void } | undefined;
  lab.onBroadcast((b) => {
    if (!split) return;
    const t0 = cpuMs();
    // Borrowed as the broadcaster borrows it, so its memory goes round as in the timed chunks.
    loan = b.lend();
    t1 = cpuMs();
    encode += t1 - t0;
  });
  broadcaster.attach(lab);
  lab.onBroadcast(() => {
    if (!split) return;
    serialize += cpuMs() - t1;
    loan?.release();
  });
  broadcaster.attach(top);
  // Warm until the histories hold their budget: the steady state of a lab running for a while
  // (each new tick then takes the arrays of the tick it drops).
  const topStep = scenario.tickMs! / MAX_SPEED;
  let nowTop = 0;
  while (lab.tick < WARM || lab.history.byteSize < HISTORY_BYTES * 0.95) lab.pump((now += 100));
  while (top.tick < WARM || top.history.byteSize < HISTORY_BYTES * 0.95) top.pump((nowTop += topStep));
  encode = serialize = 0;
  let engine = 0;
  let labMs = 0;
  let topMs = 0;
  let topTicks = 0;
  for (let done = 0; done < TICKS; done += CHUNK) {
    let t0 = cpuMs();
    alone.advance(CHUNK);
    engine += cpuMs() - t0;
    t0 = cpuMs();
    for (let k = 0; k < CHUNK; k++) lab.pump((now += 100));
    labMs += cpuMs() - t0;
    const before = top.tick;
    t0 = cpuMs();
    for (let k = 0; k < CHUNK; k++) top.pump((nowTop += topStep));
    topMs += cpuMs() - t0;
    topTicks += top.tick - before;
    split = true;
    for (let k = 0; k < CHUNK; k++) lab.pump((now += 100));
    split = false;
  }
  const parts = io.encoder.encode({
    type: EVENT,
    data: ['frame', lab.history.broadcast('bench').message()],
    nsp: '/',
  });
  const bytes = (parts as (string | Uint8Array)[]).reduce(
    (n, part) => n + (typeof part === 'string' ? Buffer.byteLength(part) : part.byteLength),
    0,
  );
  return {
    engine: engine / TICKS,
    lab: labMs / TICKS,
    top: topMs / Math.max(1, topTicks),
    encode: encode / TICKS,
    serialize: serialize / TICKS,
    bytes,
    kept: lab.history.size,
  };
}

/** Prints the live path's cost per tick beside the engine's. */
export async function liveBench(): Promise<void> {
  const runs = [once(), once(), once()];
  const med = (f: (r: Once) => number) => median(runs.map(f));
  const engine = med((r) => r.engine);
  const lab = med((r) => r.lab);
  const top = med((r) => r.top);
  const topCore = (top * 1000 * MAX_SPEED) / TICK_BUDGET_MS / 1000;
  console.log(
    `live path, lab of ${V} VPSs (${TICKS} ticks, history full at ${(HISTORY_BYTES / 2 ** 20).toFixed(0)} MB = ${runs[0].kept} ticks, CPU time, median of 3): ` +
      `engine step ${engine.toFixed(3)} ms/tick; lab tick at 1× (step + history + state watch + frame encode and socket.io serialization, a broadcast every tick) ` +
      `${lab.toFixed(3)} ms → ${(lab / engine).toFixed(2)}× the engine (goal ≤ ${GOAL_RATIO}×: ${lab / engine <= GOAL_RATIO ? 'MET' : 'NOT MET'}), ` +
      `${(lab - engine).toFixed(3)} ms over the step (${((lab - engine) / engine).toFixed(2)}× it); ` +
      `of it the message's encoding ${med((r) => r.encode).toFixed(3)} ms and socket.io's serialization ${med((r) => r.serialize).toFixed(3)} ms; ` +
      `frame message ${(runs[0].bytes / 1024).toFixed(1)} KB (JSON header and binary data); at the top speed (${MAX_SPEED}×, a broadcast every ${MAX_SPEED} ticks) ${top.toFixed(3)} ms/tick → ` +
      `${(top / engine).toFixed(2)}× the engine, ${(100 * topCore).toFixed(0)} % of a core per such lab`,
  );
}
