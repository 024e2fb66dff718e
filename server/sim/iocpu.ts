/**
 * I/O and CPU of one tick (model spec §3, §5): devices are shared, their CPU cost lands on the
 * guests, Dom0 and the host OS, then the CPU is split. Two passes only when some storm or flood
 * was held back by its own guest's CPU. Each VPS's device headroom and Dom0 saturation follow in
 * headroom.ts.
 */
import * as allocMod from './allocate.js';
import { chargeDom0, dom0Carry, restoreCarryBase, saveCarryBase, shareDom0 } from './dom0cpu.js';
import * as guestioMod from './guestio.js';
import { shareHostOs } from './hostos.js';
import { ADMISSION_EPS } from './profiles.js';
import type { SimState } from './state.js';
import type { Work } from './work.js';

const { waterFillDomain, waterFillVcpu, shareProportional, lastFillRepeats } = allocMod;
const { holdBack, serviceNeed } = guestioMod;

/** Shares devices and CPU; leaves dom0Got, dom0Work, hostOsCpu and the CPU level in `w.shared`. */
export function ioAndCpu(st: SimState, w: Work, dom0Down: boolean): void {
  const n = st.vps.length;
  const p = st.profile;
  const host = st.host;
  const s = w.s;
  const pl = w.plan;
  const vcpusA = pl.vcpus,
    dPath = pl.dPath,
    nPath = pl.nPath;
  const appCpu = s.appCpu,
    bgCpu = s.bgCpu,
    diskBase = s.diskBase,
    diskFault = s.diskFault,
    netBase = s.netBase,
    netFault = s.netFault;
  const diskWant = s.diskWant,
    netWant = s.netWant,
    diskServed = s.diskServed,
    netServed = s.netServed;
  const cpuLimit = s.cpuLimit,
    weight = s.weight,
    cpuDemand = s.cpuDemand,
    cpuGot = s.cpuGot,
    cpuAvail = s.cpuAvail;
  const faultIoScale = s.faultIoScale,
    svcIoCpu = s.svcIoCpu,
    svcIoNeed = s.svcIoNeed,
    faultIoCpu = s.faultIoCpu,
    dom0Cause = s.dom0Cause;
  const hostOsCause = s.hostOsCause,
    netRx = s.netRx,
    rxCpu = s.rxCpu;
  const sharedKernel = p.sharedKernel;
  const hostOs = p.hostOs,
    hostOsFactor = p.ioCpuFactor * p.hostOsIoShare;
  const diskOpCpuS = st.params.diskOpCpuS,
    netMbitCpu = st.params.netMbitCpu,
    stormOpShare = 1 / st.params.ioStormRequestOps;
  const dom0 = p.dom0;
  const dom0Factor = p.dom0IoFactor;
  const ioCpuFactor = p.ioCpuFactor,
    selfShare = 1 - p.hostOsIoShare;
  let dom0Got = 0,
    dom0Work = 0,
    hostOsCpu = 0,
    level = Infinity;
  let anyIo = w.ioMaybe;
  // No storm, flood or background CPU this tick (every fault intensity is zero) and no host OS:
  // a second pass would redo the first one's I/O exactly (the scales it applies multiply zeros).
  const noFaultIo = w.faultDemandsZero && !hostOs;
  const ioOn = dom0Down ? 0 : 1;
  let kernelRx = 0;
  let hostOsNative = 0;
  let fillRepeats = false;
  // What Dom0 can carry of the backends' work (§5): its vCPUs, or, where the host scheduler granted it
  // less than it asked (the cores are short), that grant: one more pass (2) carries at it.
  let dom0Cap = p.dom0Vcpus;
  let dom0Held = false;
  // Whether the own I/O CPU in the arrays was scaled to what Dom0 carries (pass 2 then starts over).
  let carryScaled = false;
  const carryBase = w.carryBase;
  carryBase.valid = false;
  for (let pass = 0; pass < 3; pass++) {
    const redoIo = pass === 0 || (pass === 1 && !noFaultIo) || (pass === 2 && carryScaled);
    // The pass that carries Dom0's grant, with no storm, flood or host OS: the first pass's I/O as it
    // left it, before Dom0's carry scaled it (the same inputs, the same values).
    const restoring = redoIo && pass === 2 && noFaultIo && carryBase.valid;
    if (redoIo) carryScaled = false;
    // cpuAvail[0, availDone) already holds min(demand, limit) for this pass's split.
    let availDone = 0;
    if (redoIo) {
      // Dom0's backends will be split again on this pass's I/O, if at all (on the same work where
      // the first pass's I/O is put back).
      w.backends.valid = false;
      w.backends.wantsKept = restoring && w.backends.wantsKept;
      dom0Work = 0;
      // A shared kernel's receive softirq for inbound floods, cores.
      kernelRx = 0;
      hostOsNative = 0;
    }
    if (anyIo && pass === 0 && w.wantsReady) anyIo = w.wantsAny;
    else if (restoring) {
      restoreCarryBase(n, s, carryBase);
      dom0Work = carryBase.dom0Work;
      hostOsNative = carryBase.hostOsNative;
      availDone = carryBase.availDone;
    } else if (anyIo && redoIo) {
      anyIo = false;
      for (let i = 0; i < n; i++) {
        const dw = Math.min(diskBase[i] + diskFault[i] * faultIoScale[i], dPath[i]);
        const nw = Math.min(netBase[i] + netFault[i] * faultIoScale[i], nPath[i]);
        diskWant[i] = dw;
        netWant[i] = nw;
        if (dw > 0 || nw > 0 || netRx[i] > 0) anyIo = true;
      }
    }
    if (anyIo && (!redoIo || restoring)) {
      // The first pass's I/O stands as it is (or as it was before Dom0's carry).
    } else if (anyIo && noFaultIo) {
      w.ioQuiet = false;
      w.shared.diskLevel = share(p.diskSharing, n, diskWant, host.diskIops, diskServed, w.ones);
      w.shared.netLevel = share(p.netSharing, n, netWant, host.netMbps, netServed, w.ones);
      // The loop below without faults: no inbound flood, storm or flood to scale, no background CPU.
      // Under a domain-weighted share it also caps each demand at its limit for the CPU split.
      const own = ioOn * ioCpuFactor * selfShare;
      const avail = p.cpuPolicy === 'share' && p.cpuWeighting === 'domain';
      if (avail) availDone = n;
      for (let i = 0; i < n; i++) {
        const ds = diskServed[i],
          ns = netServed[i];
        const native = ioOn * (ds * diskOpCpuS + ns * netMbitCpu) + 0;
        const cause = dom0 ? native * dom0Factor : 0;
        dom0Cause[i] = cause;
        dom0Work += cause;
        const db = diskBase[i],
          nb = netBase[i];
        const dTot = db + 0,
          nTot = nb + 0;
        const selfDisk = own * ds * diskOpCpuS,
          selfNet = own * ns * netMbitCpu;
        const svcIo = (dTot > 0 ? (selfDisk * db) / dTot : 0) + (nTot > 0 ? (selfNet * nb) / nTot : 0);
        const faultIo = Math.max(0, selfDisk + selfNet - svcIo);
        svcIoNeed[i] = serviceNeed(
          own,
          db,
          nb,
          dPath[i],
          nPath[i],
          host.diskIops,
          host.netMbps,
          svcIo,
          diskOpCpuS,
          netMbitCpu,
        );
        hostOsNative += native;
        hostOsCause[i] = 0;
        rxCpu[i] = 0;
        svcIoCpu[i] = svcIo;
        faultIoCpu[i] = faultIo;
        const cd = Math.min(vcpusA[i], appCpu[i] + 0 + svcIo + faultIo + 0);
        cpuDemand[i] = cd;
        if (avail) cpuAvail[i] = Math.min(cd, cpuLimit[i]);
      }
    } else if (anyIo) {
      w.ioQuiet = false;
      w.shared.diskLevel = share(p.diskSharing, n, diskWant, host.diskIops, diskServed, w.ones);
      w.shared.netLevel = share(p.netSharing, n, netWant, host.netMbps, netServed, w.ones);
      for (let i = 0; i < n; i++) {
        // An inbound flood, as far as its guest takes it in: receive processing, native cost.
        const rxNative = ioOn * netRx[i] * faultIoScale[i] * netMbitCpu;
        // On a shared kernel it runs in softirq, charged to no container: off the top of the cores.
        const rxElsewhere = sharedKernel ? 0 : rxNative;
        kernelRx += sharedKernel ? rxNative * ioCpuFactor : 0;
        const native = ioOn * (diskServed[i] * diskOpCpuS + netServed[i] * netMbitCpu) + rxElsewhere;
        const cause = dom0 ? native * dom0Factor : 0;
        dom0Cause[i] = cause;
        dom0Work += cause;
        // The guest pays its own I/O cost (less what a host OS runs outside its quota), split
        // between its service and its storm or flood per device (IOPS and Mbit/s never summed).
        const own = ioOn * ioCpuFactor * selfShare;
        const scale = faultIoScale[i];
        const dTot = diskBase[i] + diskFault[i] * scale,
          nTot = netBase[i] + netFault[i] * scale;
        const selfDisk = own * diskServed[i] * diskOpCpuS,
          selfNet = own * netServed[i] * netMbitCpu;
        const svcD = dTot > 0 ? (selfDisk * diskBase[i]) / dTot : 0,
          svcN = nTot > 0 ? (selfNet * netBase[i]) / nTot : 0;
        const svcIo = svcD + svcN;
        // A storm's ops are parts of large requests: its guest pays one request's CPU for
        // `ioStormRequestOps` of them (a flood's Mbit/s cost what the service's do).
        const faultIo = Math.max(0, selfDisk - svcD) * stormOpShare + Math.max(0, selfNet - svcN);
        svcIoNeed[i] = serviceNeed(
          own,
          diskBase[i],
          netBase[i],
          dPath[i],
          nPath[i],
          host.diskIops,
          host.netMbps,
          svcIo,
          diskOpCpuS,
          netMbitCpu,
        );
        // A host OS works on the I/O its guest submits: one request of its own per guest request, so a
        // storm's costs it one per `ioStormRequestOps` ops too. A guest cannot submit a storm or flood
        // faster than its own CPU cap drives it (with its service beside it, in proportion). The
        // first pass has not held the storm back to its guest's CPU yet: count only what the cap
        // can drive, or the host-OS work of a storm never submitted squeezes its guest's grant.
        let hostNative = native;
        if (hostOs && dTot > diskBase[i]) {
          const stormOps = (diskServed[i] * (dTot - diskBase[i])) / dTot;
          hostNative -= ioOn * stormOps * diskOpCpuS * (1 - stormOpShare);
        }
        if (pass === 0 && hostOs && faultIo > 0 && own > 0) {
          const drive = Math.min(1, cpuLimit[i] / (appCpu[i] + bgCpu[i] + svcIo + faultIo));
          hostNative -= (faultIo / own) * (1 - drive);
        }
        hostOsNative += hostNative;
        hostOsCause[i] = hostOs ? hostNative * hostOsFactor : 0;
        // In a VM its own kernel (netfront, virtio) takes the inbound flood in, for a receiver that
        // reads only what the CPU left after the service allows (TCP flow control): it yields.
        const rxOwn = own * rxElsewhere;
        rxCpu[i] = rxOwn;
        svcIoCpu[i] = svcIo;
        faultIoCpu[i] = faultIo;
        cpuDemand[i] = Math.min(vcpusA[i], appCpu[i] + bgCpu[i] + svcIo + faultIo + rxOwn);
      }
    } else {
      // Nobody does I/O: nothing is wanted or served and no one pays for it.
      if (!w.ioQuiet) {
        diskWant.fill(0, 0, n);
        netWant.fill(0, 0, n);
        diskServed.fill(0, 0, n);
        netServed.fill(0, 0, n);
        dom0Cause.fill(0, 0, n);
        svcIoCpu.fill(0, 0, n);
        svcIoNeed.fill(0, 0, n);
        faultIoCpu.fill(0, 0, n);
        hostOsCause.fill(0, 0, n);
        s.rxCpu.fill(0, 0, n);
        w.ioQuiet = true;
      }
      for (let i = 0; i < n; i++) cpuDemand[i] = Math.min(vcpusA[i], appCpu[i] + bgCpu[i]);
    }
    // Dom0 carries at most its capacity of backend work, split max-min among the backends (§5): a guest
    // pays its own I/O cost only for the ops Dom0 carries; the rest wait in its ring and cost nothing.
    if (dom0 && anyIo && (redoIo || pass === 2) && !dom0Down && dom0Work > dom0Cap) {
      const own = ioCpuFactor * selfShare;
      if (pass === 0 && noFaultIo) saveCarryBase(n, s, carryBase, dom0Work, hostOsNative, availDone);
      dom0Carry(
        n,
        s,
        w.backends,
        vcpusA,
        dom0Cap,
        availDone === n,
        diskOpCpuS,
        dom0Factor,
        own,
        stormOpShare,
      );
      carryScaled = true;
    }
    hostOsCpu = p.hostOs ? Math.min(host.cores, hostOsNative * p.ioCpuFactor * p.hostOsIoShare) : 0;
    // A shared kernel's receive softirq preempts whoever runs: it comes off the cores before any share.
    if (kernelRx > 0) hostOsCpu = Math.min(host.cores, hostOsCpu + kernelRx);
    // [G06] SEDF-DC: each guest's backend work is charged to that guest's own share (domain weighting).
    const charging = dom0 && p.dom0Charging && p.cpuPolicy === 'share' && p.cpuWeighting === 'domain';
    const dom0Want = dom0 && !dom0Down && !charging ? Math.min(p.dom0Vcpus, dom0Work) : 0;
    const capacity = Math.max(0, host.cores - hostOsCpu);
    if (p.cpuPolicy === 'share') {
      // Dom0 is one more scheduling entity (slot n), with Xen's default weight.
      cpuDemand[n] = dom0Want;
      cpuLimit[n] = Math.max(p.dom0Vcpus, 1);
      weight[n] = st.params.dom0Weight;
      const cnt = dom0Want > 0 ? n + 1 : n;
      if (dom0Want <= 0) cpuGot[n] = 0;
      if (p.cpuWeighting === 'domain') {
        for (let i = availDone; i < cnt; i++) cpuAvail[i] = Math.min(cpuDemand[i], cpuLimit[i]);
        if (charging) for (let i = 0; i < n; i++) cpuAvail[i] += dom0Cause[i];
        level = waterFillDomain(cnt, cpuAvail, weight, capacity, cpuGot, st.cpuLevel);
        fillRepeats = lastFillRepeats();
        if (charging) dom0Got = chargeDom0(n, s, w.ones, Math.min(p.dom0Vcpus, host.cores));
      } else {
        level = waterFillVcpu(cnt, cpuDemand, cpuLimit, capacity, cpuGot, st.cpuLevel);
        fillRepeats = lastFillRepeats();
      }
      st.cpuLevel = Number.isFinite(level) ? level : 0;
      if (!charging) dom0Got = cpuGot[n] * (dom0Want > 0 ? 1 : 0);
    } else {
      // Fixed quotas: each VPS gets min(demand, cap). Privileged work (a host OS, a Dom0) runs on
      // idle cores first; only what idle capacity cannot hold squeezes the guests' quotas.
      w.shared.quotaHead = false;
      let sumGotQ = 0;
      for (let i = 0; i < n; i++) {
        const g = Math.min(cpuDemand[i], cpuLimit[i]);
        cpuGot[i] = g;
        sumGotQ += g;
      }
      dom0Got = Math.min(dom0Want, host.cores);
      // (What admission let fit, up to its rounding, fits: caps filling the host squeeze no one.)
      const over = sumGotQ + dom0Got + hostOsCpu - host.cores;
      const deficit = over > ADMISSION_EPS ? over : 0;
      if (deficit > 0 && hostOsCpu > 0 && sumGotQ > 0 && kernelRx <= 0) {
        hostOsCpu = shareHostOs(n, s, Math.max(0, host.cores - dom0Got));
      } else if (dom0Want > 0 && sumGotQ > 0 && hostOsCpu <= 0) {
        // Dom0 out of idle cores: Xen's credit scheduler shares the cores between Dom0 and the
        // capped guests by weight (§3, §5), each guest at most its quota. Dom0 does not take a
        // guest's whole quota: held below its want, it carries its grant (pass 2 below).
        dom0Got = shareDom0(n, s, w.shared, dom0Want, st.params.dom0Weight, capacity, deficit > 0);
      } else {
        const squeeze = deficit > 0 && sumGotQ > 0 ? Math.max(0, (sumGotQ - deficit) / sumGotQ) : 1;
        for (let i = 0; i < n; i++) {
          cpuGot[i] *= squeeze;
          cpuAvail[i] = cpuLimit[i] * squeeze;
        }
      }
      level = Infinity;
    }
    // Inside the guest, storm/flood I/O runs in kernel context and shares the CPU with the
    // service in proportion to demand; a pure compute hog yields to both (it is background work).
    // The second pass only matters when some storm or flood was held back by its guest's CPU.
    dom0Held = dom0Want > 0 && dom0Got < dom0Want * (1 - 1e-9) && !charging;
    if (pass === 2 || !anyIo) break;
    if (pass === 0) {
      w.ioScaled = true;
      // Without faults the second pass would rerun the same CPU split on the same demands from the
      // level it just found: when that rerun is known to land on the same level, it is skipped.
      if (
        holdBack(
          n,
          s,
          pl,
          level,
          p.cpuWeighting === 'domain',
          ioOn * ioCpuFactor * selfShare,
          diskOpCpuS * stormOpShare,
          netMbitCpu,
        ) &&
        !(noFaultIo && p.cpuPolicy === 'share' && !charging && fillRepeats)
      )
        continue;
    }
    // Dom0 held below what it asks (share policy: one more entity on the cores) carries its grant:
    // once more with each guest paying its own I/O CPU for what that grant carries (pass 2).
    if (!dom0Held) break;
    dom0Cap = dom0Got;
    pass = 1;
  }
  const sh = w.shared;
  sh.dom0Got = dom0Got;
  sh.dom0Cap = dom0Held ? dom0Got : p.dom0Vcpus;
  sh.dom0Work = dom0Work;
  sh.hostOsCpu = hostOsCpu;
  sh.level = level;
}

/** Splits a device; returns the max-min fair level (0 for a FIFO queue, Infinity when all fit). */
function share(
  kind: 'maxmin' | 'proportional',
  n: number,
  want: Float64Array,
  capacity: number,
  out: Float64Array,
  ones: Float64Array,
): number {
  if (kind === 'proportional') {
    const frac = shareProportional(n, want, capacity, out);
    return frac < 1 ? 0 : Infinity;
  }
  return waterFillDomain(n, want, ones, capacity, out, 0);
}
