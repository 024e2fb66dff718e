/**
 * Scratch and output arrays of the step, struct-of-arrays, sized once per VPS count (one extra slot
 * for Dom0 as a scheduling entity). The published metric arrays are views a caller may read.
 */
import { HOST_METRICS, VPS_METRICS, type HostMetricName, type VpsMetricName } from '../../shared/model.js';

export const SCRATCH = [
  'appCpu', 'bgCpu', 'svcIoCpu', 'faultIoCpu', 'cpuDemand', 'cpuLimit', 'weight', 'cpuGot', 'cpuAvail',
  'diskBase', 'diskFault', 'diskWant', 'diskServed', 'diskAvail', 'netBase', 'netFault', 'netWant', 'netServed', 'netAvail',
  'memDemand', 'resident', 'guestSwap', 'memSlow', 'memSlowIso', 'pressure', 'slow', 'serviceFactor', 'lambda',
  'faultIoScale', 'cpuFair', 'dom0Cause', 'uDiskIso', 'uNetIso', 'goodIso', 'good',
  'hog', 'storm', 'flood', 'thrash', 'bomb', 'leakRate', 'panic', 'up',
] as const;
export type ScratchName = (typeof SCRATCH)[number];

/** VPS states as codes (index into VPS_STATES). */
export const STATE_RUNNING = 0;
export const STATE_DEGRADED = 1;
export const STATE_DNR = 2;
export const STATE_DOWN = 3;
export const STATE_REBOOTING = 4;

export class Work {
  readonly size: number;
  readonly s: Record<ScratchName, Float64Array>;
  readonly m: Record<VpsMetricName, Float64Array>;
  readonly stateCode: Uint8Array;
  readonly host: Record<HostMetricName, number>;
  /** Shared-device figures of the last tick (for attribution). */
  shared = { diskU: 0, netU: 0, dom0Scale: 1, dom0Work: 0, hostSwapGiB: 0, kernelCulprit: -1, level: Infinity };

  constructor(n: number) {
    this.size = n;
    this.s = {} as Record<ScratchName, Float64Array>;
    for (const k of SCRATCH) this.s[k] = new Float64Array(n + 1);
    this.m = {} as Record<VpsMetricName, Float64Array>;
    for (const k of VPS_METRICS) this.m[k] = new Float64Array(n);
    this.stateCode = new Uint8Array(n);
    this.host = {} as Record<HostMetricName, number>;
    for (const k of HOST_METRICS) this.host[k] = 0;
  }
}
