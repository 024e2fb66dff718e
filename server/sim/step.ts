/**
 * One tick of the contention model. Reads the profile's fields (never a mode id), writes the
 * metric arrays of `Work`. Order: faults and workload → memory → I/O and CPU (two passes, so
 * I/O limited by a guest's own CPU feeds back into Dom0 and the devices) → cache → service →
 * isolated counterfactual → states and host figures.
 */
import { KNOBS as KNOBS_IMPORT } from './knobs.js';
import * as faultsMod from './faults.js';
import type { Note } from './faults.js';
import * as allocMod from './allocate.js';
import * as serviceMod from './service.js';
import * as rngMod from './rng.js';
import * as stateMod from './state.js';
import type { SimState } from './state.js';
import * as workloadMod from './workload.js';
import * as codes from './work.js';
import type { Work } from './work.js';

// Module-local copies: imported bindings are read through getters by some loaders, too slow for the hot loop.
const KNOBS = { ...KNOBS_IMPORT };
const { STATE_DEGRADED, STATE_DNR, STATE_DOWN, STATE_REBOOTING, STATE_RUNNING } = codes;
const { advanceFaults, faultFlags } = faultsMod;
const { waterFillDomain, waterFillVcpu, headroomDomain, headroomVcpu, shareProportional } = allocMod;
const { evaluate, newServiceIn, newServiceOut } = serviceMod;
const { nextFloat } = rngMod;
const { cpuCapOf, sensitivityOf, ticksOf } = stateMod;
const { workloadMultiplier } = workloadMod;

const sin = newServiceIn();
const sout = newServiceOut();
/** Dom0's weight as a scheduling entity (Xen's default domain weight). */
const DOM0_WEIGHT = 256;

