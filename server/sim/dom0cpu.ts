/**
 * Dom0's CPU and the guests' I/O work it carries (model spec §5, para): what each guest's own I/O
 * costs when Dom0 cannot carry all of it, and Dom0's work charged to the guests that caused it
 * ([G06]'s SEDF-DC, with `dom0Charging`).
 */
import * as allocMod from './allocate.js';
import { splitBackends, type Backends } from './backends.js';
import type { Work } from './work.js';

const { waterFillDomain } = allocMod;

/**
 * What `dom0Carry` scales (each guest's own I/O CPU and its CPU demand), as the tick's first I/O
 * pass left it where no storm, flood or host OS makes a later pass differ, with that pass's
 * tick-wide sums: the pass that carries Dom0's grant puts it back instead of redoing the same I/O.
 */
export class CarryBase {
  readonly svcIoCpu: Float64Array;
  readonly faultIoCpu: Float64Array;
  readonly cpuDemand: Float64Array;
  readonly cpuAvail: Float64Array;
  valid = false;
  dom0Work = 0;
  hostOsNative = 0;
  /** How many of `cpuAvail` the pass filled (0 or n). */
  availDone = 0;
  constructor(n: number) {
    this.svcIoCpu = new Float64Array(n);
    this.faultIoCpu = new Float64Array(n);
    this.cpuDemand = new Float64Array(n);
    this.cpuAvail = new Float64Array(n);
  }
}

/** Keeps what the I/O pass left in `s` (`n` VPSs) and its sums, before `dom0Carry` scales it. */
export function saveCarryBase(
  n: number,
  s: Work['s'],
  cb: CarryBase,
  dom0Work: number,
  hostOsNative: number,
  availDone: number,
): void {
  // (Loops, not views: a subarray is an object allocated each tick. The arrays read once: in the
  // loop each read would load the field again.)
  const svcIo = s.svcIoCpu,
    faultIo = s.faultIoCpu,
    demand = s.cpuDemand,
    avail = s.cpuAvail;
  const bSvcIo = cb.svcIoCpu,
    bFaultIo = cb.faultIoCpu,
    bDemand = cb.cpuDemand,
    bAvail = cb.cpuAvail;
  for (let i = 0; i < n; i++) {
    bSvcIo[i] = svcIo[i];
    bFaultIo[i] = faultIo[i];
    bDemand[i] = demand[i];
  }
  for (let i = 0; i < availDone; i++) bAvail[i] = avail[i];
  cb.dom0Work = dom0Work;
  cb.hostOsNative = hostOsNative;
  cb.availDone = availDone;
  cb.valid = true;
}

/** Puts back what `saveCarryBase` kept (the sums are read from `cb`). */
export function restoreCarryBase(n: number, s: Work['s'], cb: CarryBase): void {
  // (`cb` holds n of each: a copy of the whole of it.)
  s.svcIoCpu.set(cb.svcIoCpu);
  s.faultIoCpu.set(cb.faultIoCpu);
  s.cpuDemand.set(cb.cpuDemand);
  const availDone = cb.availDone;
  const avail = s.cpuAvail,
    bAvail = cb.cpuAvail;
  for (let i = 0; i < availDone; i++) avail[i] = bAvail[i];
}

/**
 * Scales each guest's own I/O CPU (its service's, its storm's or flood's, its inbound flood's) to
 * the share of its backends' work Dom0 can carry, `capacity` (its vCPUs, or the grant of a Dom0 the
 * host's cores held below its want) split max-min among the backends, one per virtual device
 * (backends.ts), and its CPU demand with it: its disk I/O CPU by what its blkback carries, its
 * network I/O CPU by what its netback carries. (headroom.ts splits what the scheduler then grants
 * Dom0.) `avail`: the CPU split's capped demands are already filled and follow. `diskOpCpuS`:
 * native cores per disk op per second, × `dom0Factor` in Dom0 and × `own` in the guest (× `stormOpShare`
 * more for a storm's ops: parts of large requests, iocpu.ts).
 */
