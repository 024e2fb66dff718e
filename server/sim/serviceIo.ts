/**
 * The records one service evaluation (service.ts `evaluate`) reads and writes: reused objects, so
 * the evaluation allocates nothing.
 */
import { DEFAULT_PARAMS, type Params } from './params.js';

export interface ServiceOut {
  throughput: number;
  latencyMeanMs: number;
  latencyP99Ms: number;
  latencyP95Ms: number;
  /** Time a request spends at the disk (device queue, plus Dom0's backend where it has one), ms. */
  diskLatencyMs: number;
  /** Time a request spends on the network path (NIC queue, added round trip, Dom0's backend), ms. */
  netLatencyMs: number;
  errorRate: number;
  goodFraction: number;
  backlog: number;
  /** Age of the oldest request left in the backlog, s. */
  backlogAgeS: number;
  dnr: boolean;
}

export function newServiceOut(): ServiceOut {
  return {
    throughput: 0,
    latencyMeanMs: 0,
    latencyP99Ms: 0,
    latencyP95Ms: 0,
    diskLatencyMs: 0,
    netLatencyMs: 0,
    errorRate: 0,
    goodFraction: 1,
    backlog: 0,
    backlogAgeS: 0,
    dnr: false,
  };
}

/** Inputs of one evaluation (reused object). ρ* are own utilizations, u* device utilizations (≤ 1). */
export interface ServiceIn {
  lambda: number;
  rhoCpu: number;
  rhoDisk: number;
  rhoNet: number;
  uDisk: number;
  /**
   * The disk's utilization by writeback its I/O scheduler serves after synchronous requests
   * (containers with limits, journal.ts `syncDiskLoad`), not in `uDisk`: the device does not preempt
   * a request it serves, so one that finds a writeback request there waits for its rest.
   */
  uDiskAsync: number;
  uNet: number;
  uDom0: number;
  useDisk: boolean;
  useNet: boolean;
  useDom0: boolean;
  /** Added latency outside the stages (scheduler wait, network RTT), ms. */
  extraMs: number;
  /** Of `extraMs`, what lies on the network path (RTT, NIC queueing), ms. */
  netExtraMs: number;
  /**
   * Wait of a request whose disk work includes a durable write for the filesystem journal's commit
   * (one kernel for all: containers), ms; the share `webWriteShare` of disk-using requests pays it.
   */
  journalMs: number;
  /**
   * Mean of the part of that wait spent on throttled writers' ordered data (containers with limits,
   * journal.ts `orderedDrainMs`), ms: exponential, as every stage of §7, on top of `journalMs`.
   */
  journalDrainMs: number;
  sloMs: number;
  backlog: number;
  /** Age of the oldest request in the backlog carried in, s. */
  backlogAgeS: number;
  dtS: number;
  /** The engine's parameters (stage times, slots, queue, timeout, latency factors). */
  params: Params;
  /**
   * What `evaluate` keeps between calls: each stage kind's last ρ, K and result, and the constants
   * of the parameters (its slots are listed there).
   */
  io: Float64Array;
}

export function newServiceIn(): ServiceIn {
  return {
    lambda: 0,
    rhoCpu: 0,
    rhoDisk: 0,
    rhoNet: 0,
    uDisk: 0,
    uDiskAsync: 0,
    uNet: 0,
    uDom0: 0,
    useDisk: false,
    useNet: false,
    useDom0: false,
    extraMs: 0,
    netExtraMs: 0,
    journalMs: 0,
    journalDrainMs: 0,
    sloMs: DEFAULT_PARAMS.sloMs,
    backlog: 0,
    backlogAgeS: 0,
    dtS: 0.1,
    params: DEFAULT_PARAMS,
    io: new Float64Array(25).fill(NaN),
  };
}
