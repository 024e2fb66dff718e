/**
 * The application model of one VPS (model spec §7): requests pass CPU, disk, network and (para)
 * Dom0 stages. Each stage is M/M/1 with K worker slots (M/M/1/K): W = S/(1−ρ) while ρ is well
 * below 1, a bounded latency and a loss of 1/(K+1) at saturation. When the bottleneck's ρ ≥ 1 the
 * excess becomes a fluid backlog: it grows by (λ − μ)·Δt, is bounded (drops → errors), and drains
 * after the contention ends. Scalar code, no allocation: results go into a reused object.
 */
import { DEFAULT_PARAMS, type Params } from './params.js';

export interface ServiceOut {
  throughput: number;
  latencyMeanMs: number;
  latencyP99Ms: number;
  latencyP95Ms: number;
  /** Time a request spends at the disk (device queue, plus Dom0's backend where it has one), ms. */
  diskLatencyMs: number;
  /** Time a request spends on the network path (NIC queue, added round trip, Dom0's backend), ms. */
  netLatencyMs: number;
  errorRate: number;
  goodFraction: number;
  backlog: number;
  /** Age of the oldest request left in the backlog, s. */
  backlogAgeS: number;
  dnr: boolean;
}

export function newServiceOut(): ServiceOut {
  return {
    throughput: 0,
    latencyMeanMs: 0,
    latencyP99Ms: 0,
    latencyP95Ms: 0,
    diskLatencyMs: 0,
    netLatencyMs: 0,
    errorRate: 0,
    goodFraction: 1,
    backlog: 0,
    backlogAgeS: 0,
    dnr: false,
  };
}

/** Inputs of one evaluation (reused object). ρ* are own utilizations, u* device utilizations (≤ 1). */
export interface ServiceIn {
  lambda: number;
  rhoCpu: number;
  rhoDisk: number;
  rhoNet: number;
  uDisk: number;
  uNet: number;
  uDom0: number;
  useDisk: boolean;
  useNet: boolean;
  useDom0: boolean;
  /** Added latency outside the stages (scheduler wait, network RTT), ms. */
  extraMs: number;
  /** Of `extraMs`, what lies on the network path (RTT, NIC queueing), ms. */
  netExtraMs: number;
  /**
   * Wait of a request whose disk work includes a durable write for the filesystem journal's commit
   * (one kernel for all: containers), ms; the share `webWriteShare` of disk-using requests pays it.
   */
  journalMs: number;
  /**
   * Mean of the part of that wait spent on throttled writers' ordered data (containers with limits,
   * journal.ts `orderedDrainMs`), ms: exponential, as every stage of §7, on top of `journalMs`.
   */
  journalDrainMs: number;
  sloMs: number;
  backlog: number;
  /** Age of the oldest request in the backlog carried in, s. */
  backlogAgeS: number;
  dtS: number;
  /** The engine's parameters (stage times, slots, queue, timeout, latency factors). */
  params: Params;
  /**
   * `stage` talks through this array (0: ρ in; 1: mean sojourn in units of the service time, 2: the
   * blocking probability, out; then each stage kind's last ρ, K and result): a double passed to or
   * returned from a call that is not inlined is boxed on the heap each time.
   */
  io: Float64Array;
}

export function newServiceIn(): ServiceIn {
  return {
    lambda: 0,
    rhoCpu: 0,
    rhoDisk: 0,
    rhoNet: 0,
    uDisk: 0,
    uNet: 0,
    uDom0: 0,
    useDisk: false,
    useNet: false,
    useDom0: false,
    extraMs: 0,
    netExtraMs: 0,
    journalMs: 0,
    journalDrainMs: 0,
    sloMs: DEFAULT_PARAMS.sloMs,
    backlog: 0,
    backlogAgeS: 0,
    dtS: 0.1,
    params: DEFAULT_PARAMS,
    io: new Float64Array(3 + 4 * 5).fill(NaN),
  };
}

/** Stage slots of the memo in `ServiceIn.io` (see {@link stage}). */
const CPU = 0,
  DISK = 1,
  NET = 2,
  DOM0 = 3,
  NET_OWN = 4;

/**
 * One M/M/1/K stage at ρ = stageIo[0]: its mean sojourn (stageIo[1]) and loss (stageIo[2]). A pure
 * function of ρ and K, so each stage kind keeps its last ρ and result (stageIo[3 + 4·slot …]): a
 * device or Dom0 every VPS shares gives the same ρ to VPS after VPS.
 */
function stage(stageIo: Float64Array, K: number, slot: number): void {
  const rho = stageIo[0];
  const memo = 3 + slot * 4;
  if (stageIo[memo] === rho && stageIo[memo + 1] === K) {
    stageIo[1] = stageIo[memo + 2];
    stageIo[2] = stageIo[memo + 3];
    return;
  }
  stageIo[memo] = rho;
  stageIo[memo + 1] = K;
  sojournAndLoss(stageIo, K);
  stageIo[memo + 2] = stageIo[1];
  stageIo[memo + 3] = stageIo[2];
}

