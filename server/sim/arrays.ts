/**
 * The per-tick arrays of the step, struct-of-arrays: per-VPS scratch (one extra slot for Dom0 as a
 * scheduling entity), the published per-VPS metrics, the host figures and the shared-device
 * figures. Classes with declared fields (not records filled in a loop) so property access stays fast.
 */
import { HOST_METRICS, VPS_METRICS, type HostMetricName, type VpsMetricName } from '../../shared/model.js';
export const SCRATCH = [
  'appCpu',
  'bgCpu',
  'svcIoCpu',
  'svcIoNeed',
  'faultIoCpu',
  'cpuDemand',
  'cpuLimit',
  'weight',
  'cpuGot',
  'cpuAvail',
  'diskBase',
  'diskFault',
  'diskWant',
  'diskServed',
  'diskAvail',
  'netBase',
  'netFault',
  'netWant',
  'netServed',
  'netAvail',
  'memDemand',
  'resident',
  'guestSwap',
  'swapFrac',
  'memSlow',
  'memSlowIso',
  'pressure',
  'slow',
  'serviceFactor',
  'lambda',
  'faultIoScale',
  'vmNeed',
  'dom0Cause',
  'dom0Served',
  'dom0Charge',
  'hostOsCause',
  'good',
  'hog',
  'storm',
  'flood',
  'floodRx',
  'netRx',
  'rxCpu',
  'thrash',
  'bomb',
  'leakRate',
  'panic',
  'up',
  'mult',
  'cpuHead',
] as const;
export type ScratchName = (typeof SCRATCH)[number];

/** Per-VPS scratch of one tick (slot n is Dom0). */
export class ScratchArrays implements Record<ScratchName, Float64Array> {
  appCpu: Float64Array;
  bgCpu: Float64Array;
  svcIoCpu: Float64Array;
  /** Own I/O CPU its service's requests need (what its plan and the device let them ask, served or not). */
  svcIoNeed: Float64Array;
  faultIoCpu: Float64Array;
  cpuDemand: Float64Array;
  cpuLimit: Float64Array;
  weight: Float64Array;
  cpuGot: Float64Array;
  cpuAvail: Float64Array;
  diskBase: Float64Array;
  diskFault: Float64Array;
  diskWant: Float64Array;
  diskServed: Float64Array;
  diskAvail: Float64Array;
  netBase: Float64Array;
  netFault: Float64Array;
  netWant: Float64Array;
  netServed: Float64Array;
  netAvail: Float64Array;
  memDemand: Float64Array;
  resident: Float64Array;
  guestSwap: Float64Array;
  /** Share of the VPS's memory that is swapped out (its own swap and its part of the host's). */
  swapFrac: Float64Array;
  memSlow: Float64Array;
  memSlowIso: Float64Array;
  pressure: Float64Array;
  slow: Float64Array;
  serviceFactor: Float64Array;
  lambda: Float64Array;
  faultIoScale: Float64Array;
  vmNeed: Float64Array;
  dom0Cause: Float64Array;
  /** Dom0 CPU its backend got for this guest (max-min fair among the guests' backends). */
  dom0Served: Float64Array;
  /** With dom0Charging: the part of the guest's own grant that paid for its Dom0 work. */
  dom0Charge: Float64Array;
  hostOsCause: Float64Array;
  good: Float64Array;
  hog: Float64Array;
  storm: Float64Array;
  flood: Float64Array;
  /** 1 where the VPS's flood is aimed at it from outside (`direction: "rx"`). */
  floodRx: Float64Array;
  /** Inbound flood arriving for the VPS, Mbit/s (its receive side of the link, not its transmit). */
  netRx: Float64Array;
  /** CPU the guest's own kernel spends taking an inbound flood in (it yields to the service: TCP flow control). */
  rxCpu: Float64Array;
  thrash: Float64Array;
  bomb: Float64Array;
  leakRate: Float64Array;
  panic: Float64Array;
  up: Float64Array;
  /** Workload profile multiplier of this tick. */
  mult: Float64Array;
  /** CPU the VPS could get this tick (its headroom; the service's capacity). */
  cpuHead: Float64Array;
  constructor(n: number) {
    this.appCpu = new Float64Array(n + 1);
    this.bgCpu = new Float64Array(n + 1);
    this.svcIoCpu = new Float64Array(n + 1);
    this.svcIoNeed = new Float64Array(n + 1);
    this.faultIoCpu = new Float64Array(n + 1);
    this.cpuDemand = new Float64Array(n + 1);
    this.cpuLimit = new Float64Array(n + 1);
    this.weight = new Float64Array(n + 1);
    this.cpuGot = new Float64Array(n + 1);
    this.cpuAvail = new Float64Array(n + 1);
    this.diskBase = new Float64Array(n + 1);
    this.diskFault = new Float64Array(n + 1);
    this.diskWant = new Float64Array(n + 1);
    this.diskServed = new Float64Array(n + 1);
    this.diskAvail = new Float64Array(n + 1);
    this.netBase = new Float64Array(n + 1);
    this.netFault = new Float64Array(n + 1);
    this.netWant = new Float64Array(n + 1);
    this.netServed = new Float64Array(n + 1);
    this.netAvail = new Float64Array(n + 1);
    this.memDemand = new Float64Array(n + 1);
    this.resident = new Float64Array(n + 1);
    this.guestSwap = new Float64Array(n + 1);
    this.swapFrac = new Float64Array(n + 1);
    this.memSlow = new Float64Array(n + 1);
    this.memSlowIso = new Float64Array(n + 1);
    this.pressure = new Float64Array(n + 1);
    this.slow = new Float64Array(n + 1);
    this.serviceFactor = new Float64Array(n + 1);
    this.lambda = new Float64Array(n + 1);
    this.faultIoScale = new Float64Array(n + 1);
    this.vmNeed = new Float64Array(n + 1);
    this.dom0Cause = new Float64Array(n + 1);
    this.dom0Served = new Float64Array(n + 1);
    this.dom0Charge = new Float64Array(n + 1);
    this.hostOsCause = new Float64Array(n + 1);
    this.good = new Float64Array(n + 1);
    this.hog = new Float64Array(n + 1);
    this.storm = new Float64Array(n + 1);
    this.flood = new Float64Array(n + 1);
    this.floodRx = new Float64Array(n + 1);
    this.netRx = new Float64Array(n + 1);
    this.rxCpu = new Float64Array(n + 1);
    this.thrash = new Float64Array(n + 1);
    this.bomb = new Float64Array(n + 1);
    this.leakRate = new Float64Array(n + 1);
    this.panic = new Float64Array(n + 1);
    this.up = new Float64Array(n + 1);
    this.mult = new Float64Array(n + 1).fill(1);
    this.cpuHead = new Float64Array(n + 1);
  }
}

