/**
 * The isolated counterfactual (model spec §7): each VPS alone on the same host, same mode,
 * well-behaved (its [M07] baseline): its good throughput and p99. Alone, a VPS may still be
 * overloaded by its own load, so the counterfactual carries its own backlog (and its oldest
 * request's age). Without a backlog it is a pure function of the plan, the request rate and the
 * base device demands, so it is kept per VPS and recomputed only when they change.
 */
import { waterFillDomain, waterFillVcpu } from './allocate.js';
import { aloneHeads } from './backends.js';
import { ADMISSION_EPS } from './profiles.js';
import * as nicMod from './nicqueue.js';
import * as journalMod from './journal.js';
import * as serviceMod from './service.js';
import * as swapMod from './swapfault.js';
import * as waitMod from './schedwait.js';
import type { SimState } from './state.js';
import { ISO_DRAIN_SLOTS, type Work } from './work.js';

const { evaluate } = serviceMod;
const { nicQueueDelayMs } = nicMod;
const { swapFaultMs } = swapMod;
const { journalWaitMs, ownDrainMs } = journalMod;
const { wakeWaitMs, guestWakes, dom0Wakes, credited } = waitMod;
// Infinity and NaN are globals: read in a branch that never ran, V8 cannot fold them to constants
// and boxes every double merged with them on the heap. Hence 1 / 0 and 0 / 0 below: constant
// divisions fold (a module constant would not survive bundling, which makes it a mutable var).