function sojournAndLoss(stageIo: Float64Array, K: number): void {
  let x = stageIo[0];
  if (x <= 1e-12) {
    stageIo[1] = 1;
    stageIo[2] = 0;
    return;
  }
  if (x >= 1) x = 1;
  if (1 - x < 1e-7) {
    stageIo[1] = (K + 1) / 2;
    stageIo[2] = 1 / (K + 1);
    return;
  }
  // x^K: four squarings for the default K = 16 (written inline: a double returned from a call
  // that is not inlined is boxed on the heap).
  let xk: number;
  if (K === 16) {
    const x2 = x * x,
      x4 = x2 * x2,
      x8 = x4 * x4;
    xk = x8 * x8;
  } else xk = Math.pow(x, K);
  const xk1 = xk * x;
  const loss = ((1 - x) * xk) / (1 - xk1);
  const l = x / (1 - x) - ((K + 1) * xk1) / (1 - xk1);
  stageIo[1] = l / (x * (1 - loss));
  stageIo[2] = loss;
}

/** Evaluates the service for one tick; `inp.backlog` is the backlog carried in. */
export function evaluate(inp: ServiceIn, out: ServiceOut): void {
  const lambda = inp.lambda;
  const KNOBS = inp.params;
  const K = KNOBS.stageSlots;
  const stageIo = inp.io;
  if (lambda <= 0 && inp.backlog <= 0) {
    out.throughput = 0;
    out.latencyMeanMs = 0;
    out.latencyP99Ms = 0;
    out.latencyP95Ms = 0;
    out.diskLatencyMs = 0;
    out.netLatencyMs = 0;
    out.errorRate = 0;
    out.goodFraction = 1;
    out.backlog = 0;
    out.backlogAgeS = 0;
    out.dnr = false;
    return;
  }
  const rhoB = Math.max(inp.rhoCpu, inp.useDisk ? inp.rhoDisk : 0, inp.useNet ? inp.rhoNet : 0);
  let pass = 1;
  let diskMs = 0,
    netMs = 0,
    dom0Ms = 0;
  stageIo[0] = inp.rhoCpu;
  stage(stageIo, K, CPU);
  let stagesMs = KNOBS.cpuStageMs * stageIo[1];
  pass *= 1 - stageIo[2];
  // Shared devices are one queue (M/M/1/K at the device, model spec §5): the busier of the VPS's
  // own load on its share and the device's utilization sets the wait there and the share refused.
  if (inp.useDisk) {
    stageIo[0] = Math.max(inp.rhoDisk, inp.uDisk);
    stage(stageIo, K, DISK);
    diskMs = KNOBS.diskStageMs * stageIo[1];
    stagesMs += diskMs;
    pass *= 1 - stageIo[2];
  }
  if (inp.useNet) {
    stageIo[0] = Math.max(inp.rhoNet, inp.uNet);
    stage(stageIo, K, NET);
    netMs = KNOBS.netStageMs * stageIo[1];
    stagesMs += netMs;
    // A busy link delays a reply (its bandwidth is shared, and its transmit FIFO holds what waits:
    // nicqueue.ts) but has no worker slots to refuse a request with: only the VPS's own share of
    // the link (its plan, its part of a shared queue) refuses, as any stage of its own does.
    if (inp.uNet > inp.rhoNet) {
      stageIo[0] = inp.rhoNet;
      stage(stageIo, K, NET_OWN);
    }
    pass *= 1 - stageIo[2];
  }
  if (inp.useDom0) {
    stageIo[0] = inp.uDom0;
    stage(stageIo, K, DOM0);
    dom0Ms = KNOBS.dom0StageMs * stageIo[1];
    stagesMs += dom0Ms;
    pass *= 1 - stageIo[2];
  }
  const loss = 1 - pass;
  const waitMs = stagesMs + inp.extraMs;
  const timeoutS = KNOBS.clientTimeoutMs / 1000;
  let throughput: number;
  let errorRate: number;
  // Wait in the backlog of the requests answered this tick (FIFO: they are its oldest), s.
  let delayS = 0;
  let backlog = 0;
  let ageS = 0;
  let hung = false;
  if (rhoB < 1 && inp.backlog <= 0) {
    throughput = lambda * pass;
    errorRate = loss;
  } else {
    // Fluid regime: the bottleneck serves μ = λ/ρ requests per second at most.
    // (Written as a statement: as a nested conditional with Infinity, V8 boxes μ on the heap.)
    let mu = Infinity;
    if (rhoB > 0) mu = lambda > 0 ? lambda / rhoB : inp.backlog / inp.dtS;
    const dt = inp.dtS;
    const arrivals = lambda * dt;
    const total = inp.backlog + arrivals;
    // Ages spread from the head's (the oldest carried in, one tick older now) down to 0.
    const head = inp.backlog > 0 ? inp.backlogAgeS + dt : dt;
    const served = Math.min(total, mu * dt);
    let q = total - served;
    // The answered requests are the oldest: their mean wait is the middle of the served slice.
    if (served > 0) delayS = head * (1 - served / (2 * total));
    ageS = q > 0 ? (head * q) / total : 0;
    // Clients give up on requests older than their timeout: those leave the backlog as errors.
    let abandoned = 0;
    if (ageS > timeoutS) {
      abandoned = (q * (ageS - timeoutS)) / ageS;
      q -= abandoned;
      ageS = timeoutS;
    }
    const qMax = KNOBS.queueS * lambda;
    const dropped = q > qMax ? q - qMax : 0;
    q -= dropped;
    backlog = q;
    throughput = (served / dt) * pass;
    errorRate = arrivals > 0 ? Math.min(1, (dropped + abandoned) / arrivals + loss) : loss;
    if (!(mu > 0) && q > 0) hung = true;
  }
  // Requests with a durable write (share ws of those using the disk) also wait the journal's commit:
  // jMs, plus an exponential wait of mean xMs for throttled writers' ordered data.
  let ws = 0;
  const jMs = inp.useDisk ? inp.journalMs : 0;
  const xMs = inp.useDisk ? inp.journalDrainMs : 0;
  if (jMs > 0 || xMs > 0) ws = KNOBS.webWriteShare;
  let tailJ = 0,
    tailJ95 = 0;
  // The writers' exponential tail past jMs holds 1 % (5 %) of all requests at xMs·ln(ws / 1 %).
  if (ws >= 0.01) tailJ = jMs + xMs * Math.log(ws / 0.01);
  if (ws >= 0.05) tailJ95 = jMs + xMs * Math.log(ws / 0.05);
  const meanMs = waitMs + ws * (jMs + xMs) + delayS * 1000;
  const timeoutMs = KNOBS.clientTimeoutMs;
  out.throughput = throughput;
  // A client measures at most its timeout.
  out.latencyMeanMs = hung ? timeoutMs : Math.min(meanMs, timeoutMs);
  out.latencyP99Ms = hung ? timeoutMs : Math.min(KNOBS.p99Factor * waitMs + tailJ + delayS * 1000, timeoutMs);
  out.latencyP95Ms = hung ? timeoutMs : Math.min(KNOBS.p95Factor * waitMs + tailJ95 + delayS * 1000, timeoutMs);
  // Dom0's backend sits on both device paths; it is counted on each path a request uses.
  out.diskLatencyMs = inp.useDisk ? diskMs + dom0Ms + ws * (jMs + xMs) : 0;
  out.netLatencyMs = inp.useNet ? netMs + dom0Ms + inp.netExtraMs : 0;
  out.errorRate = hung ? 1 : errorRate;
  // Good: answered within the SLO, and never after the client gave up. A request that already
  // waited d in the backlog is good with probability 1 − e^(−(SLO − d)/W) (W: the stages' mean).
  const budgetMs = Math.min(inp.sloMs, timeoutMs) - delayS * 1000;
  let gf = 0;
  if (!hung && budgetMs > 0 && waitMs <= 0) gf = 1;
  else if (!hung && budgetMs > 0) {
    // Past 38 mean latencies, e^(−x) < 2^−54 and 1 − it rounds to exactly 1: skip exp.
    const x = budgetMs / waitMs;
    gf = x > 38 ? 1 : 1 - Math.exp(-x);
  }
  if (ws > 0 && !hung) {
    // The writing share waits jMs first: good only within what is left of the budget.
    const bJ = budgetMs - jMs;
    let gJ = 0;
    if (bJ > 0 && xMs > 0) gJ = 1 - pastBoth(bJ, waitMs, xMs);
    else if (bJ > 0 && waitMs <= 0) gJ = 1;
    else if (bJ > 0) {
      const xJ = bJ / waitMs;
      gJ = xJ > 38 ? 1 : 1 - Math.exp(-xJ);
    }
    gf = (1 - ws) * gf + ws * gJ;
  }
  out.goodFraction = gf;
  out.backlog = backlog;
  out.backlogAgeS = ageS;
  out.dnr = hung || meanMs > timeoutMs;
}

/**
 * P(S + X > b) for independent exponentials S (mean w ≥ 0) and X (mean x > 0): the chance a
 * durable write's stages and its wait for ordered data together pass b.
 */
function pastBoth(b: number, w: number, x: number): number {
  if (!(w > 0)) return Math.exp(-b / x);
  const d = x - w;
  if (Math.abs(d) < 1e-6 * x) return Math.exp(-b / x) * (1 + b / x);
  return (x * Math.exp(-b / x) - w * Math.exp(-b / w)) / d;
}
