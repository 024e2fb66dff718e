/**
 * Scratch and output arrays of the step, struct-of-arrays, sized once per VPS count (one extra slot
 * for Dom0 as a scheduling entity). The published metric arrays are views a caller may read.
 * Classes with declared fields (not records filled in a loop) so property access stays fast.
 */
import { HOST_METRICS, VPS_METRICS, type HostMetricName, type VpsMetricName } from '../../shared/model.js';
import { PlanArrays } from './plan.js';
import type { FaultFlags } from './faults.js';
import { newServiceIn, newServiceOut, type ServiceIn, type ServiceOut } from './service.js';

export const SCRATCH = [
  'appCpu',
  'bgCpu',
  'svcIoCpu',
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
  'thrash',
  'bomb',
  'leakRate',
  'panic',
  'up',
] as const;
export type ScratchName = (typeof SCRATCH)[number];

/** VPS states as codes (index into VPS_STATES). */
export const STATE_RUNNING = 0;
export const STATE_DEGRADED = 1;
export const STATE_DNR = 2;
export const STATE_DOWN = 3;
export const STATE_REBOOTING = 4;

/** Per-VPS scratch of one tick (slot n is Dom0). */
export class ScratchArrays implements Record<ScratchName, Float64Array> {
  appCpu: Float64Array;
  bgCpu: Float64Array;
  svcIoCpu: Float64Array;
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
  thrash: Float64Array;
  bomb: Float64Array;
  leakRate: Float64Array;
  panic: Float64Array;
  up: Float64Array;
  constructor(n: number) {
    this.appCpu = new Float64Array(n + 1);
    this.bgCpu = new Float64Array(n + 1);
    this.svcIoCpu = new Float64Array(n + 1);
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
    this.thrash = new Float64Array(n + 1);
    this.bomb = new Float64Array(n + 1);
    this.leakRate = new Float64Array(n + 1);
    this.panic = new Float64Array(n + 1);
    this.up = new Float64Array(n + 1);
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
  hostOsCpu = 0.5;
  /** Σ resident, Σ disk and network served of this tick (exact sums in VPS order). */
  sumResident = 0.5;
  sumDisk = 0.5;
  sumNet = 0.5;
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
    this.dom0Got = 0;
    this.hostOsCpu = 0;
    this.sumResident = 0;
    this.sumDisk = 0;
    this.sumNet = 0;
    this.diskLevel = Infinity;
    this.netLevel = Infinity;
  }
}

/** Tick-wide inputs of the service pass. */
export interface ServiceContext {
  hung: boolean;
  uDisk: number;
  uNet: number;
  uDom0: number;
  /** State code of a VPS that is not up (host or shared kernel down: DOWN, else REBOOTING). */
  downCode: number;
  /** A work-conserving share whose water level is finite (someone is held back). */
  contended: boolean;
  idle: number;
  waitMs: number;
  /** Chance a waking vCPU finds every core taken (shared policies). */
  busyP: number;
  /** Σ (core time held × half a run) over running entities, core·ms. */
  heldMs: number;
  /** Σ granted CPU (guests, Dom0, host OS). */
  sumGot: number;
  /** Σ memory-bandwidth pressure. */
  sumP: number;
}

