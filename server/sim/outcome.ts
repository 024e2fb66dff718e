/**
 * What a tick's allocations mean: CPU metrics and headroom, scheduler wait, cache and memory
 * bandwidth slowdown, then each VPS's service against its isolated counterfactual, its state and
 * health (the host figures are assembled by step.ts).
 */
import * as allocMod from './allocate.js';
import * as serviceMod from './service.js';
import type { SimState } from './state.js';
import * as codes from './work.js';
import type { ServiceContext, Work } from './work.js';

const { STATE_DEGRADED, STATE_DNR, STATE_RUNNING } = codes;
const { headroomVcpu } = allocMod;
const { evaluate } = serviceMod;

/**
 * Tick-wide CPU and cache figures (one pass): Σ granted, runnable vCPUs, idle cores, the
 * scheduler wait, and each VPS's memory-bandwidth pressure with their sum. Returns Σ granted
 * (guests, Dom0, host OS); the rest goes into `ctx`.
 */
export function totals(st: SimState, w: Work, ctx: ServiceContext): number {
  const n = st.vps.length;
  const p = st.profile;
  const host = st.host;
  const s = w.s;
  const cpuDemand = s.cpuDemand,
    cpuGot = s.cpuGot,
    thrash = s.thrash,
    up = s.up,
    pressure = s.pressure;
  const level = w.shared.level;
  const dom0Got = w.shared.dom0Got;
  const KNOBS = st.params;
  const memBw = KNOBS.memBwPerCoreGBs,
    hostBw = host.memBwGBs,
    thrashP = KNOBS.cacheThrashPressure;
  const share = p.cpuPolicy === 'share';
  const slice = p.schedSliceMs,
    burst = Math.min(slice, KNOBS.cpuStageMs);
  const cpuLimit = s.cpuLimit,
    bgCpu = s.bgCpu;
  let sumGot = dom0Got + w.shared.hostOsCpu;
  // Σ over running entities of (core time held) × (half its run): what a waking vCPU that finds
  // its core taken waits, weighted by who holds it. A CPU-bound entity runs a whole slice; one
  // that mostly waits on requests runs one request's CPU stage.
  let held = share && dom0Got > 0 ? dom0Got * (dom0Got >= w.shared.dom0Work * 0.999 && w.shared.dom0Work > 0 ? burst : slice) * 0.5 : 0;
  let sumP = 0;
  for (let i = 0; i < n; i++) {
    const got = cpuGot[i];
    sumGot += got;
    if (share && got > 0) held += got * runLength(cpuDemand[i], cpuLimit[i], bgCpu[i], slice, burst) * 0.5;
    // Cache and memory-bandwidth interference (model spec §6, every mode).
    const pj = Math.min(1, (got * memBw) / hostBw + thrash[i] * thrashP);
    const pr = up[i] ? pj : 0;
    pressure[i] = pr;
    sumP += pr;
  }
  const contended = p.cpuPolicy === 'share' && Number.isFinite(level);
  ctx.contended = contended;
  ctx.idle = Math.max(0, host.cores - sumGot);
  // The chance a waking vCPU finds every core taken: the host's busy fraction to the power of its
  // cores (one core: its busy fraction; many cores: only near saturation).
  const u = Math.min(1, sumGot / host.cores);
  ctx.busyP = share && sumGot > 0 ? (contended ? 1 : Math.pow(u, host.cores)) : 0;
  ctx.heldMs = held;
  ctx.sumGot = sumGot;
  ctx.waitMs = 0;
  ctx.sumP = sumP;
  return sumGot;
}

export type { ServiceContext } from './work.js';

/** How long one run of an entity lasts: a whole slice when CPU-bound (a hog, or every vCPU busy), else one burst. */
function runLength(demand: number, limit: number, bg: number, slice: number, burst: number): number {
  return bg > 0 || demand >= limit * 0.999 ? slice : burst;
}

/**
 * Per VPS: CPU metrics and headroom, cache slowdown, then service, isolated counterfactual,
 * state and health. Leaves the running count in
 * `w.host.running` and Jain's fairness over good throughput relative to isolation in `w.host.fairness`.
 */
