/**
 * The service pass once more with the drained work in it (model spec §5, §7). The ops a service
 * drains from its backlog run in the same tick as everyone's own work, on the devices that serve
 * them and (para) on Dom0's vCPUs, and its drained requests write to a shared kernel's journal as
 * any other: where they make a device, Dom0 or the journal busier, every request waits at that
 * utilization (the frame's), so the pass runs again at it from the same backlogs. A busier stage
 * also refuses more of the drained requests (its loss), and a refused request does no device or
 * Dom0 work: the drains are booked again from the throughput at the new utilizations, and the
 * drainers alone evaluated again at the utilizations that booking makes, until it holds; then the
 * whole pass runs once at them.
 */
import * as drainDom0Mod from './drainDom0.js';
import * as journalMod from './journal.js';
import * as nicMod from './nicqueue.js';
import * as outcomeMod from './outcome.js';
import * as swapMod from './swapfault.js';
import type { SimState } from './state.js';
import type { Work } from './work.js';

const { settleDom0, unsettleDom0 } = drainDom0Mod;
const { journalWaitMs, orderedDrainMs } = journalMod;
const { nicQueueDelayMs } = nicMod;
const { service } = outcomeMod;
const { swapFaultMs } = swapMod;

/** Rounds of booking the drains again before the booking is taken as it stands (it settles in a few). */
const MAX_ROUNDS = 40;
/** A drain whose booking moves by less than this share of it holds. */
const HOLDS = 1e-14;

/**
 * After the first service pass booked the drains: Dom0 settled, then the pass again (and again for
 * the drainers, see above) where the drained work moved a wait. `sumDisk`, `sumNet`, `syncDisk`,
 * `dom0Work` and `uDom0` are the first pass's figures, `faultsPerS` the swap faults a second.
 */
export function drainedPass(
  st: SimState,
  w: Work,
  sumDisk: number,
  sumNet: number,
  syncDisk: number,
  dom0Work: number,
  uDom0: number,
  faultsPerS: number,
): void {
  const dd = w.drainDom0;
  const sh = w.shared;
  if (dd.work > 0) settleDom0(st, w);
  if (!(sh.sumDisk !== sumDisk || sh.sumNet !== sumNet || dd.work > 0)) return;
  if (!atDrained(st, w, sumDisk, sumNet, syncDisk, dom0Work, uDom0, faultsPerS)) return;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    service(st, w, w.ctx, true, true);
    const moved = rebookDrains(st, w);
    unsettleDom0(st, w);
    if (dd.work > 0) settleDom0(st, w);
    // (The waits at what is booked now, even where it moved too little to take again.)
    if (!atDrained(st, w, sumDisk, sumNet, syncDisk, dom0Work, uDom0, faultsPerS) || !moved) break;
  }
  service(st, w, w.ctx, true, false);
}

/**
 * Sets the tick's waits to the utilizations with what is booked as drained (the device totals hold
 * it); true where one moved.
 */