/** Fills `w.isoGood` and `w.isoP99` for this tick; `w.isoKept[i]` says VPS i's result was reused. */
export function isolated(st: SimState, w: Work): void {
  const n = st.vps.length;
  const p = st.profile;
  const host = st.host;
  const s = w.s;
  const pl = w.plan;
  const lambdaA = s.lambda,
    diskBase = s.diskBase,
    netBase = s.netBase,
    cpuLimit = s.cpuLimit;
  const isoReady = w.isoReady === true;
  const isoLambda = w.isoLambda,
    isoCpu = w.isoCpu,
    isoDisk = w.isoDisk,
    isoNet = w.isoNet,
    isoGoodA = w.isoGood,
    isoP99 = w.isoP99,
    isoKept = w.isoKept;
  const sloA = pl.sloMs,
    memSlowIso = pl.memSlowIso,
    loadCpu = pl.loadCpu,
    vcpusA = pl.vcpus,
    mults = s.mult,
    dPath = pl.dPath,
    nPath = pl.nPath;
  // (Booleans compared with true: a read of a boolean is otherwise a generic truthiness test.)
  const dom0 = p.dom0 === true,
    dom0Factor = p.dom0IoFactor,
    ioCpuFactor = p.ioCpuFactor,
    selfShare = 1 - p.hostOsIoShare,
    hostOs = p.hostOs === true,
    hostOsFactor = p.ioCpuFactor * p.hostOsIoShare;
  const rttMs = p.netRttMs,
    eCpu = p.eCpu,
    dom0Vcpus = p.dom0Vcpus,
    sharedKernel = p.sharedKernel === true;
  const hostDisk = host.diskIops,
    hostNet = host.netMbps,
    cores = host.cores;
  const KNOBS = st.params;
  const diskOpCpuS = KNOBS.diskOpCpuS,
    netMbitCpu = KNOBS.netMbitCpu;
  const share = p.cpuPolicy === 'share',
    domainW = p.cpuWeighting === 'domain',
    dom0Weight = KNOBS.dom0Weight,
    weight = s.weight,
    slice = p.schedSliceMs,
    burst = Math.min(slice, KNOBS.cpuStageMs);
  const dom0Div = Math.max(dom0Vcpus, 1e-9);
  const dom0Cap = Math.max(dom0Vcpus, 1);
  const charged = dom0 && share && domainW && p.dom0Charging === true;
  // (Beside fixed quotas too: Dom0 short of idle cores shares them by weight, as iocpu.ts splits them.)
  const splitDom0 = dom0 && !charged;
  const splitDomainW = domainW || !share;
  const dom0Room = Math.min(dom0Vcpus, cores);
  const isoBacklogA = st.dyn.isoBacklog,
    isoAgeA = st.dyn.isoBacklogAge;
  const sin = w.sin,
    sout = w.sout;
  sin.dtS = st.tickMs / 1000;
  sin.params = KNOBS;
  // Alone, no storm's writeback shares the disk with it.
  sin.uDiskAsync = 0;
  const drainList = w.isoDrainList,
    drainVals = w.isoDrainVals,
    slots = ISO_DRAIN_SLOTS;
  let nDrain = 0;
  const notKept = 0 / 0;
  for (let i = 0; i < n; i++) {
    const lambda = lambdaA[i];
    const db = diskBase[i],
      nb = netBase[i];
    // Its own CPU load as this tick's workload profile makes it (a burst asks more CPU alone too).
    const cpu = Math.min(4, loadCpu[i] * mults[i]) * vcpusA[i];
    // (Each kept input is read and compared whatever the others say: a read or a comparison V8 never
    // saw run when it optimized this loop would throw the optimized code away when it first runs.)
    const keptLambda = isoLambda[i],
      keptCpu = isoCpu[i],
      keptDisk = isoDisk[i],
      keptNet = isoNet[i],
      isoBacklog = isoBacklogA[i];
    const same =
      (lambda === keptLambda ? 1 : 0) *
      (cpu === keptCpu ? 1 : 0) *
      (db === keptDisk ? 1 : 0) *
      (nb === keptNet ? 1 : 0) *
      (isoBacklog === 0 ? 1 : 0);
    const kept = isoReady && same === 1 ? 1 : 0;
    isoKept[i] = kept;
    if (kept === 1) continue;
    const useDisk = db > 0;
    const useNet = nb > 0;
    const dP = dPath[i],
      nP = nPath[i];
    const dIso = Math.min(db, dP, hostDisk);
    const nIso = Math.min(nb, nP, hostNet);
    const nativeIso = dIso * diskOpCpuS + nIso * netMbitCpu;
    const dom0Iso = dom0 ? nativeIso * dom0Factor : 0;
    const svcIso = cpu + nativeIso * ioCpuFactor * selfShare;
    // Alone, Dom0 is one more scheduling entity beside the VPS (model spec §3), as in the shared
    // run: it is granted its max-min share beside the VPS's own demand (under a fixed quota only
    // where idle cores do not hold both), and the VPS's CPU headroom is what it gets asking for
    // its whole limit beside Dom0.
    const dom0Want = Math.min(dom0Vcpus, dom0Iso);
    let hostOsWait = 0;
    let dom0Got = dom0Want,
      ownHead = Math.min(cpuLimit[i], cores - dom0Want);
    if (splitDom0 && dom0Want > 0) {
      const wOwn = splitDomainW ? weight[i] : 1,
        wDom0 = splitDomainW ? dom0Weight : 1;
      const lim = cpuLimit[i];
      // (Where both wants fit the cores, as on all but a small host, max-min gives each its want:
      // the water-fill would return exactly that, so it is run only where they do not.)
      const ownWant = Math.min(svcIso, lim);
      if (ownWant + dom0Want > cores)
        dom0Got = aloneSplit(w, splitDomainW, ownWant, lim, wOwn, dom0Want, dom0Cap, wDom0, cores, 1);
      ownHead =
        lim + dom0Want > cores
          ? aloneSplit(w, splitDomainW, lim, lim, wOwn, dom0Want, dom0Cap, wDom0, cores, 0)
          : lim;
    } else if (charged && dom0Iso > 0) {
      // Charged ([G06]): its own grant pays its backends' work, as chargeDom0 splits it.
      const lim = cpuLimit[i];
      dom0Got = chargedAlone(Math.min(svcIso, lim), dom0Iso, cores, dom0Room);
      ownHead = Math.min(lim, Math.min(lim + dom0Iso, cores) - chargedAlone(lim, dom0Iso, cores, dom0Room));
    } else if (hostOs && nativeIso > 0) {
      // Alone, a type-2 host OS still does its part of the VM's own I/O, as iocpu.ts runs it: under
      // a share off the cores before the VM's; under a fixed quota on idle cores, and where its quota
      // leaves none, out of the same cores (hostos.ts: the VM and its host-OS work scaled alike).
      const lim = cpuLimit[i];
      // (Under a share the host OS takes at most the cores; under a quota a VM's whole host-OS work
      // is weighed against its grant, as hostos.ts weighs it.)
      const hostWork = nativeIso * hostOsFactor;
      const hostCause = Math.min(cores, hostWork);
      if (share) {
        ownHead = Math.min(lim, cores - hostCause);
        // Its wake-ups wait behind the host OS's bursts as in the shared run (cpuview.ts).
        const contended = Math.min(svcIso, lim) > cores - hostCause;
        hostOsWait =
          guestWakes(useDisk) *
          wakeWaitMs(cores, contended, hostCause, hostCause * burst * 0.5, hostCause, 0);
      } else {
        const need = Math.min(svcIso, lim) + hostWork;
        if (need - cores > ADMISSION_EPS) ownHead = (lim * cores) / need;
      }
    }
    const dom0Held = dom0Got < dom0Want * (1 - 1e-9);
    const isoAvail = ownHead * eCpu;
    const msi = memSlowIso[i];
    let isoRho = 0;
    if (isoAvail > 0) isoRho = (svcIso * msi) / isoAvail;
    else if (svcIso > 0) isoRho = 1 / 0;
    sin.lambda = lambda;
    sin.useDisk = useDisk;
    sin.useNet = useNet;
    sin.useDom0 = dom0 && (useDisk || useNet);
    sin.sloMs = sloA[i];
    sin.rhoCpu = isoRho;
    // Headroom on each device alone: the whole device up to the plan's path; through Dom0, what
    // Dom0's vCPUs can carry for its blkback and its netback, max-min between the two (as
    // deviceHeadroom gives the shared run).
    let dHead = Math.min(dP, hostDisk),
      nHead = Math.min(nP, hostNet);
    // Where Dom0 cannot carry all its I/O, it carries what its grant (or its vCPUs) pays for.
    let dSrv = dIso,
      nSrv = nIso;
    if (dom0Iso > 0) {
      const cd = dIso * diskOpCpuS * dom0Factor,
        cn = nIso * netMbitCpu * dom0Factor;
      const carry = dom0Held ? dom0Got : dom0Vcpus;
      if (!dom0Held && cd + cn <= carry) {
        // Dom0 keeps up: each backend may grow into the spare, or to a fair half where both work
        // (in ops: served + spare ÷ the Dom0 cost of one, as deviceHeadroom counts it).
        const spare = carry - cd - cn;
        const fair = cd > 0 && cn > 0 ? carry / 2 : carry;
        if (cd > 0) {
          const kd = diskOpCpuS * dom0Factor;
          let h = dIso + spare / kd;
          if (fair / kd > h) h = fair / kd;
          if (h < dHead) dHead = h;
        }
        if (cn > 0) {
          const kn = netMbitCpu * dom0Factor;
          let h = nIso + spare / kn;
          if (fair / kn > h) h = fair / kn;
          if (h < nHead) nHead = h;
        }
      } else {
        const heads = w.isoHeads;
        aloneHeads(cd, cn, carry, heads);
        // Dom0 carries only that much of its I/O (held on the cores, or short of vCPUs for it): the
        // rest waits in its rings, and its devices and the NIC's queue see what Dom0 forwards.
        dSrv = dIso * heads[0];
        nSrv = nIso * heads[1];
        // A backend it holds back may grow no further; one it carries in full, to the max-min level
        // (what the held one gets) or a fair half, as backendLimits gives the shared run.
        const level = heads[0] < 1 ? (heads[1] < 1 ? carry / 2 : carry - cn) : carry - cd;
        const fair = cd > 0 && cn > 0 ? carry / 2 : carry;
        const most = level > fair ? level : fair;
        if (dIso > 0) {
          let h = dSrv;
          if (heads[0] >= 1 && most / (diskOpCpuS * dom0Factor) > h) h = most / (diskOpCpuS * dom0Factor);
          if (h < dHead) dHead = h;
        }
        if (nIso > 0) {
          let h = nSrv;
          if (heads[1] >= 1 && most / (netMbitCpu * dom0Factor) > h) h = most / (netMbitCpu * dom0Factor);
          if (h < nHead) nHead = h;
        }
      }
    }
    sin.rhoDisk = useDisk ? (dHead > 0 ? (db * msi) / dHead : 1 / 0) : 0;
    sin.rhoNet = useNet ? (nHead > 0 ? (nb * msi) / nHead : 1 / 0) : 0;
    sin.uDisk = dSrv / hostDisk;
    sin.uNet = nSrv / hostNet;
    // (A division by exactly 1, Dom0's one vCPU, is skipped: x / 1 is x.)
    let uDom0 = 0;
    if (dom0) uDom0 = Math.min(1, dom0Div === 1 ? dom0Iso : dom0Iso / dom0Div);
    sin.uDom0 = uDom0;
    // Alone, its replies wait only behind its own traffic in the NIC's transmit queue.
    const netMs = useNet
      ? rttMs + nicQueueDelayMs(nSrv, hostNet, KNOBS.nicQueuePackets, KNOBS.netPacketBytes)
      : 0;
    // Alone, only its own swapped pages fault, queueing at the disk behind its own I/O (§4).
    const fIso = pl.swapFracIso[i];
    const pages = KNOBS.swapPagesPerRequest;
    const swapMs =
      fIso > 0
        ? fIso *
          pages *
          swapFaultMs(lambda * fIso * pages, hostDisk, dSrv / hostDisk, KNOBS.swapReadMs, KNOBS.stageSlots)
        : 0;
    // Alone, the VPS still shares the cores with the Dom0 work its own I/O causes: the same
    // scheduler wait as in the shared run (schedwait.ts), with Dom0 the only other entity.
    let isoWait = 0;
    const dom0IsoGot = dom0Got;
    if (share && dom0IsoGot > 0 && svcIso > 0) {
      // Its runs, its credit and whether the cores are contended follow from what it asks, as in the
      // shared run (cpuview.ts): all its vCPUs busy run whole slices, whatever the cores grant them.
      // (Where Dom0 carries only part of its I/O, it pays its own I/O CPU for that part: iocpu.ts.)
      const asks =
        dSrv < dIso || nSrv < nIso
          ? cpu + (dSrv * diskOpCpuS + nSrv * netMbitCpu) * ioCpuFactor * selfShare
          : svcIso;
      const own = Math.min(asks, isoAvail / eCpu);
      const ownDemand = Math.min(asks, vcpusA[i]);
      const ownRun = ownDemand >= cpuLimit[i] * 0.999 ? slice : burst;
      const dom0Run = dom0IsoGot >= dom0Iso * 0.999 ? burst : slice;
      const contended = Math.min(ownDemand, cpuLimit[i]) + dom0Want > cores;
      // Fair shares of the two: the cores in proportion to their weights (per vCPU under flat weighting).
      const wOwn = domainW ? weight[i] : pl.vcpus[i],
        wDom0 = domainW ? dom0Weight : dom0Vcpus;
      const unit = cores / (wOwn + wDom0);
      const ownCredit = credited(domainW, own, ownDemand, cpuLimit[i], wOwn, unit),
        dom0Credit = credited(domainW, dom0IsoGot, dom0Want, dom0Vcpus, wDom0, unit);
      const wGuest = waitBehind(cores, contended, dom0IsoGot, dom0Run, dom0Credit, dom0IsoGot);
      const wDom0Wake = waitBehind(cores, contended, own, ownRun, ownCredit, ownDemand);
      isoWait = guestWakes(useDisk) * wGuest + dom0Wakes(useDisk, useNet) * wDom0Wake;
    }
    isoWait += hostOsWait;
    sin.extraMs = netMs + isoWait + swapMs;
    sin.netExtraMs = netMs;
    // Alone, the journal carries only its own writes.
    sin.journalMs = sharedKernel ? journalWaitMs(p, KNOBS, hostDisk, KNOBS.webWriteShare * db) : 0;
    // ... and, with limits, its own ordered data through its own throttle.
    sin.journalDrainMs =
      sharedKernel && p.containerLimits === true ? ownDrainMs(KNOBS, KNOBS.webWriteShare * db, dP) : 0;
    sin.backlog = isoBacklogA[i];
    sin.backlogAgeS = isoAgeA[i];
    evaluate(sin, sout);
    // Alone too, the ops it drains from its backlog run in the same tick: isoDrain.ts takes such a
    // VPS again once this pass is done, from what it left here. (Listed without a branch, its slot
    // written whether or not it is kept: V8 throws away the optimized code of this whole pass at the
    // first run of code it never saw run, and few VPSs ever carry a backlog alone.)
    const o = nDrain * slots;
    drainList[nDrain] = i;
    drainVals[o] = isoRho;
    drainVals[o + 1] = sin.rhoDisk;
    drainVals[o + 2] = sin.rhoNet;
    drainVals[o + 3] = dSrv;
    drainVals[o + 4] = nSrv;
    drainVals[o + 5] = dom0Iso;
    drainVals[o + 6] = uDom0;
    drainVals[o + 7] = isoWait;
    drainVals[o + 8] = swapMs;
    drainVals[o + 9] = netMs;
    drainVals[o + 10] = sin.journalMs;
    drainVals[o + 11] = sin.journalDrainMs;
    drainVals[o + 12] = sin.backlog;
    drainVals[o + 13] = sin.backlogAgeS;
    nDrain += (sin.backlog > 0 ? 1 : 0) * (lambda > 0 ? 1 : 0);
    isoBacklogA[i] = sout.backlog;
    isoAgeA[i] = sout.backlogAgeS;
    // An outcome that drained a backlog this tick is no steady state: evaluate again next tick.
    // (NaN from a local: NaN written in a branch V8 never saw run throws the optimized pass away
    // when a backlog first runs, and the bundler turns 0 / 0 into the global NaN.)
    isoLambda[i] = sin.backlog > 0 ? notKept : lambda;
    isoCpu[i] = cpu;
    isoDisk[i] = db;
    isoNet[i] = nb;
    isoGoodA[i] = sout.dnr ? 0 : sout.throughput * sout.goodFraction;
    isoP99[i] = sout.latencyP99Ms;
  }
  w.isoDrainCount = nDrain;
}

