/**
 * Virtualization modes as data (model spec §2): per-resource policies, overhead factors and
 * failure domains. The step reads these fields; it never branches on a mode id.
 */
import type { ModeSpec } from '../../shared/commands.js';
import type { ModeId } from '../../shared/model.js';
import { DEFAULT_PARAMS, type Params } from './params.js';

export type CpuPolicy = 'quota' | 'share';
export type CpuWeighting = 'vcpu' | 'domain';
/** How a device is split when the guests want more than it has. */
export type DeviceSharing = 'maxmin' | 'proportional';
/** reserved: plans are reserved; overcommit: para pool with ballooning; limited: cgroup memory.max; shared: one host pool. */
export type MemPolicy = 'reserved' | 'overcommit' | 'limited' | 'shared';
/** Who a guest fault reaches: only that guest, or every guest on the host. */
export type BlastRadius = 'guest' | 'all';

export interface ModeProfile {
  id: ModeId;
  cpuPolicy: CpuPolicy;
  cpuWeighting: CpuWeighting;
  /**
   * Under a share policy, whether a plan's `cpuCapCores` is enforced as a hard cap (cgroup
   * `cpu.max`, Xen credit `cap`). A fixed quota always enforces it. Xen's credit cap defaults to 0
   * (uncapped): a para guest may use idle capacity up to its vCPUs (model spec §2, para row).
   */
  cpuCaps: boolean;
  /** Scheduler slice for the wait model, ms. */
  schedSliceMs: number;
  /** Effective capacity factors (model spec §2 table); `eSyscall` is e_cpu of syscall-heavy (I/O path) work. */
  eCpu: number;
  eSyscall: number;
  eDisk: number;
  /** Added network round-trip, ms. */
  netRttMs: number;
  /** I/O CPU cost charged to the guest itself, × native. */
  ioCpuFactor: number;
  /** A privileged driver domain serves all I/O (para). */
  dom0: boolean;
  dom0Vcpus: number;
  /** Dom0 cost per I/O relative to native. */
  dom0IoFactor: number;
  /**
   * Dom0 work is charged to the guest that caused it ([G06] SEDF-DC): each guest's backend work
   * counts against that guest's CPU share instead of Dom0's own. Default false (Xen, model spec §2).
   */
  dom0Charging: boolean;
  /** A host OS under the hypervisor; share of the I/O cost it runs outside the guests' quotas. */
  hostOs: boolean;
  hostOsIoShare: number;
  memPolicy: MemPolicy;
  memOvercommit: number;
  /** Per-VPS caps at the plan on each device. */
  diskCap: boolean;
  netCap: boolean;
  diskSharing: DeviceSharing;
  netSharing: DeviceSharing;
  /** One kernel for every guest. */
  sharedKernel: boolean;
  /** cgroup pids.max / memory.max / io.max from each plan (meaningful with a shared kernel). */
  containerLimits: boolean;
  netShaping: boolean;
  cachePartitioning: boolean;
  /** Admission: refuse a VPS whose CPU cap or RAM pushes the sums past the host. */
  admissionCpu: boolean;
  /** RAM admission ratio (Σ plans ≤ host × ratio); Infinity = none. */
  admissionRam: number;
  kernelPanicRadius: BlastRadius;
  forkBombRadius: BlastRadius;
}

/**
 * How far (cores, GiB) sums may pass the host and still fit: admission accepts caps that fill the
 * host up to rounding (35 caps of 1/35 of a core sum to 1.0000000000000002), and a fixed quota does
 * not squeeze what admission let fit.
 */
export const ADMISSION_EPS = 1e-9;

