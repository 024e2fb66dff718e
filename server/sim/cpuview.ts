/**
 * What a tick's CPU split means (model spec §3, §6): tick-wide totals (Σ granted, idle cores, what
 * the run queue holds, memory-bandwidth pressure), then per VPS its CPU metrics, its CPU headroom,
 * its scheduler wait and its cache slowdown.
 */
import * as headMod from './cpuheadroom.js';
import * as vcpuHeadMod from './vcpuheadroom.js';
import * as waitMod from './schedwait.js';
import type { SimState } from './state.js';
import type { ServiceContext, Work } from './work.js';

const { domainHeadroom } = headMod;
const { vcpuHeadroom } = vcpuHeadMod;
const { wakeWaitMs, guestWakes, dom0Wakes, credited } = waitMod;

/**
 * Tick-wide CPU and cache figures (one pass): Σ granted, idle cores, what the run queue holds for
 * the scheduler wait (schedwait.ts), Dom0's wake-up wait, and each VPS's memory-bandwidth pressure
 * with their sum. Returns Σ granted (guests, Dom0, host OS); the rest goes into `ctx`.
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
    pressure = s.pressure,
    weight = s.weight,
    vcpusA = w.plan.vcpus;
  const level = w.shared.level;
  const dom0Got = w.shared.dom0Got,
    dom0Work = w.shared.dom0Work,
    hostOsCpu = w.shared.hostOsCpu;
  const KNOBS = st.params;
  const memBw = KNOBS.memBwPerCoreGBs,
    hostBw = host.memBwGBs,
    thrashP = KNOBS.cacheThrashPressure;
  const share = p.cpuPolicy === 'share',
    domainW = p.cpuWeighting === 'domain';
  const slice = p.schedSliceMs,
    burst = Math.min(slice, KNOBS.cpuStageMs);
  const cpuLimit = s.cpuLimit,
    bgCpu = s.bgCpu;
  // No fault this tick: no hog's background CPU, no cache thrashing (both arrays hold zeros).
  const quiet = w.faultDemandsZero;
  const contended = share && Number.isFinite(level);
  // Credits are shared by weight (per vCPU under flat weighting) among the guests that are up and
  // Dom0, whatever each asks: an entity's fair share of the cores the share splits is its weight's
  // part of them, so one neighbour asking for more never lowers another's.
  let weights = 0;
  if (share) {
    for (let i = 0; i < n; i++) if (up[i]) weights += domainW ? weight[i] : vcpusA[i];
    if (p.dom0) weights += domainW ? KNOBS.dom0Weight : p.dom0Vcpus;
  }
  const unit = weights > 0 ? Math.max(0, host.cores - hostOsCpu) / weights : 0;
  // Dom0 as a scheduling entity: a whole slice when it cannot keep up with its work, else a burst.
  const dom0Run = dom0Got >= dom0Work * 0.999 && dom0Work > 0 ? burst : slice;
  const dom0Credit = credited(
    domainW,
    dom0Got,
    cpuDemand[n],
    cpuLimit[n],
    domainW ? KNOBS.dom0Weight : p.dom0Vcpus,
    unit,
  );
  let sumGot = dom0Got + hostOsCpu;
  // The run queue: Σ core time × half its run, cores used with credit left (each entity's use up
  // to its fair share: a light waker queues behind that part), runnable vCPUs. A shared kernel's
  // receive softirq (host OS CPU here) runs in bursts and preempts: it is ahead of all.
  let held = 0,
    ahead = hostOsCpu,
    entities = 0;
  if (share) {
    held = hostOsCpu * burst * 0.5;
    if (dom0Got > 0) {
      held += dom0Got * dom0Run * 0.5;
      ahead += dom0Credit;
      entities += Math.ceil(dom0Got - 1e-9);
    }
  }
  let sumP = 0;
  for (let i = 0; i < n; i++) {
    const got = cpuGot[i];
    sumGot += got;
    if (share && got > 0) {
      const d = cpuDemand[i];
      const run = runLength(d, cpuLimit[i], quiet ? 0 : bgCpu[i], slice, burst);
      held += got * run * 0.5;
      ahead += credited(domainW, got, d, cpuLimit[i], domainW ? weight[i] : vcpusA[i], unit);
      entities += Math.ceil(d - 1e-9);
    }
    // Cache and memory-bandwidth interference (model spec §6, every mode).
    const pj = Math.min(1, (got * memBw) / hostBw + (quiet ? 0 : thrash[i]) * thrashP);
    const pr = up[i] ? pj : 0;
    pressure[i] = pr;
    sumP += pr;
  }
  ctx.contended = contended;
  ctx.idle = Math.max(0, host.cores - sumGot);
  ctx.fairUnit = unit;
  ctx.heldMs = held;
  ctx.aheadCores = ahead;
  ctx.runnable = entities;
  ctx.sumGot = sumGot;
  ctx.waitMs = 0;
  ctx.sumP = sumP;
  // A wake-up of Dom0's backend, for the requests whose path passes through it.
  ctx.dom0WaitMs =
    share && p.dom0
      ? wakeWaitMs(
          host.cores,
          contended,
          sumGot - dom0Got,
          held - dom0Got * dom0Run * 0.5,
          ahead - dom0Credit,
          entities - (dom0Got > 0 ? Math.ceil(dom0Got - 1e-9) : 0),
        )
      : 0;
  return sumGot;
}

/** How long one run of an entity lasts: a whole slice when CPU-bound (a hog, or all its vCPUs busy), else one burst. */
function runLength(demand: number, limit: number, bg: number, slice: number, burst: number): number {
  return bg > 0 || demand >= limit * 0.999 ? slice : burst;
}

