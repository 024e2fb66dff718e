/**
 * Model parameters of the platform: each virtualization mode's overhead factors (§2), the scheduler
 * (§3), cache and memory bandwidth (§6), memory (§4) and faults (§8). Part of the parameter table
 * (server/sim/params.ts).
 */
import { param as p, type ParamSpec } from './paramSpec.js';

/** Overhead factors per mode, scheduler, cache, memory and faults. */
export const PLATFORM_PARAMS = {
  // --- Overhead factors per mode (§2 table) ------------------------------------------------------
  eCpuFull: p(0.98, 0.01, 1, 'factor', 'effective CPU, full (tuned KVM)', '[F15]'),
  eCpuHosted: p(0.98, 0.01, 1, 'factor', 'effective CPU, hosted', '[F15]'),
  eCpuPara: p(0.99, 0.01, 1, 'factor', 'effective CPU, para', '[B03]'),
  eCpuContainer: p(1, 0.01, 1, 'factor', 'effective CPU, container', '[F15]'),
  eSyscallFull: p(0.98, 0.01, 1, 'factor', 'effective CPU of syscall-heavy (I/O path) work, full', '[F15]'),
  eSyscallHosted: p(
    0.79,
    0.01,
    1,
    'factor',
    'effective CPU of syscall-heavy (I/O path) work, hosted',
    'model spec §2',
  ),
  eSyscallPara: p(0.97, 0.01, 1, 'factor', 'effective CPU of syscall-heavy (I/O path) work, para', '[B03]'),
  eSyscallContainer: p(
    1,
    0.01,
    1,
    'factor',
    'effective CPU of syscall-heavy (I/O path) work, container',
    '[F15]',
  ),
  eDiskFull: p(0.53, 0.01, 1, 'factor', 'effective random IOPS, full', '[F15]'),
  eDiskHosted: p(0.47, 0.01, 1, 'factor', 'effective random IOPS, hosted', 'model spec §2'),
  eDiskPara: p(0.94, 0.01, 1, 'factor', 'effective random IOPS, para', '[B03]'),
  eDiskContainer: p(1, 0.01, 1, 'factor', 'effective random IOPS, container', '[F15]'),
  netRttFullMs: p(0.03, 0, 100, 'ms', 'added network round trip, full', '[F15]'),
  netRttHostedMs: p(0.5, 0, 100, 'ms', 'added network round trip, hosted', 'knob'),
  netRttParaMs: p(0.05, 0, 100, 'ms', 'added network round trip, para', 'knob'),
  netRttContainerMs: p(0, 0, 100, 'ms', 'added network round trip, container', '[F15]'),
  ioCpuFull: p(1.5, 0.1, 100, '× native', 'I/O CPU cost charged to the guest, full', 'model spec §2, knob'),
  ioCpuHosted: p(
    5.5,
    0.1,
    100,
    '× native',
    'I/O CPU cost, hosted (guest plus host OS)',
    'model spec §2 (5–6)',
  ),
  ioCpuPara: p(
    1,
    0.1,
    100,
    '× native',
    'I/O CPU cost charged to the guest, para (Dom0 pays its own on top)',
    'model spec §2',
  ),
  ioCpuContainer: p(1, 0.1, 100, '× native', 'I/O CPU cost, container', 'model spec §2'),

  // --- Scheduler (§3) ----------------------------------------------------------------------------
  sliceDomainMs: p(
    30,
    0.1,
    1000,
    'ms',
    'scheduler slice under domain weighting (Xen credit, cgroup cpu.weight)',
    'model spec §3, Xen sched_credit.c',
  ),
  sliceVcpuMs: p(
    4,
    0.1,
    1000,
    'ms',
    'scheduler slice under flat vCPU weighting (CFS)',
    'model spec §3, knob',
  ),

  // --- Cache and memory bandwidth (§6) -----------------------------------------------------------
  memBwPerCoreGBs: p(2, 0, 1000, 'GB/s', 'memory-bandwidth demand of one busy core', 'knob'),
  cacheThrashPressure: p(
    0.8,
    0,
    1,
    'pressure',
    'memory-bandwidth pressure of cache_thrash at rate 1',
    'model spec §6',
  ),
  cachePartitionScale: p(
    0.3,
    0,
    1,
    'factor',
    'CAT/MBA partitioning scales sensitivity by this',
    'model spec §6',
  ),

  // --- Memory (§4) -------------------------------------------------------------------------------
  swapPagesPerRequest: p(
    64,
    0,
    1e5,
    'pages',
    "memory pages one request touches (heap, stack, buffers); each is swapped out with its guest's swapped share and then costs a fault",
    'knob',
  ),
  swapReadMs: p(
    0.1,
    0.001,
    1000,
    'ms',
    'one swap-in read on a flash device; a disk slower than that takes 1/its IOPS',
    'SATA SSD random read ≈ 0.1 ms',
  ),
  swapKappa: p(10, 0, 1000, 'factor', 'swap slowdown: throughput × 1/(1 + κ·spill)', 'model spec §4, knob'),
  hostSwapRatio: p(1, 0.01, 100, '× RAM', 'host swap size as a fraction of host RAM', 'knob'),
  guestSwapRatio: p(0.5, 0.01, 100, '× plan', "guest swap before the guest's OOM killer fires", 'knob'),
  pageSharing: p(
    0.1,
    0,
    0.9,
    'share',
    'page sharing savings under para overcommit (5–30 %)',
    'model spec §4',
  ),
  memOvercommit: p(1.5, 1, 4, '× RAM', 'para: how far Σ plans may exceed host RAM', 'model spec §4'),
  leakPlanPerS: p(
    0.25,
    0.001,
    100,
    '× plan per s',
    'memory_leak default rate (a memory bomb allocates fast)',
    'knob',
  ),
  oomLivelockS: p(
    30,
    0.1,
    3600,
    's',
    'how long a shared kernel out of RAM and swap thrashes in reclaim before its OOM killer fires',
    'knob',
  ),

  // --- Faults (§8) -------------------------------------------------------------------------------
  forkBombLimitedService: p(
    0.1,
    0,
    1,
    'share',
    'service capacity left to a container whose own pids.max stopped a fork bomb',
    'knob',
  ),
} as const satisfies Record<string, ParamSpec>;