/** Computes tick `st.tick` into `w`, then advances `st.tick`. Notes (OOM kills, reboots) go to `notes`. */
export function computeTick(st: SimState, w: Work, notes: Note[]): void {
  const n = st.vps.length;
  const p = st.profile;
  const host = st.host;
  const dt = st.tickMs / 1000;
  const s = w.s;
  const m = w.m;
  const dyn = st.dyn;

  advanceFaults(st, notes);
  const flags = faultFlags(st, w);
  const hostDown = flags.hostDown;
  const dom0Down = flags.dom0Down;

  // --- Demands -------------------------------------------------------------------------------
  for (let i = 0; i < n; i++) {
    const v = st.vps[i];
    const ownDown = s.panic[i] > 0 || dyn.downUntil[i] > st.tick;
    const up = !hostDown && !flags.kernelDown && !ownDown;
    s.up[i] = up ? 1 : 0;
    const mult = workloadMultiplier(st, i, v.profile);
    const l = v.load;
    const lc = Math.min(4, l.cpu * mult), ld = Math.min(4, l.disk * mult), ln = Math.min(4, l.net * mult);
    s.lambda[i] = KNOBS.rpsPerVcpu * v.vcpus * Math.max(lc, ld, ln);
    if (s.leakRate[i] > 0 && up) dyn.leakGiB[i] += s.leakRate[i] * dt;
    s.memDemand[i] = up ? l.mem * v.ramGiB + dyn.leakGiB[i] : 0;
    s.appCpu[i] = up ? lc * v.vcpus : 0;
    s.bgCpu[i] = up && (s.hog[i] > 0 || s.bomb[i] > 0) ? v.vcpus * Math.max(s.hog[i], s.bomb[i] > 0 ? 1 : 0) : 0;
    s.diskBase[i] = up ? ld * v.diskIops : 0;
    s.diskFault[i] = up ? s.storm[i] * KNOBS.ioStormFactor * v.diskIops : 0;
    s.netBase[i] = up ? ln * v.netMbps : 0;
    s.netFault[i] = up ? Math.min(host.netMbps, s.flood[i] * host.netMbps) : 0;
    s.cpuLimit[i] = cpuCapOf(v);
    s.weight[i] = v.weight;
    s.faultIoScale[i] = 1;
    // A fork bomb fills the process table: a guest kernel hangs; a container stopped by its pids.max keeps a little.
    s.serviceFactor[i] = !up ? 0 : s.bomb[i] > 0 ? (p.sharedKernel && p.forkBombRadius === 'guest' ? KNOBS.forkBombLimitedService : 0) : 1;
  }

  const memStalled = memory(st, w, notes);
  const hung = flags.kernelHung || memStalled;

  // --- I/O and CPU, two passes ---------------------------------------------------------------
  let dom0Got = 0, dom0Work = 0, hostOsCpu = 0, level = Infinity;
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < n; i++) {
      const v = st.vps[i];
      const dCap = p.diskCap ? v.diskIops * p.eDisk : host.diskIops * p.eDisk;
      const nCap = p.netCap ? v.netMbps : host.netMbps;
      s.diskWant[i] = Math.min(s.diskBase[i] + s.diskFault[i] * s.faultIoScale[i], dCap);
      s.netWant[i] = Math.min(s.netBase[i] + s.netFault[i] * s.faultIoScale[i], nCap);
    }
    share(p.diskSharing, n, s.diskWant, host.diskIops, s.diskServed, s.cpuFair);
    share(p.netSharing, n, s.netWant, host.netMbps, s.netServed, s.cpuFair);
    const ioOn = dom0Down ? 0 : 1;
    dom0Work = 0;
    let hostOsNative = 0;
    for (let i = 0; i < n; i++) {
      const native = ioOn * (s.diskServed[i] * KNOBS.diskOpCpuS + s.netServed[i] * KNOBS.netMbitCpu);
      s.dom0Cause[i] = p.dom0 ? native * p.dom0IoFactor : 0;
      dom0Work += s.dom0Cause[i];
      hostOsNative += native;
      // The guest pays its own I/O cost (less what a host OS runs outside its quota).
      const self = native * p.ioCpuFactor * (1 - p.hostOsIoShare);
      const want = s.diskBase[i] + s.diskFault[i] * s.faultIoScale[i] + s.netBase[i] + s.netFault[i] * s.faultIoScale[i];
      const baseShare = want > 0 ? (s.diskBase[i] + s.netBase[i]) / want : 1;
      s.svcIoCpu[i] = self * baseShare;
      s.faultIoCpu[i] = self * (1 - baseShare);
      s.cpuDemand[i] = Math.min(v_vcpus(st, i), s.appCpu[i] + s.bgCpu[i] + s.svcIoCpu[i] + s.faultIoCpu[i]);
    }
    hostOsCpu = p.hostOs ? Math.min(host.cores, hostOsNative * p.ioCpuFactor * p.hostOsIoShare) : 0;
    const dom0Want = p.dom0 && !dom0Down ? Math.min(p.dom0Vcpus, dom0Work) : 0;
    const capacity = Math.max(0, host.cores - hostOsCpu);
    if (p.cpuPolicy === 'share') {
      // Dom0 is one more scheduling entity (slot n), with Xen's default weight.
      s.cpuDemand[n] = dom0Want;
      s.cpuLimit[n] = Math.max(p.dom0Vcpus, 1);
      s.weight[n] = DOM0_WEIGHT;
      const cnt = dom0Want > 0 ? n + 1 : n;
      if (dom0Want <= 0) s.cpuGot[n] = 0;
      if (p.cpuWeighting === 'domain') {
        for (let i = 0; i < cnt; i++) s.cpuAvail[i] = Math.min(s.cpuDemand[i], s.cpuLimit[i]);
        level = waterFillDomain(cnt, s.cpuAvail, s.weight, capacity, s.cpuGot, st.cpuLevel);
      } else {
        level = waterFillVcpu(cnt, s.cpuDemand, s.cpuLimit, capacity, s.cpuGot, st.cpuLevel);
      }
      st.cpuLevel = Number.isFinite(level) ? level : 0;
      dom0Got = s.cpuGot[n] * (dom0Want > 0 ? 1 : 0);
    } else {
      // Fixed quotas: each VPS gets min(demand, cap). Privileged work (a host OS, a Dom0) runs on
      // idle cores first; only what idle capacity cannot hold squeezes the guests' quotas.
      let sumGotQ = 0;
      for (let i = 0; i < n; i++) {
        s.cpuGot[i] = Math.min(s.cpuDemand[i], s.cpuLimit[i]);
        sumGotQ += s.cpuGot[i];
      }
      dom0Got = Math.min(dom0Want, host.cores);
      const deficit = Math.max(0, sumGotQ + dom0Got + hostOsCpu - host.cores);
      const squeeze = deficit > 0 && sumGotQ > 0 ? Math.max(0, (sumGotQ - deficit) / sumGotQ) : 1;
      for (let i = 0; i < n; i++) {
        s.cpuGot[i] *= squeeze;
        s.cpuAvail[i] = s.cpuLimit[i] * squeeze;
      }
      level = Infinity;
    }
    if (pass === 0) {
      // Inside the guest, storm/flood I/O runs in kernel context and shares the CPU with the
      // service in proportion to demand; a pure compute hog yields to both (it is background work).
      let changed = false;
      for (let i = 0; i < n; i++) {
        const svc = s.appCpu[i] + s.svcIoCpu[i];
        const io = s.faultIoCpu[i];
        if (io <= 0) continue;
        s.faultIoScale[i] = Math.min(1, s.cpuGot[i] / (svc + io));
        if (s.faultIoScale[i] < 1) changed = true;
      }
      // The second pass only matters when some storm or flood was held back by its guest's CPU.
      if (!changed) break;
    }
  }
  // What each VPS could get on each device (its headroom), before Dom0 has its say.
  let preDisk = 0, preNet = 0;
  for (let i = 0; i < n; i++) {
    preDisk += s.diskServed[i];
    preNet += s.netServed[i];
  }
  for (let i = 0; i < n; i++) {
    const v = st.vps[i];
    const dPath = p.diskCap ? v.diskIops * p.eDisk : host.diskIops * p.eDisk;
    const nPath = p.netCap ? v.netMbps : host.netMbps;
    s.diskAvail[i] = deviceHeadroom(p.diskSharing, s.diskServed[i], s.diskWant[i], dPath, host.diskIops, preDisk);
    s.netAvail[i] = deviceHeadroom(p.netSharing, s.netServed[i], s.netWant[i], nPath, host.netMbps, preNet);
  }
  // Dom0 saturation: every guest's I/O scales by capacity/work (model spec §5); a dead Dom0 serves nothing.
  const dom0Scale = dom0Down ? 0 : p.dom0 && dom0Work > 0 ? Math.min(1, dom0Got / dom0Work) : 1;
  if (dom0Scale < 1) {
    for (let i = 0; i < n; i++) {
      s.diskServed[i] *= dom0Scale;
      s.netServed[i] *= dom0Scale;
      s.diskAvail[i] *= dom0Scale;
      s.netAvail[i] *= dom0Scale;
    }
  }

  // --- CPU metrics, headroom, scheduler wait --------------------------------------------------
  let sumGot = dom0Got + hostOsCpu;
  let runnable = dom0Got > 0 ? (p.cpuWeighting === 'domain' ? 1 : Math.ceil(dom0Got)) : 0;
  for (let i = 0; i < n; i++) {
    sumGot += s.cpuGot[i];
    if (s.cpuDemand[i] > 0) runnable += p.cpuWeighting === 'domain' ? 1 : Math.ceil(s.cpuDemand[i]);
  }
  const idle = Math.max(0, host.cores - sumGot);
  const contended = p.cpuPolicy === 'share' && Number.isFinite(level);
  const waitMs = contended ? Math.max(0, runnable / host.cores - 1) * (p.schedSliceMs / 2) : 0;
  let sumW = 0;
  for (let i = 0; i < n; i++) sumW += s.weight[i];
  for (let i = 0; i < n; i++) {
    const v = st.vps[i];
    const d = s.cpuDemand[i];
    const lim = s.cpuLimit[i];
    const capped = Math.min(d, lim);
    if (p.cpuPolicy === 'share') {
      if (!contended) s.cpuAvail[i] = Math.min(lim, s.cpuGot[i] + idle);
      else
        s.cpuAvail[i] = Math.max(
          s.cpuGot[i],
          p.cpuWeighting === 'domain' ? headroomDomain(s.weight[i], lim, level) : headroomVcpu(v.vcpus, lim, level),
        );
      s.cpuFair[i] = (host.cores * s.weight[i]) / (sumW || 1);
    } else s.cpuFair[i] = s.cpuAvail[i];
    m.cpuDemand[i] = d;
    m.cpuGranted[i] = s.cpuGot[i];
    m.cpuSteal[i] = Math.max(0, capped - s.cpuGot[i]) / v.vcpus;
    m.cpuThrottled[i] = Math.max(0, d - capped) / v.vcpus;
    m.schedWaitMs[i] = d > 0 ? waitMs : 0;
  }

  // --- Cache and memory bandwidth (every mode) ------------------------------------------------
  let sumP = 0;
  for (let i = 0; i < n; i++) {
    const pj = Math.min(1, (s.cpuGot[i] * KNOBS.memBwPerCoreGBs) / host.memBwGBs + s.thrash[i] * KNOBS.cacheThrashPressure);
    s.pressure[i] = s.up[i] ? pj : 0;
    sumP += s.pressure[i];
  }
  const sigmaScale = p.cachePartitioning ? KNOBS.cachePartitionScale : 1;
  for (let i = 0; i < n; i++) {
    s.slow[i] = 1 + sensitivityOf(st.vps[i]) * sigmaScale * Math.min(1, Math.max(0, sumP - s.pressure[i]));
    m.cpuUseful[i] = (s.cpuGot[i] * p.eCpu) / s.slow[i];
  }

  // --- Device utilizations --------------------------------------------------------------------
  let sumDisk = 0, sumNet = 0;
  for (let i = 0; i < n; i++) {
    sumDisk += s.diskServed[i];
    sumNet += s.netServed[i];
  }
  const uDisk = Math.min(1, sumDisk / host.diskIops);
  const uNet = Math.min(1, sumNet / host.netMbps);
  const uDom0 = p.dom0 && p.dom0Vcpus > 0 ? Math.min(1, dom0Work / p.dom0Vcpus) : 0;

  // --- Service, isolated counterfactual, states -----------------------------------------------
  let running = 0, jainSum = 0, jainSq = 0, jainN = 0;
  for (let i = 0; i < n; i++) {
    const v = st.vps[i];
    const lambda = s.lambda[i];
    m.demandRps[i] = lambda;
    m.memDemandGiB[i] = s.memDemand[i];
    m.memResidentGiB[i] = s.resident[i];
    m.memSwappedGiB[i] = s.guestSwap[i];
    m.diskDemandIops[i] = s.diskBase[i] + s.diskFault[i];
    m.diskServedIops[i] = s.diskServed[i];
    m.netDemandMbps[i] = s.netBase[i] + s.netFault[i];
    m.netServedMbps[i] = s.netServed[i];
    const sloMs = v.sloMs ?? KNOBS.sloMs;
    const sf = hung ? 0 : s.serviceFactor[i];
    const slowAll = s.memSlow[i];
    const svcCpu = s.appCpu[i] + s.svcIoCpu[i];

    // Isolated: alone on the same host, same mode, well-behaved (its baseline, as [M07] measures).
    const dPath = p.diskCap ? v.diskIops * p.eDisk : host.diskIops * p.eDisk;
    const nPath = p.netCap ? v.netMbps : host.netMbps;
    const dIso = Math.min(s.diskBase[i], dPath, host.diskIops);
    const nIso = Math.min(s.netBase[i], nPath, host.netMbps);
    const nativeIso = dIso * KNOBS.diskOpCpuS + nIso * KNOBS.netMbitCpu;
    const dom0Iso = p.dom0 ? nativeIso * p.dom0IoFactor : 0;
    const isoDom0Scale = dom0Iso > p.dom0Vcpus ? p.dom0Vcpus / dom0Iso : 1;
    const svcIso = baseLoadCpu(st, i) + nativeIso * p.ioCpuFactor * (1 - p.hostOsIoShare);
    const isoAvail = Math.min(s.cpuLimit[i], host.cores - Math.min(p.dom0Vcpus, dom0Iso)) * p.eCpu;
    const memSlowIso = s.memSlowIso[i];
    sin.lambda = lambda;
    sin.rhoCpu = isoAvail > 0 ? (svcIso * memSlowIso) / isoAvail : svcIso > 0 ? Infinity : 0;
    sin.useDisk = s.diskBase[i] > 0;
    sin.useNet = s.netBase[i] > 0;
    sin.rhoDisk = sin.useDisk ? (s.diskBase[i] * memSlowIso) / (Math.min(dPath, host.diskIops) * isoDom0Scale) : 0;
    sin.rhoNet = sin.useNet ? (s.netBase[i] * memSlowIso) / (Math.min(nPath, host.netMbps) * isoDom0Scale) : 0;
    sin.uDisk = dIso / host.diskIops;
    sin.uNet = nIso / host.netMbps;
    sin.useDom0 = p.dom0 && (sin.useDisk || sin.useNet);
    sin.uDom0 = p.dom0 ? Math.min(1, dom0Iso / Math.max(p.dom0Vcpus, 1e-9)) : 0;
    sin.extraMs = sin.useNet ? p.netRttMs : 0;
    sin.sloMs = sloMs;
    sin.backlog = 0;
    sin.dtS = dt;
    evaluate(sin, sout);
    const isoGood = sout.throughput * sout.goodFraction;
    m.latencyP99IsolatedMs[i] = sout.latencyP99Ms;

    // Actual.
    // The service gets the VPS's CPU headroom minus what its own storm or flood I/O burns.
    const avail = (Math.max(0, s.cpuAvail[i] - s.faultIoCpu[i]) * p.eCpu) / s.slow[i];
    sin.rhoCpu = avail > 0 ? (svcCpu * slowAll) / avail : svcCpu > 0 ? Infinity : 0;
    const dAvail = s.diskAvail[i];
    const nAvail = s.netAvail[i];
    // A storm or flood in the same guest shares the guest's device headroom with its service.
    const dSvc = dAvail * baseFraction(s.diskBase[i], s.diskFault[i] * s.faultIoScale[i]);
    const nSvc = nAvail * baseFraction(s.netBase[i], s.netFault[i] * s.faultIoScale[i]);
    sin.rhoDisk = sin.useDisk ? (dSvc > 0 ? (s.diskBase[i] * slowAll) / dSvc : Infinity) : 0;
    sin.rhoNet = sin.useNet ? (nSvc > 0 ? (s.netBase[i] * slowAll) / nSvc : Infinity) : 0;
    sin.uDisk = uDisk;
    sin.uNet = uNet;
    sin.uDom0 = uDom0;
    sin.extraMs = (sin.useNet ? p.netRttMs : 0) + m.schedWaitMs[i];
    applyServiceFactor(sf);
    sin.backlog = dyn.backlog[i];
    const up = s.up[i] > 0;
    if (up) {
      evaluate(sin, sout);
      dyn.backlog[i] = sout.backlog;
      m.throughputRps[i] = sout.throughput;
      m.latencyMeanMs[i] = sout.latencyMeanMs;
      m.latencyP99Ms[i] = sout.latencyP99Ms;
      m.errorRate[i] = sout.errorRate;
      m.goodFraction[i] = sout.dnr ? 0 : sout.goodFraction;
      m.backlog[i] = sout.backlog;
      const good = sout.dnr ? 0 : sout.throughput * sout.goodFraction;
      s.good[i] = good;
      const deg = isoGood > 0 ? Math.min(1, Math.max(0, 1 - good / isoGood)) : 0;
      m.degradation[i] = deg;
      let code = STATE_RUNNING;
      if (sout.dnr) code = STATE_DNR;
      else if (deg > 0.05 || sout.errorRate > 0.01 || sout.latencyP99Ms > 2 * Math.max(1, m.latencyP99IsolatedMs[i])) code = STATE_DEGRADED;
      w.stateCode[i] = code;
      m.health[i] = code === STATE_DNR ? 0 : Math.round(100 * (1 - deg) * (1 - Math.min(1, sout.errorRate)) * Math.min(1, 0.5 + 0.5 * (1 - Math.min(1, (sout.latencyP99Ms / Math.max(1, m.latencyP99IsolatedMs[i]) - 1) / 9))));
      if (code !== STATE_DNR) running++;
    } else {
      dyn.backlog[i] = 0;
      m.throughputRps[i] = 0;
      m.latencyMeanMs[i] = 0;
      m.latencyP99Ms[i] = 0;
      m.errorRate[i] = lambda > 0 ? 1 : 0;
      m.goodFraction[i] = 0;
      m.backlog[i] = 0;
      s.good[i] = 0;
      m.degradation[i] = lambda > 0 ? 1 : 0;
      m.health[i] = 0;
      w.stateCode[i] = hostDown || flags.kernelDown ? STATE_DOWN : STATE_REBOOTING;
    }
    s.goodIso[i] = isoGood;
    if (isoGood > 0) {
      const x = s.good[i] / isoGood;
      jainSum += x;
      jainSq += x * x;
      jainN++;
    }
  }

  // --- Host -----------------------------------------------------------------------------------
  const h = w.host;
  h.cpuUtil = Math.min(1, sumGot / host.cores);
  let res = 0;
  for (let i = 0; i < n; i++) res += s.resident[i];
  h.memUsedGiB = Math.min(res, host.ramGiB);
  h.hostSwapGiB = w.shared.hostSwapGiB;
  h.diskUtil = uDisk;
  h.netUtil = uNet;
  h.dom0CpuUtil = p.dom0 && p.dom0Vcpus > 0 ? dom0Got / p.dom0Vcpus : 0;
  h.fairness = jainN > 0 && jainSq > 0 ? (jainSum * jainSum) / (jainN * jainSq) : 1;
  h.running = running;
  h.cpuIdleCores = idle;
  h.hostOsCpuUtil = hostOsCpu / host.cores;
  w.shared.diskU = uDisk;
  w.shared.netU = uNet;
  w.shared.dom0Scale = dom0Down ? 0 : dom0Scale;
  w.shared.dom0Work = dom0Work;
  w.shared.level = level;
  w.shared.kernelCulprit = flags.kernelCulprit;
  st.tick++;
}

