/**
 * Flat copies of what the step reads from each VPS's plan and sliders, plus what follows from
 * them alone (device paths, the isolated memory slowdown). Commands only bump
 * `SimState.planVersion`; the step re-syncs these arrays when the version, the profile or the VPS
 * count changed, so the hot loop reads typed arrays instead of per-VPS objects.
 */
import type { WorkloadProfile } from '../../shared/model.js';
import { cpuCapOf, sensitivityOf, type SimState } from './state.js';
import type { ModeProfile } from './profiles.js';

/** Workload profiles as codes (0 is `steady`, the only one without noise). */
export const PROFILE_CODES: readonly WorkloadProfile[] = ['steady', 'bursty', 'diurnal', 'randomWalk'];

export class PlanArrays {
  readonly size: number;
  /** `planVersion` and profile these arrays were built from (-1: never). */
  version = -1;
  profile: ModeProfile | null = null;
  readonly vcpus: Float64Array;
  readonly ramGiB: Float64Array;
  readonly diskIops: Float64Array;
  readonly netMbps: Float64Array;
  readonly weight: Float64Array;
  /** cpuCapOf: the CPU limit in cores. */
  readonly cap: Float64Array;
  readonly sensitivity: Float64Array;
  readonly sloMs: Float64Array;
  readonly loadCpu: Float64Array;
  readonly loadMem: Float64Array;
  readonly loadDisk: Float64Array;
  readonly loadNet: Float64Array;
  readonly profileCode: Uint8Array;
  /** How many VPSs run a noisy workload profile (0: every multiplier is 1). */
  noisy = 0;
  /** Device paths: what one VPS can reach on each device (its plan, or the host, × efficiency). */
  readonly dPath: Float64Array;
  readonly nPath: Float64Array;
  /** Memory slowdown of the VPS alone and well-behaved. */
  readonly memSlowIso: Float64Array;
  /** Share of its memory swapped out when alone and well-behaved. */
  readonly swapFracIso: Float64Array;

  constructor(n: number) {
    this.size = n;
    const f = (): Float64Array => new Float64Array(n + 1);
    this.vcpus = f();
    this.ramGiB = f();
    this.diskIops = f();
    this.netMbps = f();
    this.weight = f();
    this.cap = f();
    this.sensitivity = f();
    this.sloMs = f();
    this.loadCpu = f();
    this.loadMem = f();
    this.loadDisk = f();
    this.loadNet = f();
    this.profileCode = new Uint8Array(n + 1);
    this.dPath = f();
    this.nPath = f();
    this.memSlowIso = f();
    this.swapFracIso = f();
  }
}

/** Whether `a` must be rebuilt for `st`. */
export function planStale(a: PlanArrays, st: SimState): boolean {
  return a.version !== st.planVersion || a.profile !== st.profile;
}

/** Rebuilds every array from the state's VPS objects, host and profile. */
export function syncPlan(a: PlanArrays, st: SimState): void {
  const n = st.vps.length;
  const p = st.profile;
  const host = st.host;
  let noisy = 0;
  for (let i = 0; i < n; i++) {
    const v = st.vps[i];
    a.vcpus[i] = v.vcpus;
    a.ramGiB[i] = v.ramGiB;
    a.diskIops[i] = v.diskIops;
    a.netMbps[i] = v.netMbps;
    a.weight[i] = v.weight;
    a.cap[i] = p.cpuCaps ? cpuCapOf(v) : v.vcpus;
    a.sensitivity[i] = sensitivityOf(v);
    a.sloMs[i] = v.sloMs ?? st.params.sloMs;
    const code = PROFILE_CODES.indexOf(v.profile);
    a.profileCode[i] = code < 0 ? 0 : code;
    if (code > 0) noisy++;
    a.dPath[i] = p.diskCap ? v.diskIops * p.eDisk : host.diskIops * p.eDisk;
    a.nPath[i] = p.netCap ? v.netMbps : host.netMbps;
    syncLoadAt(a, st, i);
  }
  st.loadDirtyCount = 0;
  a.noisy = noisy;
  a.version = st.planVersion;
  a.profile = p;
}

/** Re-syncs the sliders of the VPSs whose load changed (the first `st.loadDirtyCount` of `st.loadDirty`); returns their indices' count. */
export function syncLoads(a: PlanArrays, st: SimState): number {
  const dirty = st.loadDirty;
  const k = st.loadDirtyCount;
  for (let j = 0; j < k; j++) syncLoadAt(a, st, dirty[j]);
  st.loadDirtyCount = 0;
  return k;
}

/** The slider-derived entries of VPS i. */
function syncLoadAt(a: PlanArrays, st: SimState, i: number): void {
  const v = st.vps[i];
  const p = st.profile;
  const ram = st.host.ramGiB;
  const l = v.load;
  a.loadCpu[i] = l.cpu;
  a.loadMem[i] = l.mem;
  a.loadDisk[i] = l.disk;
  a.loadNet[i] = l.net;
  // Alone and well-behaved: its baseline memory, and only it could make the host swap.
  const base = l.mem * v.ramGiB;
  const baseRes = p.memPolicy === 'shared' ? base : Math.min(base, v.ramGiB);
  const ownIso = p.memPolicy === 'shared' ? 0 : Math.max(0, base - v.ramGiB) / v.ramGiB;
  const aloneSpill =
    p.memPolicy === 'shared'
      ? Math.max(0, baseRes - ram) / ram
      : p.memPolicy === 'overcommit'
        ? Math.max(0, baseRes * (1 - st.params.pageSharing) - ram) / ram
        : 0;
  a.memSlowIso[i] = (1 + st.params.swapKappa * ownIso) * (1 + st.params.swapKappa * aloneSpill);
  a.swapFracIso[i] = base > 0 ? Math.min(1, (ownIso * v.ramGiB + aloneSpill * ram) / base) : 0;
}