/**
 * The max-min split of the cores between the VPS alone (wanting `own` cores, capped at `ownCap`)
 * and Dom0 (wanting `dom0`, capped at `dom0Cap`), weighted per domain or per vCPU as the shared run
 * splits them (iocpu.ts): slot 0 the VPS's grant, slot 1 Dom0's.
 */
function aloneSplit(
  w: Work,
  domainW: boolean,
  own: number,
  ownCap: number,
  wOwn: number,
  dom0: number,
  dom0Cap: number,
  wDom0: number,
  cores: number,
  slot: number,
): number {
  const want = w.isoWant,
    cap = w.isoCap,
    wt = w.isoWeight,
    got = w.isoGot;
  want[0] = own;
  want[1] = dom0;
  cap[0] = ownCap;
  cap[1] = dom0Cap;
  wt[0] = wOwn;
  wt[1] = wDom0;
  if (domainW) waterFillDomain(2, want, wt, cores, got);
  else waterFillVcpu(2, want, cap, cores, got);
  return got[slot];
}

/**
 * Dom0 charging alone ([G06], as `chargeDom0`): the VPS, the only entity, is granted its own work
 * and its backends' (`cause`) up to the cores; the backends' part of that grant, at most what
 * Dom0's vCPUs hold (`room`), is Dom0's CPU.
 */
function chargedAlone(own: number, cause: number, cores: number, room: number): number {
  const g = Math.min(own + cause, cores);
  const part = g >= own + cause ? cause : (g * cause) / (own + cause);
  return Math.min(part, room);
}

/**
 * A waking vCPU's wait, alone with one other entity holding `got` cores in runs of `runMs` (§3),
 * `credit` of them run with credit left (queued ahead of the waker), its runnable vCPUs those its
 * `demand` keeps busy.
 */
function waitBehind(
  cores: number,
  contended: boolean,
  got: number,
  runMs: number,
  credit: number,
  demand: number,
): number {
  return wakeWaitMs(cores, contended, got, got * runMs * 0.5, credit, Math.ceil(demand - 1e-9));
}