function atDrained(
  st: SimState,
  w: Work,
  sumDisk: number,
  sumNet: number,
  syncDisk: number,
  dom0Work: number,
  uDom0: number,
  faultsPerS: number,
): boolean {
  const p = st.profile;
  const host = st.host;
  const kp = st.params;
  const ctx = w.ctx;
  const sh = w.shared;
  const dd = w.drainDom0;
  const moreDisk = sh.sumDisk - sumDisk,
    moreNet = sh.sumNet - sumNet;
  let again = false;
  if (moreDisk !== 0) {
    const u = Math.min(1, Math.max(0, syncDisk + moreDisk) / host.diskIops);
    const swapMs =
      faultsPerS > 0
        ? swapFaultMs(
            faultsPerS + sh.swapOutPagesPerS,
            host.diskIops,
            Math.min(1, sh.sumDisk / host.diskIops),
            kp.swapReadMs,
            kp.stageSlots,
          )
        : 0;
    if (u !== ctx.uDisk || swapMs !== ctx.swapFaultMs) again = true;
    ctx.uDisk = u;
    ctx.swapFaultMs = swapMs;
  }
  if (moreDisk !== 0 && p.sharedKernel && !w.ioQuiet) {
    // The drained requests write as any other: their durable writes join the journal's commits.
    const n = st.vps.length;
    const jMs = journalWaitMs(p, kp, host.diskIops, dirtying(w, n, kp.webWriteShare));
    const xMs = orderedDrainMs(p, kp, n, w.s.diskBase, dd.disk, w.s.diskFault, w.plan.dPath);
    if (jMs !== ctx.journalMs || xMs !== ctx.journalDrainMs) again = true;
    ctx.journalMs = jMs;
    ctx.journalDrainMs = xMs;
  }
  if (moreNet !== 0) {
    const u = Math.min(1, sh.sumNet / host.netMbps);
    // (The drained replies pass the NIC's transmit queue too.)
    const queueMs = nicQueueDelayMs(
      Math.max(0, sh.sumNetOffered + moreNet),
      host.netMbps,
      kp.nicQueuePackets,
      kp.netPacketBytes,
    );
    if (u !== ctx.uNet || queueMs !== ctx.netQueueMs) again = true;
    ctx.uNet = u;
    ctx.netQueueMs = queueMs;
  }
  const drained = dd.work;
  if (uDom0 < 1 && p.dom0Vcpus > 0) {
    const u = drained > 0 ? Math.min(1, (dom0Work + drained) / p.dom0Vcpus) : uDom0;
    if (u !== ctx.uDom0) again = true;
    ctx.uDom0 = u;
  }
  return again;
}

/**
 * Books each drainer's drain again from its throughput now (its answered requests' work beyond
 * what its base demand was served), in the device totals and Dom0's work; true where one moved.
 */
function rebookDrains(st: SimState, w: Work): boolean {
  const n = st.vps.length;
  const p = st.profile;
  const s = w.s;
  const m = w.m;
  const sh = w.shared;
  const dd = w.drainDom0;
  const kp = st.params;
  const dom0Factor = p.dom0 ? p.dom0IoFactor : 0;
  const thrA = m.throughputRps,
    lambdaA = s.lambda,
    drainer = dd.drainer;
  let moved = false;
  let work = 0;
  for (let i = 0; i < n; i++) {
    if (drainer[i] === 0) continue;
    const thr = thrA[i],
      lambda = lambdaA[i];
    const db = s.diskBase[i],
      nb = s.netBase[i];
    let dom0 = 0;
    if (db > 0) {
      const booked = dd.disk[i];
      const df = s.diskFault[i] * s.faultIoScale[i];
      let part = s.diskServed[i] - booked;
      if (df !== 0) part *= db / (db + df);
      const extra = Math.max(0, (thr * db) / lambda - part);
      if (Math.abs(extra - booked) > HOLDS * booked) moved = true;
      const d = extra - booked;
      s.diskServed[i] += d;
      m.diskDemandIops[i] += d;
      sh.sumDisk += d;
      dd.disk[i] = extra;
      dom0 += extra * kp.diskOpCpuS;
    }
    if (nb > 0) {
      const booked = dd.net[i];
      const nf = s.netFault[i] * s.faultIoScale[i];
      let part = s.netServed[i] - booked;
      if (nf !== 0) part *= nb / (nb + nf);
      const extra = Math.max(0, (thr * nb) / lambda - part);
      if (Math.abs(extra - booked) > HOLDS * booked) moved = true;
      const d = extra - booked;
      s.netServed[i] += d;
      m.netDemandMbps[i] += d;
      sh.sumNet += d;
      dd.net[i] = extra;
      dom0 += extra * kp.netMbitCpu;
    }
    work += dom0 * dom0Factor;
  }
  dd.work = work;
  return moved;
}

/**
 * What the guests dirty this tick, ops/s: the writing share of each service's disk work (with the
 * ops it drained from a backlog, once the service pass booked them) and every storm's whole demand
 * (a storm writes; buffered writes run at memory speed, whatever the device).
 */
export function dirtying(w: Work, n: number, writeShare: number): number {
  const base = w.s.diskBase,
    drained = w.drainDom0.disk,
    fault = w.s.diskFault;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += writeShare * (base[i] + drained[i]) + fault[i];
  return sum;
}