/** The built-in profiles under a parameter record (overhead factors, slices and Dom0 come from it). */
function builtins(k: Params): Record<ModeId, ModeProfile> {
  return {
    full: {
      id: 'full',
      cpuPolicy: 'quota',
      cpuWeighting: 'domain',
      cpuCaps: true,
      schedSliceMs: k.sliceDomainMs,
      eCpu: k.eCpuFull,
      eSyscall: k.eSyscallFull,
      eDisk: k.eDiskFull,
      netRttMs: k.netRttFullMs,
      ioCpuFactor: k.ioCpuFull,
      dom0: false,
      dom0Vcpus: 0,
      dom0IoFactor: 0,
      dom0Charging: false,
      hostOs: false,
      hostOsIoShare: 0,
      memPolicy: 'reserved',
      memOvercommit: 1,
      diskCap: true,
      netCap: true,
      diskSharing: 'maxmin',
      netSharing: 'maxmin',
      sharedKernel: false,
      containerLimits: true,
      netShaping: true,
      cachePartitioning: false,
      admissionCpu: true,
      admissionRam: 1,
      kernelPanicRadius: 'guest',
      forkBombRadius: 'guest',
    },
    hosted: {
      id: 'hosted',
      cpuPolicy: 'quota',
      cpuWeighting: 'domain',
      cpuCaps: true,
      schedSliceMs: k.sliceDomainMs,
      eCpu: k.eCpuHosted,
      eSyscall: k.eSyscallHosted,
      eDisk: k.eDiskHosted,
      netRttMs: k.netRttHostedMs,
      ioCpuFactor: k.ioCpuHosted,
      dom0: false,
      dom0Vcpus: 0,
      dom0IoFactor: 0,
      dom0Charging: false,
      hostOs: true,
      hostOsIoShare: k.hostOsIoShare,
      memPolicy: 'reserved',
      memOvercommit: 1,
      diskCap: true,
      netCap: true,
      diskSharing: 'maxmin',
      netSharing: 'maxmin',
      sharedKernel: false,
      containerLimits: true,
      netShaping: true,
      cachePartitioning: false,
      admissionCpu: true,
      admissionRam: 1,
      kernelPanicRadius: 'guest',
      forkBombRadius: 'guest',
    },
    para: {
      id: 'para',
      cpuPolicy: 'share',
      cpuWeighting: 'domain',
      cpuCaps: false,
      schedSliceMs: k.sliceDomainMs,
      eCpu: k.eCpuPara,
      eSyscall: k.eSyscallPara,
      eDisk: k.eDiskPara,
      netRttMs: k.netRttParaMs,
      ioCpuFactor: k.ioCpuPara,
      dom0: true,
      dom0Vcpus: k.dom0Vcpus,
      dom0IoFactor: k.dom0IoFactor,
      dom0Charging: false,
      hostOs: false,
      hostOsIoShare: 0,
      memPolicy: 'overcommit',
      memOvercommit: k.memOvercommit,
      diskCap: false,
      netCap: false,
      diskSharing: 'maxmin',
      netSharing: 'maxmin',
      sharedKernel: false,
      containerLimits: true,
      netShaping: false,
      cachePartitioning: false,
      admissionCpu: false,
      admissionRam: k.memOvercommit,
      kernelPanicRadius: 'guest',
      forkBombRadius: 'guest',
    },
    container: {
      id: 'container',
      cpuPolicy: 'share',
      cpuWeighting: 'domain',
      cpuCaps: true,
      schedSliceMs: k.sliceDomainMs,
      eCpu: k.eCpuContainer,
      eSyscall: k.eSyscallContainer,
      eDisk: k.eDiskContainer,
      netRttMs: k.netRttContainerMs,
      ioCpuFactor: k.ioCpuContainer,
      dom0: false,
      dom0Vcpus: 0,
      dom0IoFactor: 0,
      dom0Charging: false,
      hostOs: false,
      hostOsIoShare: 0,
      memPolicy: 'limited',
      memOvercommit: 1,
      diskCap: true,
      netCap: false,
      diskSharing: 'maxmin',
      netSharing: 'proportional',
      sharedKernel: true,
      containerLimits: true,
      netShaping: false,
      cachePartitioning: false,
      admissionCpu: false,
      admissionRam: Infinity,
      kernelPanicRadius: 'all',
      forkBombRadius: 'guest',
    },
  };
}

/** The built-in profile of a mode id. */
export function builtinProfile(id: ModeId, params: Params = DEFAULT_PARAMS): ModeProfile {
  return builtins(params)[id];
}

/**
 * Resolves a scenario `mode` (an id or `{ base, ...overrides }`) into a profile. Overrides change
 * the fields they name; container limits and shaping then decide the container's isolation.
 */
export function resolveMode(spec: ModeSpec, params: Params = DEFAULT_PARAMS): ModeProfile {
  const p = builtinProfile(typeof spec === 'string' ? spec : spec.base, params);
  if (typeof spec === 'string') return p;
  if (spec.cpuPolicy) p.cpuPolicy = spec.cpuPolicy;
  if (spec.cpuWeighting) {
    p.cpuWeighting = spec.cpuWeighting;
    p.schedSliceMs = spec.cpuWeighting === 'vcpu' ? params.sliceVcpuMs : params.sliceDomainMs;
  }
  if (spec.cpuCaps !== undefined) p.cpuCaps = spec.cpuCaps;
  if (spec.schedSliceMs !== undefined) p.schedSliceMs = spec.schedSliceMs;
  if (spec.cachePartitioning !== undefined) p.cachePartitioning = spec.cachePartitioning;
  if (spec.memOvercommit !== undefined) {
    p.memOvercommit = spec.memOvercommit;
    if (p.memPolicy === 'overcommit') p.admissionRam = spec.memOvercommit;
  }
  if (spec.dom0Vcpus !== undefined && p.dom0) p.dom0Vcpus = spec.dom0Vcpus;
  if (spec.netShaping !== undefined) p.netShaping = spec.netShaping;
  if (spec.dom0Charging !== undefined && p.dom0) p.dom0Charging = spec.dom0Charging;
  if (spec.containerLimits !== undefined) p.containerLimits = spec.containerLimits;
  if (p.sharedKernel) {
    // cgroup limits: memory.max, io.max and pids.max from each plan, or nothing at all.
    p.memPolicy = p.containerLimits ? 'limited' : 'shared';
    p.diskCap = p.containerLimits;
    // With limits the block layer also queues per cgroup (io.weight under BFQ; OpenVZ's per-container
    // CFQ priority), so the device is shared fairly as under `full`; without them it is one FIFO queue.
    p.diskSharing = p.containerLimits ? 'maxmin' : 'proportional';
    p.forkBombRadius = p.containerLimits ? 'guest' : 'all';
    p.netCap = p.netShaping;
  }
  // A fixed quota needs admission control to mean anything; a share never refuses CPU.
  p.admissionCpu = p.cpuPolicy === 'quota';
  if (p.cpuPolicy === 'quota') p.cpuCaps = true;
  return p;
}
