/**
 * The application model of one VPS (model spec §7): requests pass CPU, disk, network and (para)
 * Dom0 stages. Each stage is M/M/1 with K worker slots (M/M/1/K): W = S/(1−ρ) while ρ is well
 * below 1, a bounded latency and a loss of 1/(K+1) at saturation. When the bottleneck's ρ ≥ 1 the
 * excess becomes a fluid backlog: it grows by (λ − μ)·Δt, is bounded (drops → errors), and drains
 * after the contention ends. Scalar code, no allocation: results go into a reused object.
 */
import type { ServiceIn, ServiceOut } from './serviceIo.js';

/**
 * Evaluates the service for one tick; `inp.backlog` is the backlog carried in. Each stage is an
 * M/M/1/K queue at its ρ: its mean sojourn in units of its service time, and its loss. That is a
 * pure function of ρ and K, so each stage kind keeps its last ρ, K and result in `inp.io` (a device
 * or Dom0 every VPS shares gives the same ρ to VPS after VPS). The stages run as one loop so that
 * their arithmetic is written once and stays in registers (a double passed to or returned from a
 * call that is not inlined is boxed on the heap).
 */
export function evaluate(inp: ServiceIn, out: ServiceOut): void {
  const lambda = inp.lambda;
  const backlogIn = inp.backlog;
  // (Read here, not where a backlog first needs it: V8 throws away optimized code at the first run
  // of a read it never saw run.)
  const ageIn = inp.backlogAgeS;
  if (lambda <= 0 && backlogIn <= 0) {
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
  const KNOBS = inp.params;
  const K = KNOBS.stageSlots;
  const io = inp.io;
  // Slots of `io` (function-local constants: a bundler turns module constants into mutable vars).
  // Per stage kind k (0 CPU, 1 disk, 2 network, 3 the VPS's own share of the link, 4 Dom0) the memo
  // at 4k … 4k + 3 (ρ, K, sojourn, loss); then what depends only on the parameters.
  const SAT_K = 20,
    SAT_SOJOURN = 21,
    SAT_LOSS = 22,
    TIMEOUT_MS = 23,
    TIMEOUT_S = 24;
  if (io[SAT_K] !== K) {
    io[SAT_K] = K;
    io[SAT_SOJOURN] = (K + 1) / 2;
    io[SAT_LOSS] = 1 / (K + 1);
  }
  const timeoutMs = KNOBS.clientTimeoutMs;
  if (io[TIMEOUT_MS] !== timeoutMs) {
    io[TIMEOUT_MS] = timeoutMs;
    io[TIMEOUT_S] = timeoutMs / 1000;
  }
  // (Compared with true: a read of a boolean field is otherwise a generic truthiness test.)
  const useDisk = inp.useDisk === true,
    useNet = inp.useNet === true,
    useDom0 = inp.useDom0 === true;
  const rhoCpu = inp.rhoCpu,
    rhoDisk = inp.rhoDisk,
    rhoNet = inp.rhoNet,
    uNet = inp.uNet,
    asyncWait = 1 + inp.uDiskAsync;
  const rhoB = Math.max(rhoCpu, useDisk ? rhoDisk : 0, useNet ? rhoNet : 0);
  // (Read once: inside the loop each read would check the parameters' shape again.)
  const satSojourn = io[SAT_SOJOURN],
    satLoss = io[SAT_LOSS],
    cpuStageMs = KNOBS.cpuStageMs,
    diskStageMs = KNOBS.diskStageMs,
    netStageMs = KNOBS.netStageMs,
    dom0StageMs = KNOBS.dom0StageMs;
  let pass = 1;
  let stagesMs = 0,
    diskMs = 0,
    netMs = 0,
    dom0Ms = 0,
    netLoss = 0;
  for (let k = 0; k < 5; k++) {
    let rho: number;
    if (k === 0) rho = rhoCpu;
    // Shared devices are one queue (M/M/1/K at the device, model spec §5): the busier of the VPS's
    // own load on its share and the device's utilization sets the wait there and the share refused.
    else if (k === 1) {
      if (!useDisk) continue;
      rho = Math.max(rhoDisk, inp.uDisk);
    } else if (k === 2) {
      if (!useNet) continue;
      rho = Math.max(rhoNet, uNet);
    } else if (k === 3) {
      // A busy link delays a reply (its bandwidth is shared, and its transmit FIFO holds what waits:
      // nicqueue.ts) but has no worker slots to refuse a request with: only the VPS's own share of
      // the link (its plan, its part of a shared queue) refuses, as any stage of its own does.
      if (!useNet || !(uNet > rhoNet)) continue;
      rho = rhoNet;
    } else {
      if (useNet) pass *= 1 - netLoss;
      if (!useDom0) break;
      rho = inp.uDom0;
    }
    const memo = 4 * k;
    // (The memo is read whether or not it holds this ρ: V8 throws away optimized code at the first
    // run of a read it never saw run, and the isolated run, which rarely repeats a ρ, runs first.)
    const memoRho = io[memo],
      memoK = io[memo + 1],
      memoSojourn = io[memo + 2],
      memoLoss = io[memo + 3];
    let sojourn: number, loss: number;
    if (memoRho === rho && memoK === K) {
      sojourn = memoSojourn;
      loss = memoLoss;
    } else {
      let x = rho;
      if (x <= 1e-12) {
        sojourn = 1;
        loss = 0;
      } else {
        if (x >= 1) x = 1;
        if (1 - x < 1e-7) {
          sojourn = satSojourn;
          loss = satLoss;
        } else {
          // x^K: four squarings for the default K = 16.
          let xk: number;
          if (K === 16) {
            const x2 = x * x,
              x4 = x2 * x2,
              x8 = x4 * x4;
            xk = x8 * x8;
          } else xk = Math.pow(x, K);
          const xk1 = xk * x;
          // A light stage's x^(K+1) is below half an ulp of 1, and so is its loss: 1 − them is
          // exactly 1, and a division or product by exactly 1 is skipped (the same value, bit for bit).
          const free = 1 - xk1;
          let l: number;
          if (free === 1) {
            loss = (1 - x) * xk;
            l = x / (1 - x) - (K + 1) * xk1;
          } else {
            loss = ((1 - x) * xk) / free;
            l = x / (1 - x) - ((K + 1) * xk1) / free;
          }
          const kept = 1 - loss;
          sojourn = kept === 1 ? l / x : l / (x * kept);
        }
      }
      io[memo] = rho;
      io[memo + 1] = K;
      io[memo + 2] = sojourn;
      io[memo + 3] = loss;
    }
    if (k === 0) {
      stagesMs = cpuStageMs * sojourn;
      pass *= 1 - loss;
    } else if (k === 1) {
      // A non-preemptive priority queue (Cobham): the wait at the synchronous load, and the rest of
      // a writeback request in service for one that finds it there (×1 exactly without writeback).
      diskMs = diskStageMs * sojourn * asyncWait;
      stagesMs += diskMs;
      pass *= 1 - loss;
    } else if (k === 2) {
      netMs = netStageMs * sojourn;
      stagesMs += netMs;
      netLoss = loss;
    } else if (k === 3) netLoss = loss;
    else {
      dom0Ms = dom0StageMs * sojourn;
      stagesMs += dom0Ms;
      pass *= 1 - loss;
    }
  }
  const loss = 1 - pass;
  const waitMs = stagesMs + inp.extraMs;
  const timeoutS = io[TIMEOUT_S];
  let throughput: number;
  let errorRate: number;
  // Wait in the backlog of the requests answered this tick (FIFO: they are its oldest), s.
  let delayS = 0;
  let backlog = 0;
  let ageS = 0;
  let hung = false;
  if (rhoB < 1 && backlogIn <= 0) {
    throughput = lambda * pass;
    errorRate = loss;
  } else {
    // Fluid regime: the bottleneck serves μ = λ/ρ requests per second at most.
    // (Written as a statement: as a nested conditional with Infinity, V8 boxes μ on the heap.)
    let mu = Infinity;
    if (rhoB > 0) mu = lambda > 0 ? lambda / rhoB : backlogIn / inp.dtS;
    const dt = inp.dtS;
    const arrivals = lambda * dt;
    const total = backlogIn + arrivals;
    // (Zero as a double, where a literal 0 is a small integer: V8 compiles an addition for the kind
    // of numbers it saw, and `dropped + abandoned` below, 0 + 0 until a queue first overflows, would
    // be compiled for small integers and thrown away at that first overflow.)
    const none = total - total;
    // Ages spread from the head's (the oldest carried in, one tick older now) down to 0.
    const aged = ageIn + dt;
    const head = backlogIn > 0 ? aged : dt;
    const served = Math.min(total, mu * dt);
    let q = total - served;
    // The answered requests are the oldest: their mean wait is the middle of the served slice.
    if (served > 0) delayS = head * (1 - served / (2 * total));
    ageS = q > 0 ? (head * q) / total : 0;
    // Clients give up on requests older than their timeout: those leave the backlog as errors.
    // (Worked out before it is known to apply: V8 throws away optimized code at the first run of
    // arithmetic it never saw run, and clients first give up ten simulated seconds into a backlog.)
    const abandonedIf = (q * (ageS - timeoutS)) / ageS,
      keptIf = q - abandonedIf;
    let abandoned = none;
    if (ageS > timeoutS) {
      abandoned = abandonedIf;
      q = keptIf;
      ageS = timeoutS;
    }
    const qMax = KNOBS.queueS * lambda;
    const excess = q - qMax,
      cappedQ = q - excess;
    let dropped = none;
    if (q > qMax) {
      dropped = excess;
      q = cappedQ;
    }
    backlog = q;
    throughput = (served / dt) * pass;
    // Failed: dropped from a full queue, abandoned past the timeout, and the stages' loss of the
    // requests served (not of every arrival: those still queued have not met a stage yet).
    errorRate = arrivals > 0 ? Math.min(1, (dropped + abandoned + served * loss) / arrivals) : loss;
    if (!(mu > 0) && q > 0) hung = true;
  }
  // Requests with a durable write (share ws of those using the disk) also wait the journal's commit:
  // jMs, plus an exponential wait of mean xMs for throttled writers' ordered data.
  let ws = 0;
  const jMs = useDisk ? inp.journalMs : 0;
  const xMs = useDisk ? inp.journalDrainMs : 0;
  if (jMs > 0 || xMs > 0) ws = KNOBS.webWriteShare;
  let tailJ = 0,
    tailJ95 = 0;
  // The writers' exponential tail past jMs holds 1 % (5 %) of all requests at xMs·ln(ws / 1 %).
  if (ws >= 0.01) tailJ = jMs + xMs * Math.log(ws / 0.01);
  if (ws >= 0.05) tailJ95 = jMs + xMs * Math.log(ws / 0.05);
  const meanMs = waitMs + ws * (jMs + xMs) + delayS * 1000;
  out.throughput = throughput;
  // A client measures at most its timeout.
  out.latencyMeanMs = hung ? timeoutMs : Math.min(meanMs, timeoutMs);
  out.latencyP99Ms = hung ? timeoutMs : Math.min(KNOBS.p99Factor * waitMs + tailJ + delayS * 1000, timeoutMs);
  out.latencyP95Ms = hung
    ? timeoutMs
    : Math.min(KNOBS.p95Factor * waitMs + tailJ95 + delayS * 1000, timeoutMs);
  // Dom0's backend sits on both device paths; it is counted on each path a request uses.
  let diskLatencyMs = 0;
  if (useDisk) diskLatencyMs = diskMs + dom0Ms + ws * (jMs + xMs);
  // A disk path that serves nothing (Dom0 down) holds a request there until its client gives up:
  // the full queue's wait would read as a slow disk that still answers.
  if (hung && useDisk && rhoDisk > 1e300) diskLatencyMs = timeoutMs;
  out.diskLatencyMs = diskLatencyMs;
  out.netLatencyMs = useNet ? netMs + dom0Ms + inp.netExtraMs : 0;
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