function v_vcpus(st: SimState, i: number): number {
  return st.vps[i].vcpus;
}

function baseFraction(base: number, fault: number): number {
  return base + fault > 0 ? base / (base + fault) : 1;
}

/** CPU the service's own load asks for, without faults or noise. */
function baseLoadCpu(st: SimState, i: number): number {
  const v = st.vps[i];
  return Math.min(4, v.load.cpu) * v.vcpus;
}

/** Fork bomb: the service keeps only a share of its capacity (0: hung). */
function applyServiceFactor(sf: number): void {
  if (sf >= 1) return;
  sin.rhoCpu = sf > 0 ? sin.rhoCpu / sf : Infinity;
}

/** What a VPS could get on a device: what it is served when it wants more, else served plus the idle rest (up to its path). */
function deviceHeadroom(sharing: 'maxmin' | 'proportional', served: number, want: number, path: number, cap: number, sum: number): number {
  void sharing;
  if (want > served * (1 + 1e-12)) return served;
  return Math.min(path, served + Math.max(0, cap - sum));
}

function share(kind: 'maxmin' | 'proportional', n: number, want: Float64Array, capacity: number, out: Float64Array, ones: Float64Array): void {
  if (kind === 'proportional') {
    shareProportional(n, want, capacity, out);
    return;
  }
  ones.fill(1, 0, n);
  waterFillDomain(n, want, ones, capacity, out, 0);
}

