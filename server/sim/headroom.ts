/**
 * Device headroom (model spec §5): after devices and CPU are shared, what each VPS could still get
 * on the disk and the network, and what Dom0 could carry for its backend.
 */
import { backendLimits, dom0Head } from './dom0head.js';
import { drainCharged } from './drainCharged.js';
import { drainThroughDom0 } from './drainDom0.js';
import { capAtDom0, pacedOutsideSplit, listDrainer, splitDrains } from './drainsplit.js';
import * as headMod from './cpuheadroom.js';
import type { SimState } from './state.js';
import type { Work } from './work.js';

const { domainHeadroom } = headMod;

/**
 * What each VPS could get on each device (its headroom: what it is served when it wants more, else
 * served plus the idle rest, up to its path), then Dom0 (model spec §5): Dom0 works only on what
 * the devices took, and its CPU is split max-min fairly among the guests' backends, one per virtual
 * device (backends.ts), so a backend asking for less than its fair share is served in full and a
 * storming one gets what is left. Each guest's disk I/O (and headroom) scales by the share of its
 * blkback's work Dom0 could do, its network I/O by its netback's; a dead Dom0 serves nothing.
 * Returns the smallest such scale (1: Dom0 kept up with everyone).
 */
export function deviceHeadroom(st: SimState, w: Work, dom0Down: boolean): number {
  const n = st.vps.length;
  const p = st.profile;
  const host = st.host;
  const s = w.s;
  const dPath = w.plan.dPath,
    nPath = w.plan.nPath;
  const diskWant = s.diskWant,
    netWant = s.netWant,
    diskServed = s.diskServed,
    netServed = s.netServed;
  const diskAvail = s.diskAvail,
    netAvail = s.netAvail;
  const sh = w.shared;
  // (What drained ops cost Dom0 is booked by the service pass, outcome.ts.)
  w.drainDom0.clear();
  if (w.ioQuiet) {
    // No I/O: nothing served, and no service reads a device headroom it does not use.
    sh.sumDisk = 0;
    sh.sumNet = 0;
    sh.sumNetOffered = 0;
    return dom0Down ? 0 : 1;
  }
  const dom0 = p.dom0;
  const cause = s.dom0Cause,
    served = s.dom0Served;
  const diskOpCpuS = st.params.diskOpCpuS,
    dom0Factor = p.dom0IoFactor;
  // A service draining a backlog answers it with work beyond what it asked for this tick's arrivals:
  // the idle capacity, split among the services draining on the device, each up to what its own
  // bottleneck lets it use (drainsplit.ts; outcome.ts books what it used as served).
  const backlog = st.dyn.backlog;
  const dr = w.drains;
  const onDisk = dr.onDisk,
    onNet = dr.onNet;
  dr.kDisk = 0;
  dr.kNet = 0;
  // One pass for the tick-wide figures: Σ served, who wants each device, who drains a backlog on
  // it, whose backend works in Dom0.
  let preDisk = 0,
    preNet = 0,
    offered = 0,
    kDisk = 0,
    kNet = 0,
    kDom0 = 0,
    maxDisk = 0,
    maxNet = 0;
  for (let i = 0; i < n; i++) {
    const ds = diskServed[i],
      ns = netServed[i],
      dw = diskWant[i],
      nw = netWant[i];
    preDisk += ds;
    preNet += ns;
    if (dw > 0) kDisk++;
    if (nw > 0) kNet++;
    if (dw > maxDisk) maxDisk = dw;
    if (nw > maxNet) maxNet = nw;
    offered += nw;
    if (backlog[i] > 0) {
      // (One whose path is already full takes none of the idle.)
      const onD = dw > 0 && !(dw > ds * (1 + 1e-12)) && ds < dPath[i],
        onN = nw > 0 && !(nw > ns * (1 + 1e-12)) && ns < nPath[i];
      if (onD || onN) listDrainer(st, w, i, onD, onN);
    }
    const c = cause[i];
    if (c > 0) {
      // Its blkback and its netback, each at work or not.
      const cd = ds * diskOpCpuS * dom0Factor;
      if (cd > 0) kDom0++;
      if (c > cd) kDom0++;
    }
  }
  const idleDisk = Math.max(0, host.diskIops - preDisk),
    idleNet = Math.max(0, host.netMbps - preNet);
  // Dom0 (model spec §5): what it carries of each backend, read by the drainers' caps and below.
  if (dom0) dom0Head(st, w, dom0Down, kDom0);
  if (dr.kDisk > 0 || dr.kNet > 0) {
    // Under para the drained work joins Dom0's max-min split among the backends (drainDom0.ts); a
    // drainer whose backend Dom0 holds (or a Dom0 that is down) lets it use no idle beyond what Dom0
    // carries for it.
    // Charged, each backend carries what its guest paid for: the drainers share Dom0's spare
    // (drainCharged.ts).
    if (dom0 && !dom0Down && !p.dom0Charging) drainThroughDom0(st, w, idleDisk, idleNet);
    else {
      if (dom0) capAtDom0(st, w);
      if (dom0 && !dom0Down) drainCharged(st, w, idleDisk, idleNet);
      else splitDrains(w, idleDisk, idleNet);
    }
  }
  // The level each drainer not held below it reads (with none: the idle every drainer's cap left).
  const drainDiskLevel = dr.dLevel,
    drainNetLevel = dr.nLevel;
  // Headroom: what is served plus the idle rest; shared max-min, at least the fair level and the
  // guaranteed C/k (a VPS under them could still grow to them); on a full FIFO queue, only what
  // it is served (everyone's share shrinks as anyone asks for more).
  const fairDisk = p.diskSharing === 'maxmin' && kDisk > 0 ? host.diskIops / kDisk : 0,
    fairNet = p.netSharing === 'maxmin' && kNet > 0 ? host.netMbps / kNet : 0;
  // (Where every want fits, the split has no level, Infinity: the floor is still C/k, or a VPS
  // whose want fits exactly, nothing idle, would read no headroom beyond it.)
  const dLevel = Math.max(Number.isFinite(sh.diskLevel) ? sh.diskLevel : 0, fairDisk),
    nLevel = Math.max(Number.isFinite(sh.netLevel) ? sh.netLevel : 0, fairNet);
  const dLevelFinite = Number.isFinite(dLevel),
    nLevelFinite = Number.isFinite(nLevel);
  // Shared max-min, a VPS asking for its whole path gets the level L′ at which the others' takes
  // (each at most what it asks) and its own fill the device (cpuheadroom.ts solves the same for the
  // CPU): not the level the others are cut to now, which its own ask would lower. Where no want
  // could be cut (Σ served + the largest want fit), that is what it is served plus the idle rest.
  const exactDisk = p.diskSharing === 'maxmin' && preDisk + maxDisk > host.diskIops,
    exactNet = p.netSharing === 'maxmin' && preNet + maxNet > host.netMbps;
  if (exactDisk)
    domainHeadroom(n, n, diskServed, w.ones, dPath, host.diskIops, sh.diskLevel, diskAvail, w.headroom);
  if (exactNet)
    domainHeadroom(n, n, netServed, w.ones, nPath, host.netMbps, sh.netLevel, netAvail, w.headroom);
  let minScale = 1;
  let sumDisk = 0,
    sumNet = 0;
  // What reaches the NIC's transmit queue: each guest's wanted traffic, as far as Dom0's backend carried it.
  if (dom0) offered = 0;
  const keepsUp = w.dom0Head.keepsUp;
  const lim = w.dom0Head.out;
  for (let i = 0; i < n; i++) {
    const ds0 = diskServed[i],
      ns0 = netServed[i],
      dw = diskWant[i],
      nw = netWant[i];
    let da = ds0,
      na = ns0;
    // A drainer given the level reads it (its path at most); one held below it by its own
    // bottleneck, or with its want served and no drain, reads the headroom of one not draining.
    const backlogged = backlog[i] > 0;
    // (A drainer reads no more than Dom0 carries through its backend for it.)
    const dCeil = onDisk[i] === 1 ? dr.dCeil[i] : 1 / 0,
      nCeil = onNet[i] === 1 ? dr.nCeil[i] : 1 / 0;
    let dFree = !(dw > ds0 * (1 + 1e-12)),
      nFree = !(nw > ns0 * (1 + 1e-12));
    // A drainer on both devices reads on each what the split gave it there, whatever its cap: each
    // cap was read from what the other device gives it, so read past its share on both, neither
    // would hold it and it would drain past the idle (beyond the capacity, beside a full device).
    // (One its own bottleneck holds below the level on both reads each as on one device.)
    const both = onDisk[i] === 1 && onNet[i] === 1 && !pacedOutsideSplit(w, i);
    if (onDisk[i] === 1) {
      onDisk[i] = 0;
      if (both || (dr.dCap[i] > 0 && dr.dGot[i] === drainDiskLevel)) {
        da = Math.min(dPath[i], ds0 + dr.dGot[i]);
        dFree = false;
      }
    } else if (backlogged && dFree && !(ds0 < dPath[i])) {
      // (Its path full: what it is served.)
      da = Math.min(dPath[i], ds0);
      dFree = false;
    }
    if (onNet[i] === 1) {
      onNet[i] = 0;
      if (both || (dr.nCap[i] > 0 && dr.nGot[i] === drainNetLevel)) {
        na = Math.min(nPath[i], ns0 + dr.nGot[i]);
        nFree = false;
      }
    } else if (backlogged && nFree && !(ns0 < nPath[i])) {
      na = Math.min(nPath[i], ns0);
      nFree = false;
    }
    if (dFree) {
      if (exactDisk) da = diskAvail[i];
      else {
        da = ds0 + idleDisk;
        if (dLevel > da && dLevelFinite) da = dLevel;
        da = Math.min(dPath[i], da);
      }
    }
    if (nFree) {
      if (exactNet) na = netAvail[i];
      else {
        na = ns0 + idleNet;
        if (nLevel > na && nLevelFinite) na = nLevel;
        na = Math.min(nPath[i], na);
      }
    }
    let availD = Math.max(ds0, da),
      availN = Math.max(ns0, na);
    if (dom0) {
      // Each guest's I/O (and its headroom) scales by the share of its backend work Dom0 could do.
      const c = cause[i];
      if (keepsUp) served[i] = c;
      if (dom0Down) {
        // A dead Dom0 serves nothing: every guest's I/O stops.
        diskServed[i] = 0;
        netServed[i] = 0;
        diskAvail[i] = 0;
        netAvail[i] = 0;
        minScale = 0;
        continue;
      }
      if (c > 0) {
        // The share of its blkback's and its netback's work Dom0 carries, and what each lets it get.
        backendLimits(st, w, i);
        const fd = lim[0],
          fn = lim[1];
        if (fd < minScale) minScale = fd;
        if (fn < minScale) minScale = fn;
        const ds = ds0 * fd,
          ns = ns0 * fn;
        // A backend Dom0 holds back forwards what it carried, its link share scaled: the rest of a
        // flood waits in the guest's ring, not in the NIC's queue. One Dom0 keeps up with sends all
        // the guest wants (a flood past its link share fills the queue).
        offered += fn < 1 ? ns : nw;
        diskServed[i] = ds;
        netServed[i] = ns;
        sumDisk += ds;
        sumNet += ns;
        if (availD > lim[2]) availD = lim[2];
        if (availN > lim[3]) availN = lim[3];
        if (availD > dCeil) availD = dCeil;
        if (availN > nCeil) availN = nCeil;
      } else {
        sumDisk += ds0;
        sumNet += ns0;
        offered += nw;
      }
    }
    diskAvail[i] = availD;
    netAvail[i] = availN;
  }
  if (!dom0) {
    sh.sumDisk = preDisk;
    sh.sumNet = preNet;
    sh.sumNetOffered = offered;
    return 1;
  }
  sh.sumDisk = sumDisk;
  sh.sumNet = sumNet;
  sh.sumNetOffered = offered;
  return minScale;
}
