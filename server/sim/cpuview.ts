/**
 * What a tick's CPU split means (model spec §3, §6): tick-wide totals (Σ granted, idle cores, the
 * chance a waking vCPU finds every core taken, memory-bandwidth pressure), then per VPS its CPU
 * metrics, its CPU headroom, its scheduler wait and its cache slowdown.
 */
import * as allocMod from './allocate.js';
import type { SimState } from './state.js';
import type { ServiceContext, Work } from './work.js';

const { headroomVcpu } = allocMod;

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

/** How long one run of an entity lasts: a whole slice when CPU-bound (a hog, or all its vCPUs busy), else one burst. */
function runLength(demand: number, limit: number, bg: number, slice: number, burst: number): number {
  return bg > 0 || demand >= limit * 0.999 ? slice : burst;
}

/**
 * Per VPS: steal, throttling, useful CPU, the CPU headroom the service may use (`s.cpuHead`), the
 * scheduler wait (`schedWaitMs`) and the cache slowdown (`s.slow`).
 */
export function cpuOutcome(st: SimState, w: Work, ctx: ServiceContext): void {
  const n = st.vps.length;
  const p = st.profile;
  const s = w.s;
  const m = w.m;
  const vcpusA = w.plan.vcpus,
    sens = w.plan.sensitivity;
  const cpuLimit = s.cpuLimit,
    cpuAvail = s.cpuAvail,
    weight = s.weight,
    cpuDemand = s.cpuDemand,
    cpuGot = s.cpuGot,
    pressure = s.pressure,
    bgCpuA = s.bgCpu,
    slow = s.slow,
    cpuHeadA = s.cpuHead;
  const mSteal = m.cpuSteal,
    mThrottled = m.cpuThrottled,
    mUseful = m.cpuUseful,
    mWait = m.schedWaitMs;
  const share = p.cpuPolicy === 'share',
    domainW = p.cpuWeighting === 'domain',
    contended = ctx.contended;
  const level = w.shared.level,
    idle = ctx.idle,
    busyP = ctx.busyP,
    heldMs = ctx.heldMs,
    sumGotAll = ctx.sumGot,
    sumP = ctx.sumP;
  const eCpu = p.eCpu;
  const KNOBS = st.params;
  const sigmaScale = p.cachePartitioning ? KNOBS.cachePartitionScale : 1;
  const slice = p.schedSliceMs,
    burst = Math.min(slice, KNOBS.cpuStageMs);
  for (let i = 0; i < n; i++) {
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
    cpuHeadA[i] = cpuHead;
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
  }
}
