/**
 * One tick of the contention model. Reads the profile's fields (never a mode id), writes the
 * metric arrays of `Work`. Order: faults and workload → memory → I/O and CPU (two passes, so
 * I/O limited by a guest's own CPU feeds back into Dom0 and the devices) → CPU and cache totals →
 * CPU outcome → device headroom → isolated counterfactual → service, states and host figures. Each phase is its own small function over
 * typed arrays (plan.ts keeps flat copies of the plans), so each is optimized early and on its own.
 */
import * as faultsMod from './faults.js';
import type { Note } from './faults.js';
import * as headroomMod from './headroom.js';
import * as iocpuMod from './iocpu.js';
import * as memoryMod from './memory.js';
import * as nicMod from './nicqueue.js';
import * as swapMod from './swapfault.js';
import * as cpuviewMod from './cpuview.js';
import * as drainPassMod from './drainPass.js';
import * as isolatedMod from './isolated.js';
import * as isoDrainMod from './isoDrain.js';
import * as journalMod from './journal.js';
import * as outcomeMod from './outcome.js';
import * as planMod from './plan.js';
import type { SimState } from './state.js';
import * as workloadMod from './workload.js';
import * as codes from './work.js';
import type { Work } from './work.js';

// Module-local copies: imported bindings are read through getters by some loaders, too slow for the hot loop.
const { STATE_DOWN, STATE_REBOOTING } = codes;
const { advanceFaults, faultFlags } = faultsMod;
const { ioAndCpu } = iocpuMod;
const { deviceHeadroom } = headroomMod;
const { memory } = memoryMod;
const { nicQueueDelayMs } = nicMod;
const { swapFaultMs } = swapMod;
const { totals, cpuOutcome } = cpuviewMod;
const { dirtying, drainedPass } = drainPassMod;
const { isolated } = isolatedMod;
const { isolatedDrains } = isoDrainMod;
const { journalWaitMs, orderedDrainMs, syncDiskLoad } = journalMod;
const { service } = outcomeMod;
const { planStale, syncPlan, syncLoads } = planMod;
const { workloadMultipliers } = workloadMod;

