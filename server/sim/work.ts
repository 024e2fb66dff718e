/**
 * Everything one engine keeps between phases and ticks besides its state: the per-tick arrays
 * (arrays.ts), the flat plan arrays, reused scratch objects, and the kept isolated and service
 * results. Sized once per VPS count; the published metric arrays are views a caller may read.
 */
import { HostFigures, MetricArrays, ScratchArrays, SharedFigures } from './arrays.js';
import { Backends } from './backends.js';
import { CarryBase } from './dom0cpu.js';
import { Dom0Head } from './dom0head.js';
import { DrainDom0 } from './drainDom0.js';
import { DrainSplit } from './drainsplit.js';
import { HeadroomScratch } from './cpuheadroom.js';
import { VcpuHeadroomScratch } from './vcpuheadroom.js';
import { PlanArrays } from './plan.js';
import type { FaultFlags } from './faults.js';
import { newServiceIn, newServiceOut, type ServiceIn, type ServiceOut } from './serviceIo.js';

export {
  HostFigures,
  MetricArrays,
  SCRATCH,
  ScratchArrays,
  SharedFigures,
  type ScratchName,
} from './arrays.js';

/** Values the isolated pass leaves per VPS for its drain (isoDrain.ts): one slot of `Work.isoDrainVals`. */
export const ISO_DRAIN_SLOTS = 14;

/** VPS states as codes (index into VPS_STATES). */
export const STATE_RUNNING = 0;
export const STATE_DEGRADED = 1;
export const STATE_DNR = 2;
export const STATE_DOWN = 3;
export const STATE_REBOOTING = 4;

/** Tick-wide inputs of the service pass. */
export interface ServiceContext {
  hung: boolean;
  /** Utilization of the disk a request's synchronous I/O queues behind (journal.ts `syncDiskLoad`). */
  uDisk: number;
  /** The disk's utilization by the writeback served after synchronous I/O (ServiceIn `uDiskAsync`). */
  uDiskAsync: number;
  uNet: number;
  uDom0: number;
  /** Wait behind the bytes queued in the NIC's shared transmit FIFO, ms (§5). */
  netQueueMs: number;
  /** Wait of one swap fault at the host's disk, ms (0 while nothing is swapped out, §4). */
  swapFaultMs: number;
  /** State code of a VPS that is not up (host or shared kernel down: DOWN, else REBOOTING). */
  downCode: number;
  /** A work-conserving share whose water level is finite (someone is held back). */
  contended: boolean;
  idle: number;
  waitMs: number;
  /** A VPS's fair share of the cores per unit of weight (per vCPU under flat weighting). */
  fairUnit: number;
  /** Σ (core time held × half a run) over running entities, core·ms. */
  heldMs: number;
  /** Cores used with credit left: each entity's use up to its fair share (a light waker queues behind them). */
  aheadCores: number;
  /** Runnable vCPUs (Dom0's included). */
  runnable: number;
  /** Wait of one wake-up of Dom0's backend (para), ms. */
  dom0WaitMs: number;
  /** Σ granted CPU (guests, Dom0, host OS). */
  sumGot: number;
  /** Σ memory-bandwidth pressure. */
  sumP: number;
  /** Wait of a durable write for the shared kernel's journal (journal.ts), ms. */
  journalMs: number;
  /** Mean wait of a durable write for throttled writers' ordered data (journal.ts `orderedDrainMs`), ms. */
  journalDrainMs: number;
}