/** Per-VPS published metrics of the last tick. */
export class MetricArrays implements Record<VpsMetricName, Float64Array> {
  cpuDemand: Float64Array;
  cpuGranted: Float64Array;
  cpuUseful: Float64Array;
  cpuSteal: Float64Array;
  cpuThrottled: Float64Array;
  memDemandGiB: Float64Array;
  memResidentGiB: Float64Array;
  memSwappedGiB: Float64Array;
  diskDemandIops: Float64Array;
  diskServedIops: Float64Array;
  netDemandMbps: Float64Array;
  netServedMbps: Float64Array;
  latencyMeanMs: Float64Array;
  latencyP99Ms: Float64Array;
  throughputRps: Float64Array;
  errorRate: Float64Array;
  goodFraction: Float64Array;
  degradation: Float64Array;
  health: Float64Array;
  demandRps: Float64Array;
  schedWaitMs: Float64Array;
  latencyP99IsolatedMs: Float64Array;
  backlog: Float64Array;
  latencyP95Ms: Float64Array;
  diskLatencyMs: Float64Array;
  constructor(n: number) {
    this.cpuDemand = new Float64Array(n);
    this.cpuGranted = new Float64Array(n);
    this.cpuUseful = new Float64Array(n);
    this.cpuSteal = new Float64Array(n);
    this.cpuThrottled = new Float64Array(n);
    this.memDemandGiB = new Float64Array(n);
    this.memResidentGiB = new Float64Array(n);
    this.memSwappedGiB = new Float64Array(n);
    this.diskDemandIops = new Float64Array(n);
    this.diskServedIops = new Float64Array(n);
    this.netDemandMbps = new Float64Array(n);
    this.netServedMbps = new Float64Array(n);
    this.latencyMeanMs = new Float64Array(n);
    this.latencyP99Ms = new Float64Array(n);
    this.throughputRps = new Float64Array(n);
    this.errorRate = new Float64Array(n);
    this.goodFraction = new Float64Array(n);
    this.degradation = new Float64Array(n);
    this.health = new Float64Array(n);
    this.demandRps = new Float64Array(n);
    this.schedWaitMs = new Float64Array(n);
    this.latencyP99IsolatedMs = new Float64Array(n);
    this.backlog = new Float64Array(n);
    this.latencyP95Ms = new Float64Array(n);
    this.diskLatencyMs = new Float64Array(n);
  }
}