export function service(st: SimState, w: Work, ctx: ServiceContext): void {
  const n = st.vps.length;
  const p = st.profile;
  const host = st.host;
  const s = w.s;
  const m = w.m;
  const pl = w.plan;
  const dt = st.tickMs / 1000;
  const hung = ctx.hung,
    uDisk = ctx.uDisk,
    uNet = ctx.uNet,
    uDom0 = ctx.uDom0,
    downCode = ctx.downCode;
  const lambdaA = s.lambda,
    diskBase = s.diskBase,
    netBase = s.netBase,
    diskFault = s.diskFault,
    netFault = s.netFault;
  const serviceFactor = s.serviceFactor,
    memSlow = s.memSlow,
    appCpu = s.appCpu,
    svcIoCpu = s.svcIoCpu,
    up_ = s.up;
  const cpuLimit = s.cpuLimit,
    cpuAvail = s.cpuAvail,
    faultIoCpu = s.faultIoCpu,
    slow = s.slow,
    faultIoScale = s.faultIoScale;
  const diskAvail = s.diskAvail,
    netAvail = s.netAvail,
    goodA = s.good;
  const backlogA = st.dyn.backlog;
  const stateCode = w.stateCode;
  const isoReady = w.isoReady;
  const isoLambda = w.isoLambda,
    isoDisk = w.isoDisk,
    isoNet = w.isoNet,
    isoGoodA = w.isoGood,
    isoP99 = w.isoP99;
  const sloA = pl.sloMs,
    memSlowIso = pl.memSlowIso,
    baseCpu = pl.baseCpu,
    dPath = pl.dPath,
    nPath = pl.nPath;
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
    mHealth = m.health;
  const dom0 = p.dom0,
    dom0Factor = p.dom0IoFactor,
    ioCpuFactor = p.ioCpuFactor,
    selfShare = 1 - p.hostOsIoShare;
  const rttMs = p.netRttMs,
    eCpu = p.eCpu,
    dom0Vcpus = p.dom0Vcpus;
  const hostDisk = host.diskIops,
    hostNet = host.netMbps,
    cores = host.cores;
  const KNOBS = st.params;
  const diskOpCpuS = KNOBS.diskOpCpuS,
    netMbitCpu = KNOBS.netMbitCpu;
  const svcKey = w.svcKey,
    svcLambda = w.svcLambda,
    svcRhoCpu = w.svcRhoCpu,
    svcRhoDisk = w.svcRhoDisk;
  const svcRhoNet = w.svcRhoNet,
    svcExtraMs = w.svcExtraMs,
    svcBacklog = w.svcBacklog;
  const su = w.svcU;
  // Kept outcomes hold only while the plan arrays and the device utilizations are those they came from.
  const keepAll = isoReady && su.disk === uDisk && su.net === uNet && su.dom0 === uDom0;
  su.disk = uDisk;
  su.net = uNet;
  su.dom0 = uDom0;
  const vcpusA = pl.vcpus,
    weight = s.weight,
    cpuDemand = s.cpuDemand,
    cpuGot = s.cpuGot,
    pressure = s.pressure,
    sens = pl.sensitivity;
  const mSteal = m.cpuSteal,
    mThrottled = m.cpuThrottled,
    mUseful = m.cpuUseful;
  const share = p.cpuPolicy === 'share',
    domainW = p.cpuWeighting === 'domain',
    contended = ctx.contended;
  const level = w.shared.level,
    idle = ctx.idle,
    busyP = ctx.busyP,
    heldMs = ctx.heldMs,
    sumGotAll = ctx.sumGot,
    sumP = ctx.sumP;
  const sigmaScale = p.cachePartitioning ? KNOBS.cachePartitionScale : 1;
  const slice = p.schedSliceMs,
    burst = Math.min(slice, KNOBS.cpuStageMs);
  const bgCpuA = s.bgCpu;
  const sin = w.sin,
    sout = w.sout;
  sin.dtS = dt;
  sin.params = st.params;
  let running = 0,
    jainSum = 0,
    jainSq = 0,
    jainN = 0;
  for (let i = 0; i < n; i++) {
    // CPU metrics and headroom.
    const vc = vcpusA[i];
    const d = cpuDemand[i];
    const lim = cpuLimit[i];
    const got = cpuGot[i];
    const capped = Math.min(d, lim);
    // Headroom: under a share what the VPS could get at this level (or with the idle cores); under
    // a quota its (possibly squeezed) cap, set by the CPU split. Only the service reads it.
    let cpuHead: number;
    if (!share) cpuHead = cpuAvail[i];
    else if (!contended) cpuHead = Math.min(lim, got + idle);
    else if (domainW) {
      // What its weight gets at this level, up to its limit (headroomDomain, inline: no boxed doubles).
      const atLevel = weight[i] * level;
      cpuHead = Math.max(got, atLevel < lim ? atLevel : lim);
    } else cpuHead = Math.max(got, headroomVcpu(vc, lim, level));
    mSteal[i] = Math.max(0, capped - got) / vc;
    mThrottled[i] = Math.max(0, d - capped) / vc;
    // Scheduler wait (model spec §3): every core taken, by whom, for how much of its run.
    let wait = 0;
    if (d > 0 && busyP > 0 && sumGotAll > 0) {
      const own = got * runLength(d, lim, bgCpuA[i], slice, burst) * 0.5;
      wait = (busyP * Math.max(0, heldMs - own)) / sumGotAll;
    }
    mWait[i] = wait;
    // Cache slowdown.
    const sl = 1 + sens[i] * sigmaScale * Math.min(1, Math.max(0, sumP - pressure[i]));
    slow[i] = sl;
    mUseful[i] = (got * eCpu) / sl;

    const lambda = lambdaA[i];
    const db = diskBase[i],
      nb = netBase[i];
    mDiskDemand[i] = db + diskFault[i];
    mNetDemand[i] = nb + netFault[i];
    const sf = hung ? 0 : serviceFactor[i];
    const slowAll = memSlow[i];
    const svcCpu = appCpu[i] + svcIoCpu[i];
    const useDisk = db > 0;
    const useNet = nb > 0;
    sin.lambda = lambda;
    sin.useDisk = useDisk;
    sin.useNet = useNet;
    sin.useDom0 = dom0 && (useDisk || useNet);
    sin.sloMs = sloA[i];

    // Isolated: alone on the same host, same mode, well-behaved (its baseline, as [M07] measures).
    // A pure function of the plan, lambda and the base demands: kept while they do not change.
    let isoGood: number;
    let isoP: number;
    let isoKept = true;
    if (isoReady && lambda === isoLambda[i] && db === isoDisk[i] && nb === isoNet[i]) {
      isoGood = isoGoodA[i];
      isoP = isoP99[i];
    } else {
      isoKept = false;
      const dP = dPath[i],
        nP = nPath[i];
      const dIso = Math.min(db, dP, hostDisk);
      const nIso = Math.min(nb, nP, hostNet);
      const nativeIso = dIso * diskOpCpuS + nIso * netMbitCpu;
      const dom0Iso = dom0 ? nativeIso * dom0Factor : 0;
      const isoDom0Scale = dom0Iso > dom0Vcpus ? dom0Vcpus / dom0Iso : 1;
      const svcIso = baseCpu[i] + nativeIso * ioCpuFactor * selfShare;
      const isoAvail = Math.min(cpuLimit[i], cores - Math.min(dom0Vcpus, dom0Iso)) * eCpu;
      const msi = memSlowIso[i];
      let isoRho = 0;
      if (isoAvail > 0) isoRho = (svcIso * msi) / isoAvail;
      else if (svcIso > 0) isoRho = Infinity;
      sin.rhoCpu = isoRho;
      sin.rhoDisk = useDisk ? (db * msi) / (Math.min(dP, hostDisk) * isoDom0Scale) : 0;
      sin.rhoNet = useNet ? (nb * msi) / (Math.min(nP, hostNet) * isoDom0Scale) : 0;
      sin.uDisk = dIso / hostDisk;
      sin.uNet = nIso / hostNet;
      sin.uDom0 = dom0 ? Math.min(1, dom0Iso / Math.max(dom0Vcpus, 1e-9)) : 0;
      sin.extraMs = useNet ? rttMs : 0;
      sin.netExtraMs = sin.extraMs;
      sin.backlog = 0;
      evaluate(sin, sout);
      isoGood = sout.throughput * sout.goodFraction;
      isoP = sout.latencyP99Ms;
      isoLambda[i] = lambda;
      isoDisk[i] = db;
      isoNet[i] = nb;
      isoGoodA[i] = isoGood;
      isoP99[i] = isoP;
    }

    if (up_[i] > 0) {
      // Actual. The service gets the VPS's CPU headroom minus what its own storm or flood I/O burns.
      const avail = (Math.max(0, cpuHead - faultIoCpu[i]) * eCpu) / sl;
      // Conditionals mixing Infinity and computed doubles are written as statements: as
      // expressions, V8 boxes the result on the heap every time.
      let rhoCpu = 0;
      if (avail > 0) rhoCpu = (svcCpu * slowAll) / avail;
      else if (svcCpu > 0) rhoCpu = Infinity;
      // A storm or flood in the same guest shares the guest's device headroom with its service.
      let rhoDisk = 0;
      let rhoNet = 0;
      if (useDisk) {
        const dSvc = diskAvail[i] * baseFraction(db, diskFault[i] * faultIoScale[i]);
        if (dSvc > 0) rhoDisk = (db * slowAll) / dSvc;
        else rhoDisk = Infinity;
      }
      if (useNet) {
        const nSvc = netAvail[i] * baseFraction(nb, netFault[i] * faultIoScale[i]);
        if (nSvc > 0) rhoNet = (nb * slowAll) / nSvc;
        else rhoNet = Infinity;
      }
      const extraMs = (useNet ? rttMs : 0) + wait;
      // Fork bomb: the service keeps only a share of its capacity (0: hung).
      if (sf < 1) {
        if (sf > 0) rhoCpu = rhoCpu / sf;
        else rhoCpu = Infinity;
      }
      const backlog = backlogA[i];
      const key = 1 | (useDisk ? 2 : 0) | (useNet ? 4 : 0);
      if (
        keepAll &&
        isoKept &&
        svcBacklog[i] === backlog &&
        svcRhoCpu[i] === rhoCpu &&
        svcKey[i] === key &&
        svcLambda[i] === lambda &&
        svcRhoDisk[i] === rhoDisk &&
        svcRhoNet[i] === rhoNet &&
        svcExtraMs[i] === extraMs &&
        backlog === mBacklog[i]
      ) {
        // Same inputs, same backlog in as out last tick: last tick's outcome stands.
        if (stateCode[i] !== STATE_DNR) running++;
      } else {
        svcKey[i] = key;
        svcLambda[i] = lambda;
        svcRhoCpu[i] = rhoCpu;
        svcRhoDisk[i] = rhoDisk;
        svcRhoNet[i] = rhoNet;
        svcExtraMs[i] = extraMs;
        svcBacklog[i] = backlog;
        sin.rhoCpu = rhoCpu;
        sin.rhoDisk = rhoDisk;
        sin.rhoNet = rhoNet;
        sin.uDisk = uDisk;
        sin.uNet = uNet;
        sin.uDom0 = uDom0;
        sin.extraMs = extraMs;
        sin.netExtraMs = useNet ? rttMs : 0;
        sin.backlog = backlog;
        evaluate(sin, sout);
        const dnr = sout.dnr;
        const thr = sout.throughput,
          gf = sout.goodFraction,
          er = sout.errorRate,
          p99 = sout.latencyP99Ms,
          bl = sout.backlog;
        backlogA[i] = bl;
        mThroughput[i] = thr;
        mMean[i] = sout.latencyMeanMs;
        mP99[i] = p99;
        mP95[i] = sout.latencyP95Ms;
        mDiskLat[i] = sout.diskLatencyMs;
        mError[i] = er;
        mGoodFraction[i] = dnr ? 0 : gf;
        mBacklog[i] = bl;
        const good = dnr ? 0 : thr * gf;
        goodA[i] = good;
        const deg = isoGood > 0 ? Math.min(1, Math.max(0, 1 - good / isoGood)) : 0;
        mDegradation[i] = deg;
        let code = STATE_RUNNING;
        if (dnr) code = STATE_DNR;
        else if (deg > 0.05 || er > 0.01 || p99 > 2 * Math.max(1, isoP)) code = STATE_DEGRADED;
        stateCode[i] = code;
        mHealth[i] =
          code === STATE_DNR
            ? 0
            : Math.round(
                100 *
                  (1 - deg) *
                  (1 - Math.min(1, er)) *
                  Math.min(1, 0.5 + 0.5 * (1 - Math.min(1, (p99 / Math.max(1, isoP) - 1) / 9))),
              );
        if (code !== STATE_DNR) running++;
      }
    } else {
      svcKey[i] = 0;
      backlogA[i] = 0;
      mThroughput[i] = 0;
      mMean[i] = 0;
      mP99[i] = 0;
      mP95[i] = 0;
      mDiskLat[i] = 0;
      mError[i] = lambda > 0 ? 1 : 0;
      mGoodFraction[i] = 0;
      mBacklog[i] = 0;
      goodA[i] = 0;
      mDegradation[i] = lambda > 0 ? 1 : 0;
      mHealth[i] = 0;
      stateCode[i] = downCode;
    }
    if (isoGood > 0) {
      const x = goodA[i] / isoGood;
      jainSum += x;
      jainSq += x * x;
      jainN++;
    }
  }
  w.isoReady = true;
  w.host.running = running;
  w.host.fairness = jainN > 0 && jainSq > 0 ? (jainSum * jainSum) / (jainN * jainSq) : 1;
}

function baseFraction(base: number, fault: number): number {
  return base + fault > 0 ? base / (base + fault) : 1;
}
