/**
 * What a tick means for each VPS's service (model spec §7): its utilizations from the CPU and
 * device headroom it got, the service evaluated against them (or last tick's outcome when nothing
 * changed), then its degradation against the isolated counterfactual, its state and health, and
 * Jain's fairness over the host. The CPU side is cpuview.ts, the counterfactual isolated.ts.
 */
import * as drainDom0Mod from './drainDom0.js';
import * as serviceMod from './service.js';
import type { SimState } from './state.js';
import * as codes from './work.js';
import type { ServiceContext, Work } from './work.js';

const { STATE_DEGRADED, STATE_DNR, STATE_RUNNING } = codes;
const { evaluate } = serviceMod;
const { bookDrain } = drainDom0Mod;
// Infinity is a global: read in a branch that never ran, V8 cannot fold it to a constant and boxes
// every double merged with it on the heap. Hence 1 / 0 below: a constant division folds (a module
// constant would not survive bundling, which makes it a mutable var).

export type { ServiceContext } from './work.js';

/**
 * Per VPS: service, state and health (after `cpuOutcome` and `isolated`). Leaves the running
 * count in `w.host.running` and Jain's fairness over good throughput relative to isolation in
 * `w.host.fairness`. `again`: the tick's pass once more at the device and Dom0 utilizations (and the
 * NIC queue and swap fault waits) with the drained work in them (drainPass.ts), from the same
 * backlogs, the drains already booked; `drainersOnly`: only the VPSs that booked a drain (the rest
 * of the figures are left to the whole pass that follows).
 */