/** Computes tick `st.tick` into `w`, then advances `st.tick`. Notes (OOM kills, reboots) go to `notes`. */
export function computeTick(st: SimState, w: Work, notes: Note[]): void {
  const p = st.profile;
  const host = st.host;
  const ctx = w.ctx;
  if (planStale(w.plan, st)) {
    syncPlan(w.plan, st);
    w.isoReady = false;
  } else if (st.loadDirtyCount > 0) {
    // The isolated result of a VPS whose sliders moved is no longer its own.
    const dirty = st.loadDirty;
    for (let j = 0; j < st.loadDirtyCount; j++) w.isoLambda[dirty[j]] = NaN;
    syncLoads(w.plan, st);
  }
  advanceFaults(st, notes);
  const flags = faultFlags(st, w);
  const hostDown = flags.hostDown;
  const dom0Down = flags.dom0Down;

  demands(st, w, hostDown || flags.kernelDown, dom0Down && p.dom0);
  const memStalled = memory(st, w, notes);
  ioAndCpu(st, w, dom0Down);
  const sumGot = totals(st, w, ctx);
  // The CPU outcome first: how far each VPS's own CPU holds its service tells the devices who drains.
  cpuOutcome(st, w, ctx);
  // (Before the devices: a hung kernel or a memory stall holds every service, drains included.)
  ctx.hung = flags.kernelHung || memStalled;
  const dom0Scale = deviceHeadroom(st, w, dom0Down);

  // --- Device utilizations --------------------------------------------------------------------
  const sh = w.shared;
  const sumDisk = sh.sumDisk,
    sumNet = sh.sumNet,
    res = sh.sumResident;
  const dom0Work = sh.dom0Work;
  const uDisk = Math.min(1, sumDisk / host.diskIops);
  const sc = w.s;
  const syncDisk = syncDiskLoad(
    p,
    st.vps.length,
    sumDisk,
    sc.diskServed,
    sc.diskBase,
    sc.diskFault,
    sc.faultIoScale,
  );
  const uNet = Math.min(1, sumNet / host.netMbps);
  const uDom0 = p.dom0 && p.dom0Vcpus > 0 ? Math.min(1, dom0Work / p.dom0Vcpus) : 0;

  ctx.uDisk = Math.min(1, syncDisk / host.diskIops);
  // (The writeback served after it: a request that finds some at the device waits for its rest.)
  ctx.uDiskAsync = Math.min(1, (sumDisk - syncDisk) / host.diskIops);
  ctx.uNet = uNet;
  ctx.uDom0 = uDom0;
  ctx.netQueueMs = nicQueueDelayMs(
    sh.sumNetOffered,
    host.netMbps,
    st.params.nicQueuePackets,
    st.params.netPacketBytes,
  );
  const kp = st.params;
  const faultsPerS = sh.swapTouch * kp.swapPagesPerRequest;
  ctx.swapFaultMs =
    faultsPerS > 0
      ? swapFaultMs(faultsPerS + sh.swapOutPagesPerS, host.diskIops, uDisk, kp.swapReadMs, kp.stageSlots)
      : 0;
  ctx.journalMs =
    p.sharedKernel && !w.ioQuiet
      ? journalWaitMs(p, st.params, host.diskIops, dirtying(w, st.vps.length, st.params.webWriteShare))
      : 0;
  ctx.journalDrainMs =
    p.sharedKernel && !w.ioQuiet
      ? orderedDrainMs(
          p,
          st.params,
          st.vps.length,
          w.s.diskBase,
          w.drainDom0.disk,
          w.s.diskFault,
          w.plan.dPath,
        )
      : 0;
  ctx.downCode = hostDown || flags.kernelDown ? STATE_DOWN : STATE_REBOOTING;
  isolated(st, w);
  isolatedDrains(st, w);
  service(st, w, ctx, false);
  // The drained work in the waits of the same tick, and only that of the requests answered (drainPass.ts).
  drainedPass(st, w, sumDisk, sumNet, syncDisk, dom0Work, uDom0, faultsPerS);
  const dd = w.drainDom0;

  // --- Host -----------------------------------------------------------------------------------
  const h = w.host;
  // Dom0 also worked for the ops drained from backlogs (the service pass summed them), and a backend
  // above the fair level gave up to them what a drainer under it took (settled above).
  const dom0More = dd.work - dd.displaced;
  h.cpuUtil = Math.min(1, (sumGot + dom0More) / host.cores);
  h.memUsedGiB = Math.min(res, host.ramGiB);
  h.hostSwapGiB = sh.hostSwapGiB;
  h.diskUtil = Math.min(1, sh.sumDisk / host.diskIops);
  h.netUtil = Math.min(1, sh.sumNet / host.netMbps);
  h.dom0CpuUtil = p.dom0 && p.dom0Vcpus > 0 ? Math.min(1, (sh.dom0Got + dom0More) / p.dom0Vcpus) : 0;
  h.cpuIdleCores = Math.max(0, ctx.idle - dom0More);
  h.hostOsCpuUtil = sh.hostOsCpu / host.cores;
  // (Busy as the waits read it: with what was drained.)
  sh.diskU = h.diskUtil;
  sh.netU = h.netUtil;
  sh.dom0Scale = dom0Down ? 0 : dom0Scale;
  sh.kernelCulprit = flags.kernelCulprit;
  st.tick++;
}

