/**
 * The isolated counterfactual's drain (isolated.ts): alone too, the ops a VPS drains from its
 * backlog run in the same tick, on the devices and (para) on Dom0's vCPUs: where they make one
 * busier, its requests wait there at that utilization (as drainPass.ts has the shared run), once
 * more from the same backlog; and where that stage then refuses more of its drained requests, their
 * work is not done: the drain is taken again from the throughput at those utilizations, until it
 * holds. Run after the isolated pass, for the VPSs it listed: few ever carry a backlog alone, and
 * this code inside the pass would throw its optimized code away the first time one does.
 */
import * as nicMod from './nicqueue.js';
import * as journalMod from './journal.js';
import * as serviceMod from './service.js';
import * as swapMod from './swapfault.js';
import type { SimState } from './state.js';
import { ISO_DRAIN_SLOTS, type Work } from './work.js';

const { evaluate } = serviceMod;
const { nicQueueDelayMs } = nicMod;
const { swapFaultMs } = swapMod;
const { journalWaitMs, ownDrainMs } = journalMod;

/** Rounds of taking a drain alone again before it is taken as it stands (as drainPass.ts). */
const MAX_ROUNDS = 40;

/** A drain taken again at `now` holds where it moved by less than 1e-14 of what it was (as drainPass.ts). */
function holds(now: number, was: number): boolean {
  return Math.abs(now - was) <= 1e-14 * was;
}

/**
 * Takes again each VPS the isolated pass listed (`w.isoDrainList`, with what it left in its slot
 * of `w.isoDrainVals`): its evaluation with the drain in the devices and Dom0, then its isolated
 * backlog, good throughput and p99.
 */
export function isolatedDrains(st: SimState, w: Work): void {
  const count = w.isoDrainCount;
  if (count === 0) return;
  const p = st.profile;
  const KNOBS = st.params;
  const s = w.s;
  const pl = w.plan;
  const sin = w.sin,
    sout = w.sout;
  const list = w.isoDrainList,
    v = w.isoDrainVals;
  const hostDisk = st.host.diskIops,
    hostNet = st.host.netMbps;
  const dom0 = p.dom0 === true,
    dom0Factor = p.dom0IoFactor,
    rttMs = p.netRttMs,
    sharedKernel = p.sharedKernel === true;
  const diskOpCpuS = KNOBS.diskOpCpuS,
    netMbitCpu = KNOBS.netMbitCpu;
  const dom0Div = Math.max(p.dom0Vcpus, 1e-9);
  const pages = KNOBS.swapPagesPerRequest;
  for (let j = 0; j < count; j++) {
    const i = list[j];
    const o = j * ISO_DRAIN_SLOTS;
    const lambda = s.lambda[i],
      db = s.diskBase[i],
      nb = s.netBase[i];
    const useDisk = db > 0,
      useNet = nb > 0;
    const dP = pl.dPath[i],
      fIso = pl.swapFracIso[i];
    const dSrv = v[o + 3],
      nSrv = v[o + 4],
      dom0Iso = v[o + 5],
      uDom0 = v[o + 6],
      isoWait = v[o + 7];
    let swapMs = v[o + 8],
      netMs = v[o + 9];
    // Its evaluation as the isolated pass left it (the same inputs, so the same outcome).
    sin.lambda = lambda;
    sin.useDisk = useDisk;
    sin.useNet = useNet;
    sin.useDom0 = dom0 && (useDisk || useNet);
    sin.sloMs = pl.sloMs[i];
    sin.rhoCpu = v[o];
    sin.rhoDisk = v[o + 1];
    sin.rhoNet = v[o + 2];
    sin.uDisk = dSrv / hostDisk;
    sin.uNet = nSrv / hostNet;
    sin.uDom0 = uDom0;
    sin.extraMs = netMs + isoWait + swapMs;
    sin.netExtraMs = netMs;
    sin.journalMs = v[o + 10];
    sin.journalDrainMs = v[o + 11];
    sin.backlog = v[o + 12];
    sin.backlogAgeS = v[o + 13];
    evaluate(sin, sout);
    let bookedD = 0,
      bookedN = 0;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const thr = sout.throughput;
      let exD = useDisk ? (thr * db) / lambda - dSrv : 0,
        exN = useNet ? (thr * nb) / lambda - nSrv : 0;
      if (!(exD > 0)) exD = 0;
      if (!(exN > 0)) exN = 0;
      if (round === 0 ? exD === 0 && exN === 0 : holds(exD, bookedD) && holds(exN, bookedN)) break;
      bookedD = exD;
      bookedN = exN;
      const uD = (dSrv + exD) / hostDisk;
      sin.uDisk = uD;
      // ... and its drained requests' durable writes join its journal's commits.
      if (sharedKernel) {
        const dirty = KNOBS.webWriteShare * (db + exD);
        sin.journalMs = journalWaitMs(p, KNOBS, hostDisk, dirty);
        sin.journalDrainMs = p.containerLimits === true ? ownDrainMs(KNOBS, dirty, dP) : 0;
      }
      if (fIso > 0)
        swapMs =
          fIso * pages * swapFaultMs(lambda * fIso * pages, hostDisk, uD, KNOBS.swapReadMs, KNOBS.stageSlots);
      sin.uNet = (nSrv + exN) / hostNet;
      if (useNet)
        netMs = rttMs + nicQueueDelayMs(nSrv + exN, hostNet, KNOBS.nicQueuePackets, KNOBS.netPacketBytes);
      if (dom0 && uDom0 < 1) {
        const more = (exD * diskOpCpuS + exN * netMbitCpu) * dom0Factor;
        sin.uDom0 = Math.min(1, dom0Div === 1 ? dom0Iso + more : (dom0Iso + more) / dom0Div);
      }
      sin.extraMs = netMs + isoWait + swapMs;
      sin.netExtraMs = netMs;
      evaluate(sin, sout);
    }
    // (Its kept inputs, written by the isolated pass, stand: only the outcome moved.)
    st.dyn.isoBacklog[i] = sout.backlog;
    st.dyn.isoBacklogAge[i] = sout.backlogAgeS;
    w.isoGood[i] = sout.dnr ? 0 : sout.throughput * sout.goodFraction;
    w.isoP99[i] = sout.latencyP99Ms;
  }
}