export function service(
  st: SimState,
  w: Work,
  ctx: ServiceContext,
  again: boolean,
  drainersOnly = false,
): void {
  const n = st.vps.length;
  const p = st.profile;
  const s = w.s;
  const m = w.m;
  // (Booleans compared with true: a read of a boolean is otherwise a generic truthiness test.)
  const hung = ctx.hung === true,
    uDisk = ctx.uDisk,
    uDiskAsync = ctx.uDiskAsync,
    uNet = ctx.uNet,
    uDom0 = ctx.uDom0,
    netQueueMs = ctx.netQueueMs,
    swapWaitMs = ctx.swapFaultMs * st.params.swapPagesPerRequest,
    downCode = ctx.downCode;
  const lambdaA = s.lambda,
    diskBase = s.diskBase,
    netBase = s.netBase,
    diskFault = s.diskFault,
    netFault = s.netFault;
  const serviceFactor = s.serviceFactor,
    swapFrac = s.swapFrac,
    memSlow = s.memSlow,
    appCpu = s.appCpu,
    svcIoNeed = s.svcIoNeed,
    up_ = s.up;
  const cpuHeadA = s.cpuHead,
    faultIoCpu = s.faultIoCpu,
    slow = s.slow,
    faultIoScale = s.faultIoScale;
  const diskAvail = s.diskAvail,
    netAvail = s.netAvail,
    goodA = s.good;
  const backlogA = st.dyn.backlog,
    backlogAgeA = st.dyn.backlogAge;
  const stateCode = w.stateCode;
  const isoGoodA = w.isoGood,
    isoKept = w.isoKept;
  const sloA = w.plan.sloMs;
  const mDiskDemand = m.diskDemandIops,
    mNetDemand = m.netDemandMbps;
  const mWait = m.schedWaitMs,
    mThroughput = m.throughputRps,
    mMean = m.latencyMeanMs;
  const mP95 = m.latencyP95Ms,
    mDiskLat = m.diskLatencyMs;
  const mP99 = m.latencyP99Ms,
    mError = m.errorRate,
    mGoodFraction = m.goodFraction,
    mBacklog = m.backlog;
  const mDegradation = m.degradation,
    mHealth = m.health,
    mIsoP99 = m.latencyP99IsolatedMs;
  const dom0 = p.dom0 === true,
    rttMs = p.netRttMs,
    eCpu = p.eCpu;
  const svcKey = w.svcKey,
    svcLambda = w.svcLambda,
    svcRhoCpu = w.svcRhoCpu,
    svcRhoDisk = w.svcRhoDisk;
  const svcRhoNet = w.svcRhoNet,
    svcExtraMs = w.svcExtraMs,
    svcBacklog = w.svcBacklog,
    svcBacklogAge = w.svcBacklogAge;
  const su = w.svcU;
  // Kept outcomes hold only while the plan arrays and the device utilizations are those they came from.
  const journalMs = ctx.journalMs;
  const drainMs = ctx.journalDrainMs;
  const keepAll =
    w.isoReady === true &&
    su.disk === uDisk &&
    su.diskAsync === uDiskAsync &&
    su.net === uNet &&
    su.dom0 === uDom0 &&
    su.journal === journalMs &&
    su.drain === drainMs;
  su.journal = journalMs;
  su.drain = drainMs;
  su.disk = uDisk;
  su.diskAsync = uDiskAsync;
  su.net = uNet;
  su.dom0 = uDom0;
  const sin = w.sin,
    sout = w.sout;
  sin.dtS = st.tickMs / 1000;
  sin.params = st.params;
  sin.uDisk = uDisk;
  sin.uDiskAsync = uDiskAsync;
  sin.uNet = uNet;
  sin.uDom0 = uDom0;
  sin.journalMs = journalMs;
  sin.journalDrainMs = drainMs;
  const drainer = w.drainDom0.drainer;
  let running = 0;
  for (let i = 0; i < n; i++) {
    // (Those that booked no drain are evaluated once the drains hold: drainPass.ts.)
    if (drainersOnly && drainer[i] === 0) continue;
    const lambda = lambdaA[i];
    const db = diskBase[i],
      nb = netBase[i];
    if (!again) {
      mDiskDemand[i] = db + diskFault[i];
      mNetDemand[i] = nb + netFault[i];
    }
    if (up_[i] > 0) {
      if (again) {
        // The backlog it came in with (the memo holds it, whether it was evaluated or kept).
        backlogA[i] = svcBacklog[i];
        backlogAgeA[i] = svcBacklogAge[i];
      }
      const useDisk = db > 0;
      const useNet = nb > 0;
      const sl = slow[i];
      const slowAll = memSlow[i];
      // (Its requests' own I/O CPU, served or not: a device that serves less is its own stage's ρ.)
      const svcCpu = appCpu[i] + svcIoNeed[i];
      // Actual. The service gets the VPS's CPU headroom minus what its own storm or flood I/O burns.
      const avail = (Math.max(0, cpuHeadA[i] - faultIoCpu[i]) * eCpu) / sl;
      let rhoCpu = 0;
      if (avail > 0) rhoCpu = (svcCpu * slowAll) / avail;
      else if (svcCpu > 0) rhoCpu = 1 / 0;
      // A storm or flood in the same guest shares the guest's device headroom with its service.
      let rhoDisk = 0;
      let rhoNet = 0;
      // (The base share of each device is written inline: a double returned from a call is boxed.
      // Without a storm or flood it is db / db, exactly 1: the division is skipped.)
      if (useDisk) {
        const df = diskFault[i] * faultIoScale[i];
        let share = 1;
        if (df !== 0 && db + df > 0) share = db / (db + df);
        const dSvc = diskAvail[i] * share;
        if (dSvc > 0) rhoDisk = (db * slowAll) / dSvc;
        else rhoDisk = 1 / 0;
      }
      if (useNet) {
        const nf = netFault[i] * faultIoScale[i];
        let share = 1;
        if (nf !== 0 && nb + nf > 0) share = nb / (nb + nf);
        const nSvc = netAvail[i] * share;
        if (nSvc > 0) rhoNet = (nb * slowAll) / nSvc;
        else rhoNet = 1 / 0;
      }
      // Its replies wait behind whatever fills the NIC's transmit FIFO (§5).
      const netMs = useNet ? rttMs + netQueueMs : 0;
      // Each page it touches is swapped out with its swapped share, and each such page is a fault (§4).
      const extraMs = netMs + mWait[i] + swapFrac[i] * swapWaitMs;
      // Fork bomb: the service keeps only a share of its capacity (0: hung).
      const sf = hung ? 0 : serviceFactor[i];
      if (sf < 1) {
        if (sf > 0) rhoCpu = rhoCpu / sf;
        else rhoCpu = 1 / 0;
      }
      const backlog = backlogA[i];
      const key = 1 | (useDisk ? 2 : 0) | (useNet ? 4 : 0);
      // Last tick's outcome stands when every input is the one it came from; the kept inputs are
      // read only when the tick-wide ones (device utilizations, isolated results) are unchanged.
      let same = 0;
      if (keepAll)
        same =
          (isoKept[i] === 1 ? 1 : 0) *
          (svcBacklog[i] === backlog ? 1 : 0) *
          (svcBacklogAge[i] === backlogAgeA[i] ? 1 : 0) *
          (svcRhoCpu[i] === rhoCpu ? 1 : 0) *
          (svcKey[i] === key ? 1 : 0) *
          (svcLambda[i] === lambda ? 1 : 0) *
          (svcRhoDisk[i] === rhoDisk ? 1 : 0) *
          (svcRhoNet[i] === rhoNet ? 1 : 0) *
          (svcExtraMs[i] === extraMs ? 1 : 0) *
          (backlog === mBacklog[i] ? 1 : 0);
      if (same === 1) {
        // Same inputs, same backlog (size and age) in as out last tick: last tick's outcome stands.
        if (stateCode[i] !== STATE_DNR) running++;
      } else {
        svcKey[i] = key;
        svcLambda[i] = lambda;
        svcRhoCpu[i] = rhoCpu;
        svcRhoDisk[i] = rhoDisk;
        svcRhoNet[i] = rhoNet;
        svcExtraMs[i] = extraMs;
        svcBacklog[i] = backlog;
        svcBacklogAge[i] = backlogAgeA[i];
        sin.lambda = lambda;
        sin.useDisk = useDisk;
        sin.useNet = useNet;
        sin.useDom0 = dom0 && (useDisk || useNet);
        sin.sloMs = sloA[i];
        sin.rhoCpu = rhoCpu;
        sin.rhoDisk = rhoDisk;
        sin.rhoNet = rhoNet;
        sin.extraMs = extraMs;
        sin.netExtraMs = netMs;
        sin.backlog = backlog;
        sin.backlogAgeS = backlogAgeA[i];
        evaluate(sin, sout);
        const code = verdict(sout, i, w);
        backlogA[i] = sout.backlog;
        backlogAgeA[i] = sout.backlogAgeS;
        if (code !== STATE_DNR) running++;
      }
      // A drained backlog's device work is served too (from the idle share deviceHeadroom gave it).
      if (backlog > 0 && lambda > 0 && !again) bookDrain(st, w, i);
    } else {
      svcKey[i] = 0;
      backlogA[i] = 0;
      backlogAgeA[i] = 0;
      mThroughput[i] = 0;
      mMean[i] = 0;
      mP99[i] = 0;
      mP95[i] = 0;
      mDiskLat[i] = 0;
      // Nothing runs, so there is nothing to compare with alone either: a gap, as its own p99.
      mIsoP99[i] = 0;
      mError[i] = lambda > 0 ? 1 : 0;
      mGoodFraction[i] = 0;
      mBacklog[i] = 0;
      goodA[i] = 0;
      mDegradation[i] = lambda > 0 ? 1 : 0;
      mHealth[i] = 0;
      stateCode[i] = downCode;
    }
  }
  w.isoReady = true;
  // (The others' outcomes are not of these utilizations: the whole pass that follows evaluates them.)
  if (drainersOnly) su.disk = 0 / 0;
  w.host.running = running;
  w.host.fairness = fairness(n, goodA, isoGoodA, stateCode);
}