/** Host metrics of the last tick (fields start as doubles so their representation never changes). */
export class HostFigures implements Record<HostMetricName, number> {
  cpuUtil = 0.5;
  memUsedGiB = 0.5;
  hostSwapGiB = 0.5;
  diskUtil = 0.5;
  netUtil = 0.5;
  dom0CpuUtil = 0.5;
  fairness = 0.5;
  running = 0.5;
  cpuIdleCores = 0.5;
  hostOsCpuUtil = 0.5;
  constructor() {
    this.cpuUtil = 0;
    this.memUsedGiB = 0;
    this.hostSwapGiB = 0;
    this.diskUtil = 0;
    this.netUtil = 0;
    this.dom0CpuUtil = 0;
    this.fairness = 0;
    this.running = 0;
    this.cpuIdleCores = 0;
    this.hostOsCpuUtil = 0;
  }
}

/** Shared-device figures of the last tick (for attribution) and per-tick scalars between phases. */
export class SharedFigures {
  diskU = 0.5;
  netU = 0.5;
  dom0Scale = 0.5;
  dom0Work = 0.5;
  hostSwapGiB = 0.5;
  kernelCulprit = -1;
  level = 0.5;
  dom0Got = 0.5;
  /** What Dom0 can carry of the backends' work: its vCPUs, or its grant where the cores held it below its want. */
  dom0Cap = 0.5;
  hostOsCpu = 0.5;
  /** Σ resident, Σ disk and network served of this tick (exact sums in VPS order). */
  sumResident = 0.5;
  sumDisk = 0.5;
  sumNet = 0.5;
  /** Σ traffic offered to the NIC's transmit queue (after plan caps and Dom0), Mbit/s. */
  sumNetOffered = 0.5;
  /** Σ over VPSs of request rate × swapped share: how often requests reach for swapped memory, per page touched. */
  swapTouch = 0.5;
  /** Pages written out to swap per second (leaks growing into swap). */
  swapOutPagesPerS = 0.5;
  /**
   * Under fixed quotas with a Dom0: whether a guest asking its whole quota would share cores with
   * Dom0 (its headroom is then a max-min split, cpuview.ts), and the level of the cores' split
   * (Infinity: Dom0 found idle cores enough).
   */
  quotaHead = false;
  quotaLevel = 0.5;
  /** Fair levels of the device split (max-min; 0 for a full FIFO queue; Infinity: all fit). */
  diskLevel = 0.5;
  netLevel = 0.5;
  constructor() {
    this.diskU = 0;
    this.netU = 0;
    this.dom0Scale = 1;
    this.dom0Work = 0;
    this.hostSwapGiB = 0;
    this.level = Infinity;
    this.quotaLevel = Infinity;
    this.dom0Got = 0;
    this.dom0Cap = 0;
    this.hostOsCpu = 0;
    this.sumResident = 0;
    this.sumDisk = 0;
    this.sumNet = 0;
    this.sumNetOffered = 0;
    this.swapTouch = 0;
    this.swapOutPagesPerS = 0;
    this.diskLevel = Infinity;
    this.netLevel = Infinity;
  }
}

/** Every published metric name has an array (checked once at load). */
for (const k of VPS_METRICS)
  if (!(new MetricArrays(0)[k] instanceof Float64Array)) throw new Error(`work: no array for metric ${k}`);
for (const k of HOST_METRICS)
  if (typeof new HostFigures()[k] !== 'number') throw new Error(`work: no host figure ${k}`);