/** Memory (model spec §4): resident, guest swap and OOM, host swap and the host OOM killer. */
function memory(st: SimState, w: Work, notes: Note[]): boolean {
  const n = st.vps.length;
  const p = st.profile;
  const s = w.s;
  const dyn = st.dyn;
  const ram = st.host.ramGiB;
  let sumRes = 0;
  for (let i = 0; i < n; i++) {
    const v = st.vps[i];
    const d = s.memDemand[i];
    const capped = p.memPolicy !== 'shared';
    s.resident[i] = capped ? Math.min(d, v.ramGiB) : d;
    s.guestSwap[i] = capped ? Math.max(0, d - v.ramGiB) : 0;
    if (capped && s.guestSwap[i] > KNOBS.guestSwapRatio * v.ramGiB) {
      oomRestart(st, i, `out of memory inside ${v.id}: its OOM killer restarts the service`, notes);
      s.resident[i] = 0;
      s.guestSwap[i] = 0;
      s.memDemand[i] = 0;
      s.up[i] = 0;
      zeroDemand(w, i);
    }
    sumRes += s.resident[i];
  }
  let hostSwap = 0;
  let stalled = false;
  if (p.memPolicy === 'overcommit') hostSwap = Math.max(0, sumRes * (1 - KNOBS.pageSharing) - ram);
  else if (p.memPolicy === 'shared') {
    hostSwap = Math.max(0, sumRes - ram);
    const swapMax = KNOBS.hostSwapRatio * ram;
    if (st.stallUntil >= 0 && st.tick >= st.stallUntil) {
      // The OOM killer finally acts: it picks a process weighted by resident memory (a seeded choice).
      st.stallUntil = -1;
      let r = nextFloat(st.rng) * sumRes;
      let victim = n - 1;
      for (let i = 0; i < n; i++) {
        r -= s.resident[i];
        if (r < 0) {
          victim = i;
          break;
        }
      }
      const v = st.vps[victim];
      oomRestart(st, victim, `host out of memory: the kernel's OOM killer kills ${v.id}`, notes);
      sumRes -= s.resident[victim];
      s.resident[victim] = 0;
      s.up[victim] = 0;
      zeroDemand(w, victim);
      hostSwap = Math.max(0, sumRes - ram);
    } else if (hostSwap >= swapMax) {
      // RAM and swap exhausted with no memory.max: the one kernel thrashes in reclaim and every
      // container stalls until the OOM killer fires (kernel-resource exhaustion, model spec §2).
      if (st.stallUntil < 0) {
        st.stallUntil = st.tick + ticksOf(KNOBS.oomLivelockS, st.tickMs);
        notes.push({ tick: st.tick, kind: 'oom', message: 'host out of memory and swap: the shared kernel stalls in reclaim' });
      }
      stalled = true;
    }
    hostSwap = Math.min(swapMax, hostSwap);
  }
  w.shared.hostSwapGiB = hostSwap;
  const spill = hostSwap / ram;
  for (let i = 0; i < n; i++) {
    const v = st.vps[i];
    const own = s.guestSwap[i] / v.ramGiB;
    s.memSlow[i] = (1 + KNOBS.swapKappa * own) * (1 + KNOBS.swapKappa * spill);
    // Alone and well-behaved: its baseline memory, and only it could make the host swap.
    const base = v.load.mem * v.ramGiB;
    const baseRes = p.memPolicy === 'shared' ? base : Math.min(base, v.ramGiB);
    const ownIso = p.memPolicy === 'shared' ? 0 : Math.max(0, base - v.ramGiB) / v.ramGiB;
    const aloneSpill =
      p.memPolicy === 'shared'
        ? Math.max(0, baseRes - ram) / ram
        : p.memPolicy === 'overcommit'
          ? Math.max(0, baseRes * (1 - KNOBS.pageSharing) - ram) / ram
          : 0;
    s.memSlowIso[i] = (1 + KNOBS.swapKappa * ownIso) * (1 + KNOBS.swapKappa * aloneSpill);
    if (p.memPolicy === 'shared' && sumRes > 0) s.guestSwap[i] += (hostSwap * s.resident[i]) / sumRes;
  }
  void dyn;
  return stalled;
}

function zeroDemand(w: Work, i: number): void {
  const s = w.s;
  s.appCpu[i] = 0;
  s.bgCpu[i] = 0;
  s.diskBase[i] = 0;
  s.diskFault[i] = 0;
  s.netBase[i] = 0;
  s.netFault[i] = 0;
  s.serviceFactor[i] = 0;
}

function oomRestart(st: SimState, i: number, message: string, notes: Note[]): void {
  st.dyn.downUntil[i] = st.tick + ticksOf(KNOBS.oomRestartS, st.tickMs);
  st.dyn.leakGiB[i] = 0;
  st.dyn.backlog[i] = 0;
  notes.push({ tick: st.tick, kind: 'oom', message });
}