/**
 * Jain's fairness over good throughput relative to isolation, among the VPSs that answer (a down,
 * rebooting or DNR VPS has no result, model spec §7) with an isolated good throughput; NaN with none
 * of them or no good answer among them (null in frames, a gap in a chart). A pass of its own: as
 * sums of the pass above, which calls out per VPS, V8 kept them boxed on the heap.
 */
function fairness(n: number, goodA: Float64Array, isoGoodA: Float64Array, stateCode: Uint8Array): number {
  let sum = 0,
    sq = 0,
    k = 0;
  for (let i = 0; i < n; i++) {
    const isoGood = isoGoodA[i];
    const code = stateCode[i];
    if (isoGood > 0 && (code === STATE_RUNNING || code === STATE_DEGRADED)) {
      const x = goodA[i] / isoGood;
      sum += x;
      sq += x * x;
      k++;
    }
  }
  if (k > 0 && sq > 0) return (sum * sum) / (k * sq);
  return 0 / 0;
}

/**
 * Publishes VPS i's evaluated service (`sout`) and judges it against its isolated counterfactual:
 * degradation, state (running, degraded, DNR) and health. Returns the state code. (Takes no
 * double arguments: a double passed to a call that is not inlined is boxed on the heap.)
 */
function verdict(sout: Work['sout'], i: number, w: Work): number {
  // The state and health thresholds (presentation parameters, params.ts).
  const k = w.sin.params;
  const m = w.m;
  const isoGood = w.isoGood[i],
    isoP = w.isoP99[i];
  const dnr = sout.dnr;
  const thr = sout.throughput,
    gf = sout.goodFraction,
    er = sout.errorRate,
    p99 = sout.latencyP99Ms;
  m.throughputRps[i] = thr;
  m.latencyMeanMs[i] = sout.latencyMeanMs;
  m.latencyP99Ms[i] = p99;
  m.latencyP95Ms[i] = sout.latencyP95Ms;
  m.diskLatencyMs[i] = sout.diskLatencyMs;
  // (Written with the outcome: a kept outcome keeps it, as its isolated result is kept too.)
  m.latencyP99IsolatedMs[i] = isoP;
  m.errorRate[i] = er;
  m.goodFraction[i] = dnr ? 0 : gf;
  m.backlog[i] = sout.backlog;
  const good = dnr ? 0 : thr * gf;
  w.s.good[i] = good;
  const deg = isoGood > 0 ? Math.min(1, Math.max(0, 1 - good / isoGood)) : 0;
  m.degradation[i] = deg;
  let code = STATE_RUNNING;
  if (dnr) code = STATE_DNR;
  else if (deg > k.degradedAbove || er > k.degradedErrorRate || p99 > k.degradedP99Ratio * Math.max(1, isoP))
    code = STATE_DEGRADED;
  w.stateCode[i] = code;
  // Health (model spec §7): SLO compliance, errors and latency, placed in the band of the state.
  // A VPS that does not respond has 0, and only it: a degraded VPS still answers (at least 1), and
  // ranks below any running one (under the health a running VPS has at worst, every threshold met).
  let health = 0;
  if (code !== STATE_DNR) {
    health = Math.round(100 * (1 - deg) * (1 - Math.min(1, er)) * latencyHalf(p99 / Math.max(1, isoP), k));
    if (code === STATE_DEGRADED) {
      const worstRunning = Math.round(
        100 * (1 - k.degradedAbove) * (1 - k.degradedErrorRate) * latencyHalf(k.degradedP99Ratio, k),
      );
      health = Math.max(1, Math.min(health, worstRunning - 1));
    }
  }
  m.health[i] = health;
  return code;
}

/** Health's latency factor at a p99 `ratio` times the isolated one: 1 at ×1, ½ from 1 + `healthP99Span` on. */
function latencyHalf(ratio: number, k: Work['sin']['params']): number {
  return Math.min(1, 0.5 + 0.5 * (1 - Math.min(1, (ratio - 1) / k.healthP99Span)));
}