export function dom0Carry(
  n: number,
  s: Work['s'],
  b: Backends,
  vcpus: Float64Array,
  capacity: number,
  avail: boolean,
  diskOpCpuS: number,
  dom0Factor: number,
  own: number,
  stormOpShare: number,
): void {
  // (Called only where Dom0's work exceeds `capacity`: the split is contended, which spares its solver a pass.)
  splitBackends(n, s, b, capacity, diskOpCpuS, dom0Factor, true);
  const want = b.want,
    got = b.got;
  // (The arrays read once: in the loop each read would load the field again.)
  const svcIoCpu = s.svcIoCpu,
    faultIoCpu = s.faultIoCpu,
    rxCpu = s.rxCpu,
    diskBase = s.diskBase,
    diskFault = s.diskFault,
    faultIoScale = s.faultIoScale,
    diskServed = s.diskServed,
    appCpu = s.appCpu,
    bgCpu = s.bgCpu,
    cpuDemand = s.cpuDemand,
    cpuAvail = s.cpuAvail,
    cpuLimit = s.cpuLimit;
  for (let i = 0; i < n; i++) {
    const wd = want[i],
      wn = want[n + i];
    let fd = 1,
      fn = 1;
    if (wd > 0) fd = got[i] / wd;
    if (wn > 0) fn = got[n + i] / wn;
    // (Both compared whatever the first says: V8 throws away optimized code at the first run of a
    // comparison it never saw run, and a VPS whose disk Dom0 carries whole may come late.)
    const heldD = fd < 1,
      heldN = fn < 1;
    if (!heldD && !heldN) continue;
    let svcIo: number, faultIo: number;
    if (fd === fn) {
      // Both held alike (or one device only): all its own I/O CPU scales alike.
      svcIo = svcIoCpu[i] * fd;
      faultIo = faultIoCpu[i] * fd;
      rxCpu[i] *= fd;
    } else {
      // Its own disk I/O CPU (service and storm, in proportion to their demands, as iocpu.ts splits
      // it) follows its blkback; the rest, network and inbound, its netback.
      const db = diskBase[i];
      const dTot = db + diskFault[i] * faultIoScale[i];
      const selfDisk = own * diskServed[i] * diskOpCpuS;
      const svcD = dTot > 0 ? (selfDisk * db) / dTot : 0;
      const faultD = Math.max(0, selfDisk - svcD) * stormOpShare;
      const svcN = Math.max(0, svcIoCpu[i] - svcD),
        faultN = Math.max(0, faultIoCpu[i] - faultD);
      svcIo = svcD * fd + svcN * fn;
      faultIo = faultD * fd + faultN * fn;
      rxCpu[i] *= fn;
    }
    svcIoCpu[i] = svcIo;
    faultIoCpu[i] = faultIo;
    const cd = Math.min(vcpus[i], appCpu[i] + bgCpu[i] + svcIo + faultIo + rxCpu[i]);
    cpuDemand[i] = cd;
    if (avail) cpuAvail[i] = Math.min(cd, cpuLimit[i]);
  }
}

/**
 * Dom0 charging ([G06]): a guest's grant covered its own work and its backend's work in
 * proportion; the backend part (at most what Dom0's vCPUs hold, split max-min among the
 * backends) goes to Dom0 and the rest stays the guest's. Returns Dom0's CPU.
 */
export function chargeDom0(n: number, s: Work['s'], ones: Float64Array, dom0Cap: number): number {
  const cpuGot = s.cpuGot,
    cpuDemand = s.cpuDemand,
    cause = s.dom0Cause,
    charge = s.dom0Charge,
    limit = s.cpuLimit;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const c = cause[i];
    const own = Math.min(cpuDemand[i], limit[i]);
    const g = cpuGot[i];
    // (A grant covering both pays the backends' work whole: g·c/(own + c) may round below c, and a
    // backend paid a hair short reads as held back, its guest's I/O headroom cut to what it is served.)
    let part = 0;
    if (c > 0) part = g >= own + c ? c : (g * c) / (own + c);
    charge[i] = part;
    total += part;
  }
  if (total > dom0Cap) {
    waterFillDomain(n, charge, ones, dom0Cap, s.vmNeed, 0);
    total = 0;
    for (let i = 0; i < n; i++) {
      charge[i] = s.vmNeed[i];
      total += charge[i];
    }
  }
  for (let i = 0; i < n; i++)
    cpuGot[i] = Math.min(Math.min(cpuDemand[i], limit[i]), Math.max(0, cpuGot[i] - charge[i]));
  return total;
}

/**
 * Dom0 beside fixed quotas (para with `cpuPolicy: quota`): it runs on idle cores first; where it
 * finds too few (`short`), it is one more scheduling entity with its own weight and the cores are
 * shared max-min by weight, each guest capped at its quota (`cpuGot` holds min(demand, quota) on
 * entry and its grant on return). Leaves the split's inputs in `vmNeed` (slot n: Dom0) and, where a
 * guest asking its whole quota would meet Dom0, `sh.quotaHead` and the level for its headroom
 * (cpuview.ts). Returns Dom0's CPU.
 */
export function shareDom0(
  n: number,
  s: Work['s'],
  sh: Work['shared'],
  dom0Want: number,
  dom0Weight: number,
  capacity: number,
  short: boolean,
): number {
  const cpuGot = s.cpuGot,
    cpuAvail = s.cpuAvail,
    cpuLimit = s.cpuLimit,
    weight = s.weight;
  const need = s.vmNeed;
  let sumLimit = 0;
  for (let i = 0; i < n; i++) {
    need[i] = cpuGot[i];
    cpuAvail[i] = cpuLimit[i];
    sumLimit += cpuLimit[i];
  }
  need[n] = dom0Want;
  weight[n] = dom0Weight;
  sh.quotaHead = sumLimit + dom0Want > capacity;
  sh.quotaLevel = 1 / 0;
  if (!short) return dom0Want;
  sh.quotaLevel = waterFillDomain(n + 1, need, weight, capacity, cpuGot, 0);
  return cpuGot[n];
}