/**
 * Per VPS: steal (its share's shortfall, and its wake-ups' scheduler wait), throttling, useful CPU, the CPU headroom the service may use (`s.cpuHead`), the
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
    cpuHeadA = s.cpuHead,
    lambdaA = s.lambda;
  const quiet = w.faultDemandsZero;
  const mSteal = m.cpuSteal,
    mThrottled = m.cpuThrottled,
    mUseful = m.cpuUseful,
    mWait = m.schedWaitMs;
  const share = p.cpuPolicy === 'share',
    domainW = p.cpuWeighting === 'domain',
    contended = ctx.contended;
  const level = w.shared.level,
    unit = ctx.fairUnit,
    heldMs = ctx.heldMs,
    aheadAll = ctx.aheadCores,
    runnable = ctx.runnable,
    sumGotAll = ctx.sumGot,
    sumP = ctx.sumP,
    dom0WaitMs = ctx.dom0WaitMs;
  const cores = st.host.cores;
  const diskBase = s.diskBase,
    netBase = s.netBase;
  const eCpu = p.eCpu,
    dom0 = p.dom0;
  const KNOBS = st.params;
  const sigmaScale = p.cachePartitioning ? KNOBS.cachePartitionScale : 1;
  const slice = p.schedSliceMs,
    burst = Math.min(slice, KNOBS.cpuStageMs);
  // Under a share: what each VPS would get asking for its whole limit (max-min, exact).
  if (share) {
    const charging = domainW && p.dom0Charging && p.dom0;
    const cnt = !charging && s.cpuDemand[n] > 0 ? n + 1 : n;
    const capacity = Math.max(0, cores - w.shared.hostOsCpu);
    if (domainW)
      domainHeadroom(
        n,
        cnt,
        cpuAvail,
        weight,
        cpuLimit,
        capacity,
        contended ? level : 1 / 0,
        cpuHeadA,
        w.headroom,
      );
    else vcpuHeadroom(n, cnt, cpuDemand, cpuLimit, vcpusA, capacity, cpuHeadA, w.vcpuHeadroom);
  }
  // Under fixed quotas beside a Dom0 short of idle cores: what a guest asking its whole quota gets
  // beside Dom0 and the others' grants (max-min by weight, as iocpu.ts split them).
  const quotaHead = !share && w.shared.quotaHead === true;
  if (quotaHead) {
    const capacity = Math.max(0, cores - w.shared.hostOsCpu);
    domainHeadroom(n, n + 1, s.vmNeed, weight, cpuLimit, capacity, w.shared.quotaLevel, cpuHeadA, w.headroom);
  }
  for (let i = 0; i < n; i++) {
    const vc = vcpusA[i];
    const d = cpuDemand[i];
    const lim = cpuLimit[i];
    const got = cpuGot[i];
    const capped = Math.min(d, lim);
    // Headroom: under a share what max-min gives the VPS asking for its whole limit (above);
    // under a quota its (possibly squeezed) cap, set by the CPU split. Only the service reads it.
    cpuHeadA[i] = share || quotaHead ? Math.max(got, cpuHeadA[i]) : cpuAvail[i];
    // (0 / vc is 0: the division is skipped when nothing is stolen or throttled.)
    const stolen = capped - got,
      over = d - capped;
    let steal = 0,
      throttled = 0;
    if (!(stolen <= 0)) steal = Math.max(0, stolen) / vc;
    if (!(over <= 0)) throttled = Math.max(0, over) / vc;
    // Scheduler wait (model spec §3, schedwait.ts): at each wake-up on a request's path, every core
    // taken, by whom, for how much of its run, and who is queued ahead; its own runs do not count.
    let wait = 0;
    if (share && d > 0) {
      const run = runLength(d, lim, quiet ? 0 : bgCpuA[i], slice, burst);
      const ahead = aheadAll - credited(domainW, got, d, lim, domainW ? weight[i] : vc, unit);
      const active = Math.ceil(d - 1e-9);
      const wake = wakeWaitMs(
        cores,
        contended,
        sumGotAll - got,
        heldMs - got * run * 0.5,
        ahead,
        runnable - active,
      );
      const useDisk = diskBase[i] > 0,
        useNet = netBase[i] > 0;
      const gw = guestWakes(useDisk);
      wait = gw * wake + (dom0 ? dom0Wakes(useDisk, useNet) * dom0WaitMs : 0);
      // That wait is steal too (§3: runnable, not running, because of others): a blocked vCPU woken
      // by a request waits `wake` before it runs. Its ⌈d⌉ busy vCPUs are blocked for ⌈d⌉ − d of
      // their time; wake-ups arrive at λ × guest wake-ups, and only one that finds its vCPU blocked
      // makes it wait, so the waiting part is x ÷ (1 + x) of the blocked time, x the wake-ups
      // during one wait. (Dom0's wake-ups wait in Dom0, while the guest's vCPU sleeps on its I/O.)
      const blocked = (active < vc ? active : vc) - d;
      if (wake > 0 && blocked > 0) {
        const x = (lambdaA[i] * gw * wake) / (1000 * active);
        steal += (blocked * x) / (1 + x) / vc;
      }
    }
    mSteal[i] = steal;
    mThrottled[i] = throttled;
    mWait[i] = wait;
    // Cache slowdown.
    const sl = 1 + sens[i] * sigmaScale * Math.min(1, Math.max(0, sumP - pressure[i]));
    slow[i] = sl;
    mUseful[i] = (got * eCpu) / sl;
  }
}