/** Per-VPS demands of this tick: requests, memory, CPU, devices, fault intensities. */
function demands(st: SimState, w: Work, allDown: boolean, ioStopped: boolean): void {
  const n = st.vps.length;
  const p = st.profile;
  const s = w.s;
  const pl = w.plan;
  const dyn = st.dyn;
  const dt = st.tickMs / 1000;
  const tick = st.tick;
  const vcpusA = pl.vcpus,
    diskIopsA = pl.diskIops,
    netMbpsA = pl.netMbps,
    ramA = pl.ramGiB;
  const loadCpu = pl.loadCpu,
    loadMem = pl.loadMem,
    loadDisk = pl.loadDisk,
    loadNet = pl.loadNet;
  const code = pl.profileCode;
  const up_ = s.up,
    lambdaA = s.lambda,
    memDemand = s.memDemand,
    appCpu = s.appCpu,
    bgCpu = s.bgCpu;
  const diskBase = s.diskBase,
    diskFault = s.diskFault,
    netBase = s.netBase,
    netFault = s.netFault;
  const serviceFactor = s.serviceFactor;
  const hog = s.hog,
    bomb = s.bomb,
    storm = s.storm,
    flood = s.flood,
    floodRx = s.floodRx,
    netRx = s.netRx,
    leakRate = s.leakRate,
    panic = s.panic;
  const downUntil = dyn.downUntil,
    leakGiB = dyn.leakGiB;
  const mults = s.mult;
  if (pl.noisy > 0) {
    workloadMultipliers(st, code, n, mults);
    w.multsOne = false;
  } else if (!w.multsOne) {
    mults.fill(1, 0, n);
    w.multsOne = true;
  }
  if (w.ioScaled) {
    s.faultIoScale.fill(1, 0, n);
    w.ioScaled = false;
  }
  const KNOBS = st.params;
  const rps = KNOBS.rpsPerVcpu,
    stormFactor = KNOBS.ioStormFactor,
    hostNet = st.host.netMbps;
  // A fork bomb fills the process table: a guest kernel hangs; a container stopped by its pids.max keeps a little.
  const bombService = p.sharedKernel && p.forkBombRadius === 'guest' ? KNOBS.forkBombLimitedService : 0;
  let io = false;
  if (w.faultsSet) {
    for (let i = 0; i < n; i++) {
      const up = !allDown && !(panic[i] > 0 || downUntil[i] > tick);
      up_[i] = up ? 1 : 0;
      const mult = mults[i];
      const vc = vcpusA[i];
      const lc = Math.min(4, loadCpu[i] * mult),
        ld = Math.min(4, loadDisk[i] * mult),
        ln = Math.min(4, loadNet[i] * mult);
      lambdaA[i] = rps * vc * Math.max(lc, ld, ln);
      if (leakRate[i] > 0 && up) leakGiB[i] += leakRate[i] * dt;
      memDemand[i] = up ? loadMem[i] * ramA[i] + leakGiB[i] : 0;
      // A service whose requests need I/O blocks while its I/O is stopped: it burns no CPU.
      appCpu[i] = up && !(ioStopped && (ld > 0 || ln > 0)) ? lc * vc : 0;
      bgCpu[i] = up && (hog[i] > 0 || bomb[i] > 0) ? vc * Math.max(hog[i], bomb[i] > 0 ? 1 : 0) : 0;
      const d = up ? ld * diskIopsA[i] : 0;
      const df = up ? storm[i] * stormFactor * diskIopsA[i] : 0;
      const nt = up ? ln * netMbpsA[i] : 0;
      // A flood the guest sends takes its transmit side; one aimed at it arrives on the receive side.
      const nFlood = up ? Math.min(hostNet, flood[i] * hostNet) : 0;
      const rx = floodRx[i] > 0;
      const nf = rx ? 0 : nFlood;
      diskBase[i] = d;
      diskFault[i] = df;
      netBase[i] = nt;
      netFault[i] = nf;
      netRx[i] = rx ? nFlood : 0;
      if (d > 0 || df > 0 || nt > 0 || nFlood > 0) io = true;
      serviceFactor[i] = !up ? 0 : bomb[i] > 0 ? bombService : 1;
    }
    w.faultDemandsZero = false;
  } else {
    // No fault: no background CPU, storm or flood, and only a reboot or OOM restart keeps a VPS down.
    if (!w.faultDemandsZero) {
      bgCpu.fill(0, 0, n);
      diskFault.fill(0, 0, n);
      netFault.fill(0, 0, n);
      s.netRx.fill(0, 0, n);
      w.faultDemandsZero = true;
    }
    // What each VPS asks of the devices (the I/O phase's first pass reads it): its base demand up
    // to its path, as `diskBase + diskFault × scale` is with no storm or flood.
    const diskWant = s.diskWant,
      netWant = s.netWant,
      dPath = pl.dPath,
      nPath = pl.nPath;
    let wants = false;
    for (let i = 0; i < n; i++) {
      const up = !allDown && !(downUntil[i] > tick);
      up_[i] = up ? 1 : 0;
      const mult = mults[i];
      const vc = vcpusA[i];
      const lc = Math.min(4, loadCpu[i] * mult),
        ld = Math.min(4, loadDisk[i] * mult),
        ln = Math.min(4, loadNet[i] * mult);
      lambdaA[i] = rps * vc * Math.max(lc, ld, ln);
      memDemand[i] = up ? loadMem[i] * ramA[i] + leakGiB[i] : 0;
      appCpu[i] = up && !(ioStopped && (ld > 0 || ln > 0)) ? lc * vc : 0;
      const d = up ? ld * diskIopsA[i] : 0;
      const nt = up ? ln * netMbpsA[i] : 0;
      diskBase[i] = d;
      netBase[i] = nt;
      if (d > 0 || nt > 0) io = true;
      serviceFactor[i] = up ? 1 : 0;
      const dw = Math.min(d + 0, dPath[i]),
        nw = Math.min(nt + 0, nPath[i]);
      diskWant[i] = dw;
      netWant[i] = nw;
      if (dw > 0 || nw > 0) wants = true;
    }
    w.wantsAny = wants;
  }
  w.wantsReady = !w.faultsSet;
  w.ioMaybe = io;
}
