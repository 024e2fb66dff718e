/**
 * Named parameters of the contention model. Every figure here is a default with a source, or an
 * uncalibrated guess marked `knob` (see server/sim/README.md). Nothing in the step hard-codes a
 * number that belongs here.
 */
export const KNOBS = {
  /** Default reboot time of a guest after a kernel panic, s (model spec §8). */
  rebootS: 30,
  /** Time a guest's service needs to come back after its own OOM killer fired, s. knob */
  oomRestartS: 10,
  /** Outage of a host fault without durationS, s. knob */
  dom0RestartS: 20,
  hostOsRebootS: 60,
  hostRebootS: 60,

  /** Requests per second one vCPU's worth of load produces (sizes demandRps). knob */
  rpsPerVcpu: 200,
  /** Stage service times per request, ms. knob */
  cpuStageMs: 4,
  diskStageMs: 5,
  netStageMs: 0.5,
  dom0StageMs: 0.05,
  /** Worker slots per stage (M/M/1/K): sets the loss and the latency cap of a saturated stage. knob */
  stageSlots: 16,
  /** Bounded request queue, in seconds of nominal arrivals (listen backlog). knob */
  queueS: 2,
  /** Client timeout: a VPS whose response time exceeds it is DNR, ms. knob */
  clientTimeoutMs: 10_000,
  /** Default SLO per request, ms (model spec §7). */
  sloMs: 1000,

  /** Native CPU cost of one disk op, core-seconds (ext4 + block layer). knob */
  diskOpCpuS: 40e-6,
  /** Native CPU cost of 1 Mbit/s of network traffic, cores (≈ 6 µs per 1500-byte packet). knob */
  netMbitCpu: 0.0005,
  /** Dom0 backend cost relative to native (netback/blkback copy + grant): web guests cost Dom0 20–45 % extra [CG05]. knob */
  dom0IoFactor: 1,

  /** Memory-bandwidth demand of one busy core, GB/s (pressure p_j = demand ÷ host bandwidth). knob */
  memBwPerCoreGBs: 2,
  /** Memory-bandwidth pressure added by cache_thrash at rate 1 (model spec §6). */
  cacheThrashPressure: 0.8,
  /** CAT/MBA partitioning scales sensitivity by this (model spec §6). */
  cachePartitionScale: 0.3,

  /** Swap slowdown: throughput × 1/(1 + κ·spill) (model spec §4). knob */
  swapKappa: 10,
  /** Host swap size as a fraction of host RAM. knob */
  hostSwapRatio: 1,
  /** Guest-internal swap before the guest's OOM killer fires, fraction of its plan. knob */
  guestSwapRatio: 0.5,
  /** Page sharing savings under para overcommit (5–30 %, model spec §4). */
  pageSharing: 0.1,
  /** memory_leak default rate, fraction of the plan per second (a memory bomb allocates fast). knob */
  leakPlanPerS: 0.25,
  /** How long a shared kernel out of RAM and swap thrashes in reclaim before its OOM killer fires, s. knob */
  oomLivelockS: 30,

  /** io_storm multiplies disk demand by this × rate (model spec §8). */
  ioStormFactor: 20,
  /** Service capacity left to a container whose own pids.max stopped a fork bomb. knob */
  forkBombLimitedService: 0.1,

  /** Scheduler slices for the wait model, ms (Xen credit 30 ms; CFS ~4 ms knob). */
  sliceDomainMs: 30,
  sliceVcpuMs: 4,

  /** Workload profiles. knob */
  burstProbability: 0.02,
  burstTicks: 20,
  burstFactor: 2.5,
  diurnalPeriodS: 600,
  diurnalAmplitude: 0.5,
  walkSigma: 0.05,
  walkMin: 0.2,
  walkMax: 2,

  /** Attribution: edges below this share are not reported; culprits per victim and resource. */
  attributionMinShare: 0.05,
  attributionTop: 3,
} as const;

export type Knobs = typeof KNOBS;