export class Work {
  readonly size: number;
  /** Reused per-tick scratch objects (one set per engine). */
  readonly ctx: ServiceContext = {
    hung: false,
    uDisk: 0.5,
    uNet: 0.5,
    uDom0: 0.5,
    downCode: 0,
    contended: false,
    idle: 0.5,
    waitMs: 0.5,
    busyP: 0.5,
    heldMs: 0.5,
    sumGot: 0.5,
    sumP: 0.5,
  };
  readonly flags: FaultFlags = { hostDown: false, dom0Down: false, kernelDown: false, kernelHung: false, kernelCulprit: -1 };
  readonly sin: ServiceIn = newServiceIn();
  readonly sout: ServiceOut = newServiceOut();
  readonly s: ScratchArrays;
  readonly m: MetricArrays;
  readonly stateCode: Uint8Array;
  readonly host: HostFigures;
  readonly shared: SharedFigures;
  /** Flat plan arrays (see plan.ts). */
  readonly plan: PlanArrays;
  /** Unit weights for max-min device sharing. */
  readonly ones: Float64Array;
  /**
   * The isolated counterfactual is a pure function of the plan, lambda and base demands: its
   * result is kept per VPS with the inputs it came from, and reused while they do not change.
   */
  readonly isoLambda: Float64Array;
  readonly isoDisk: Float64Array;
  readonly isoNet: Float64Array;
  readonly isoGood: Float64Array;
  readonly isoP99: Float64Array;
  /** The kept isolated results belong to the current plan arrays. */
  isoReady = false;
  /**
   * The service evaluation is a pure function of its inputs, and a VPS whose inputs (and backlog)
   * did not change since the last tick keeps last tick's outcome. Per VPS: the inputs it came from;
   * `svcKey` 0 means none kept, else 1 | useDisk << 1 | useNet << 2.
   */
  readonly svcLambda: Float64Array;
  readonly svcRhoCpu: Float64Array;
  readonly svcRhoDisk: Float64Array;
  readonly svcRhoNet: Float64Array;
  readonly svcExtraMs: Float64Array;
  readonly svcBacklog: Float64Array;
  readonly svcKey: Uint8Array;
  /** Device utilizations the kept outcomes were computed with. */
  svcU = { disk: 0.5, net: 0.5, dom0: 0.5 };
  /** Some per-VPS fault intensity may be non-zero (the arrays need clearing before the next tick). */
  faultsSet = false;
  /** Some storm or flood was scaled to its guest's CPU (`s.faultIoScale` needs resetting to 1). */
  ioScaled = false;
  /** Nobody did any I/O last tick: every I/O array (wants, served, their CPU) holds zeros. */
  ioQuiet = false;
  /** This tick's demands include some I/O (set by the demand phase; conservative). */
  ioMaybe = true;
  /** No fault last tick: the fault-driven demands (background CPU, storm, flood) hold zeros. */
  faultDemandsZero = false;

  constructor(n: number) {
    this.size = n;
    this.s = new ScratchArrays(n);
    this.m = new MetricArrays(n);
    this.stateCode = new Uint8Array(n);
    this.host = new HostFigures();
    this.shared = new SharedFigures();
    this.plan = new PlanArrays(n);
    // Plan-derived scratch is the plan array itself (slot n stays Dom0's).
    this.s.cpuLimit = this.plan.cap;
    this.s.weight = this.plan.weight;
    this.s.faultIoScale.fill(1);
    // Metrics that are a scratch array's final value are views of it, not copies.
    const m = this.m,
      sc = this.s;
    m.cpuDemand = sc.cpuDemand.subarray(0, n);
    m.cpuGranted = sc.cpuGot.subarray(0, n);
    m.memDemandGiB = sc.memDemand.subarray(0, n);
    m.memResidentGiB = sc.resident.subarray(0, n);
    m.memSwappedGiB = sc.guestSwap.subarray(0, n);
    m.diskServedIops = sc.diskServed.subarray(0, n);
    m.netServedMbps = sc.netServed.subarray(0, n);
    m.demandRps = sc.lambda.subarray(0, n);
    this.ones = new Float64Array(n + 1).fill(1);
    this.isoLambda = new Float64Array(n);
    this.isoDisk = new Float64Array(n);
    this.isoNet = new Float64Array(n);
    this.isoGood = new Float64Array(n);
    this.isoP99 = new Float64Array(n);
    // The isolated p99 is the kept isolated result itself (rewritten whenever it is recomputed).
    this.m.latencyP99IsolatedMs = this.isoP99;
    this.svcLambda = new Float64Array(n);
    this.svcRhoCpu = new Float64Array(n);
    this.svcRhoDisk = new Float64Array(n);
    this.svcRhoNet = new Float64Array(n);
    this.svcExtraMs = new Float64Array(n);
    this.svcBacklog = new Float64Array(n);
    this.svcKey = new Uint8Array(n);
  }
}

/** Every published metric name has an array (checked once at load). */
for (const k of VPS_METRICS)
  if (!(new MetricArrays(0)[k] instanceof Float64Array)) throw new Error(`work: no array for metric ${k}`);
for (const k of HOST_METRICS)
  if (typeof new HostFigures()[k] !== 'number') throw new Error(`work: no host figure ${k}`);