export class Work {
  readonly size: number;
  /** Reused per-tick scratch objects (one set per engine). */
  readonly ctx: ServiceContext = {
    hung: false,
    uDisk: 0.5,
    uDiskAsync: 0.5,
    uNet: 0.5,
    uDom0: 0.5,
    netQueueMs: 0.5,
    swapFaultMs: 0.5,
    downCode: 0,
    contended: false,
    idle: 0.5,
    waitMs: 0.5,
    fairUnit: 0.5,
    heldMs: 0.5,
    aheadCores: 0.5,
    runnable: 0.5,
    dom0WaitMs: 0.5,
    sumGot: 0.5,
    sumP: 0.5,
    journalMs: 0.5,
    journalDrainMs: 0.5,
  };
  readonly flags: FaultFlags = {
    hostDown: false,
    dom0Down: false,
    kernelDown: false,
    kernelHung: false,
    kernelCulprit: -1,
  };
  readonly sin: ServiceIn = newServiceIn();
  readonly sout: ServiceOut = newServiceOut();
  readonly s: ScratchArrays;
  readonly m: MetricArrays;
  readonly stateCode: Uint8Array;
  readonly host: HostFigures;
  readonly shared: SharedFigures;
  /** Flat plan arrays (see plan.ts). */
  readonly plan: PlanArrays;
  /** Scratch of the CPU headroom under a domain-weighted share. */
  readonly headroom: HeadroomScratch;
  /** Scratch of the CPU headroom under flat vCPU weighting. */
  readonly vcpuHeadroom: VcpuHeadroomScratch;
  /** Unit weights for max-min device sharing. */
  readonly ones: Float64Array;
  /** Dom0's backends, one per guest's virtual device (para). */
  readonly backends: Backends;
  /** The services draining a backlog on each device, and their part of its idle (drainsplit.ts). */
  readonly drains: DrainSplit;
  /** Dom0's split with the drained work in it, and what drained ops cost it (para, drainDom0.ts). */
  readonly drainDom0: DrainDom0;
  /** What Dom0 carries of each backend this tick (para, dom0head.ts). */
  readonly dom0Head: Dom0Head;
  /** The first I/O pass's own I/O CPU and demands, before Dom0's carry scaled them (dom0cpu.ts). */
  readonly carryBase: CarryBase;
  /**
   * The isolated counterfactual is a pure function of the plan, lambda and base demands (CPU, disk,
   * network, with this tick's workload multiplier): its
   * result is kept per VPS with the inputs it came from, and reused while they do not change.
   */
  readonly isoLambda: Float64Array;
  readonly isoCpu: Float64Array;
  readonly isoDisk: Float64Array;
  readonly isoNet: Float64Array;
  readonly isoGood: Float64Array;
  readonly isoP99: Float64Array;
  /** 1: VPS i's isolated result of this tick is the kept one (its inputs did not change). */
  readonly isoKept: Uint8Array;
  /** The isolated counterfactual's headroom factors through Dom0 (blkback, netback). */
  readonly isoHeads = new Float64Array(2);
  /** The isolated counterfactual's CPU split between the VPS (slot 0) and Dom0 (slot 1). */
  readonly isoWant = new Float64Array(2);
  readonly isoCap = new Float64Array(2);
  readonly isoWeight = new Float64Array(2);
  readonly isoGot = new Float64Array(2);
  /**
   * The VPSs whose isolated backlog drains this tick, in order (the first `isoDrainCount`), each
   * with `ISO_DRAIN_SLOTS` values the isolated pass left for isoDrain.ts at the same position.
   */
  readonly isoDrainList: Int32Array;
  readonly isoDrainVals: Float64Array;
  isoDrainCount = 0;
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
  /** Age of the oldest request in the backlog carried in (a full queue keeps its size while its requests age). */
  readonly svcBacklogAge: Float64Array;
  readonly svcKey: Uint8Array;
  /** Device utilizations the kept outcomes were computed with. */
  svcU = { disk: 0.5, diskAsync: 0.5, net: 0.5, dom0: 0.5, journal: 0.5, drain: 0.5 };
  /** Some per-VPS fault intensity may be non-zero (the arrays need clearing before the next tick). */
  faultsSet = false;
  /** Some storm or flood was scaled to its guest's CPU (`s.faultIoScale` needs resetting to 1). */
  ioScaled = false;
  /** Nobody did any I/O last tick: every I/O array (wants, served, their CPU) holds zeros. */
  ioQuiet = false;
  /** This tick's demands include some I/O (set by the demand phase; conservative). */
  ioMaybe = true;
  /** The demand phase left this tick's device wants (first pass, no fault) in `s.diskWant`/`s.netWant`. */
  wantsReady = false;
  /** Some VPS wants a device this tick (with `wantsReady`). */
  wantsAny = false;
  /** Nothing was swapped out last tick: `s.memSlow` holds 1 and `s.swapFrac` 0 for every VPS. */
  memCalm = false;
  /** Every workload multiplier in `s.mult` is 1 (no noisy profile last tick). */
  multsOne = true;
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
    this.backends = new Backends(n);
    this.drains = new DrainSplit(n);
    this.drainDom0 = new DrainDom0(n);
    this.dom0Head = new Dom0Head();
    this.carryBase = new CarryBase(n);
    this.headroom = new HeadroomScratch(n);
    this.vcpuHeadroom = new VcpuHeadroomScratch(n);
    this.isoLambda = new Float64Array(n);
    this.isoCpu = new Float64Array(n);
    this.isoDisk = new Float64Array(n);
    this.isoNet = new Float64Array(n);
    this.isoGood = new Float64Array(n);
    this.isoP99 = new Float64Array(n);
    this.isoKept = new Uint8Array(n);
    this.isoDrainList = new Int32Array(n);
    this.isoDrainVals = new Float64Array(n * ISO_DRAIN_SLOTS);
    this.svcLambda = new Float64Array(n);
    this.svcRhoCpu = new Float64Array(n);
    this.svcRhoDisk = new Float64Array(n);
    this.svcRhoNet = new Float64Array(n);
    this.svcExtraMs = new Float64Array(n);
    this.svcBacklog = new Float64Array(n);
    this.svcBacklogAge = new Float64Array(n);
    this.svcKey = new Uint8Array(n);
  }
}
