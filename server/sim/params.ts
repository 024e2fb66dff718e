/**
 * Every parameter of the contention model as data: one typed record with, per entry, its default,
 * its admissible range, its unit and where the figure comes from (a source, or `knob` for an
 * uncalibrated guess). A scenario may override any of them with a top-level `params` object; the
 * engine keeps the resolved record in its state, so two engines never share a parameter.
 */

/** One parameter: default, admissible range, unit, meaning and source. */
export interface ParamSpec {
  readonly value: number;
  readonly min: number;
  readonly max: number;
  /** Whole numbers only. */
  readonly integer?: boolean;
  readonly unit: string;
  readonly doc: string;
  /** Where the default comes from: a model-spec section or paper, or `knob` (an uncalibrated guess). */
  readonly source: string;
}

const p = (value: number, min: number, max: number, unit: string, doc: string, source: string, integer = false): ParamSpec =>
  integer ? { value, min, max, unit, doc, source, integer } : { value, min, max, unit, doc, source };

/** The parameter table. Ranges are what the model stays meaningful over, not what is plausible. */
export const PARAM_SPECS = {
  // --- Outages -----------------------------------------------------------------------------------
  rebootS: p(30, 0.1, 3600, 's', 'reboot time of a guest after a kernel panic', 'model spec §8'),
  oomRestartS: p(10, 0.1, 3600, 's', "service restart after the guest's own OOM killer fired", 'knob'),
  dom0RestartS: p(20, 0.1, 3600, 's', 'outage of a Dom0 crash without durationS', 'knob'),
  hostOsRebootS: p(60, 0.1, 3600, 's', 'outage of a host-OS crash without durationS', 'knob'),
  hostRebootS: p(60, 0.1, 3600, 's', 'outage of a host reboot without durationS', 'knob'),

  // --- Application and latency (§7) --------------------------------------------------------------
  rpsPerVcpu: p(200, 1, 1e6, 'req/s', "request rate of one vCPU's worth of load", 'knob'),
  cpuStageMs: p(4, 0.001, 1000, 'ms', 'CPU stage service time per request', 'knob'),
  diskStageMs: p(5, 0.001, 1000, 'ms', 'disk stage service time per request', 'knob'),
  netStageMs: p(0.5, 0.001, 1000, 'ms', 'network stage service time per request', 'knob'),
  nicQueuePackets: p(1000, 1, 1e6, 'packets', "the NIC's transmit FIFO (one per link, shared by every guest): a flood keeps it full, and a neighbour's packets wait behind it", 'Linux txqueuelen default', true),
  netPacketBytes: p(1500, 64, 65_536, 'bytes', 'size of a packet in the transmit queue', 'Ethernet MTU'),
  dom0StageMs: p(0.05, 0.001, 1000, 'ms', 'Dom0 backend stage service time per request', 'knob'),
  stageSlots: p(16, 1, 1024, 'slots', 'worker slots per stage (K of M/M/1/K): loss and latency cap of a saturated stage', 'knob', true),
  queueS: p(2, 0.01, 600, 's', 'bounded request queue, in seconds of nominal arrivals (listen backlog)', 'knob'),
  clientTimeoutMs: p(10_000, 1, 600_000, 'ms', 'client timeout: an older request is not good, and a VPS past it is DNR', 'knob'),
  sloMs: p(1000, 1, 600_000, 'ms', 'default SLO per request', 'model spec §7'),
  p99Factor: p(4.6, 1, 20, '× mean', 'p99 of an exponential response time: −ln(0.01)', 'model spec §7'),
  p95Factor: p(3, 1, 20, '× mean', 'p95 of an exponential response time: −ln(0.05)', 'model spec §7'),

  // --- I/O cost (§2, §5) -------------------------------------------------------------------------
  diskOpCpuS: p(40e-6, 1e-9, 0.01, 'core·s', 'native CPU cost of one disk op (ext4 + block layer)', 'knob'),
  netMbitCpu: p(0.0005, 1e-9, 0.1, 'core per Mbit/s', 'native CPU cost of network traffic (≈6 µs per 1 500-byte packet, no offloads)', 'knob'),
  dom0IoFactor: p(1, 0, 100, '× native', 'Dom0 backend cost (netback/blkback copy + grant) so a web guest costs Dom0 20–45 % of its CPU', '[CG05], knob'),
  dom0Weight: p(256, 1, 65_535, 'weight', "Dom0's weight as a scheduling entity", 'Xen default domain weight'),
  dom0Vcpus: p(1, 1, 64, 'vCPUs', "Dom0's vCPUs (para)", 'model spec §5', true),
  hostOsIoShare: p(0.1, 0, 1, 'share', 'share of hosted I/O work the host OS runs outside the quotas', 'knob'),
  ioStormFactor: p(20, 0.1, 1000, '× plan', 'io_storm multiplies disk demand by this × rate', 'model spec §8'),

  // --- The shared kernel's I/O path (§5, container) -----------------------------------------------
  journalCommitS: p(5, 0.01, 600, 's', "filesystem journal commit interval: without limits, a write waiting behind a full host dirty pool waits about one commit of others' ordered data", 'ext4 `commit=` default (Documentation/admin-guide/ext4.rst)'),
  journalCommitOps: p(2, 0, 1000, 'device ops', "a journal commit's own device work (journal blocks and a cache flush), at the device's speed", 'knob'),
  writebackChunkS: p(0.5, 0.01, 60, 's', "with limits, the ordered data a throttled writer has in flight: its flusher submits this much of its write bandwidth at a time, and blk-throttle dispatches it at the writer's io.max, so a shared journal commit waits for it (ext4 data=ordered; the cgroup writeback priority inversion)", 'Linux fs/fs-writeback.c writeback_chunk_size(): avg_write_bandwidth / 2; inversion: Yang et al., Split-level I/O scheduling, SOSP 2015; Heo et al., IOCost, ASPLOS 2022'),
  webWriteShare: p(0.2, 0, 1, 'share', "share of a web request's disk work that is a durable write (access and session logs, fsync'd state) and so waits for the journal", 'knob'),

  // --- Overhead factors per mode (§2 table) ------------------------------------------------------
  eCpuFull: p(0.98, 0.01, 1, 'factor', 'effective CPU, full (tuned KVM)', '[F15]'),
  eCpuHosted: p(0.98, 0.01, 1, 'factor', 'effective CPU, hosted', '[F15]'),
  eCpuPara: p(0.99, 0.01, 1, 'factor', 'effective CPU, para', '[B03]'),
  eCpuContainer: p(1, 0.01, 1, 'factor', 'effective CPU, container', '[F15]'),
  eSyscallFull: p(0.98, 0.01, 1, 'factor', 'effective CPU of syscall-heavy (I/O path) work, full', '[F15]'),
  eSyscallHosted: p(0.79, 0.01, 1, 'factor', 'effective CPU of syscall-heavy (I/O path) work, hosted', 'model spec §2'),
  eSyscallPara: p(0.97, 0.01, 1, 'factor', 'effective CPU of syscall-heavy (I/O path) work, para', '[B03]'),
  eSyscallContainer: p(1, 0.01, 1, 'factor', 'effective CPU of syscall-heavy (I/O path) work, container', '[F15]'),
  eDiskFull: p(0.53, 0.01, 1, 'factor', 'effective random IOPS, full', '[F15]'),
  eDiskHosted: p(0.47, 0.01, 1, 'factor', 'effective random IOPS, hosted', 'model spec §2'),
  eDiskPara: p(0.94, 0.01, 1, 'factor', 'effective random IOPS, para', '[B03]'),
  eDiskContainer: p(1, 0.01, 1, 'factor', 'effective random IOPS, container', '[F15]'),
  netRttFullMs: p(0.03, 0, 100, 'ms', 'added network round trip, full', '[F15]'),
  netRttHostedMs: p(0.5, 0, 100, 'ms', 'added network round trip, hosted', 'knob'),
  netRttParaMs: p(0.05, 0, 100, 'ms', 'added network round trip, para', 'knob'),
  netRttContainerMs: p(0, 0, 100, 'ms', 'added network round trip, container', '[F15]'),
  ioCpuFull: p(1.5, 0.1, 100, '× native', 'I/O CPU cost charged to the guest, full', 'model spec §2, knob'),
  ioCpuHosted: p(5.5, 0.1, 100, '× native', 'I/O CPU cost, hosted (guest plus host OS)', 'model spec §2 (5–6)'),
  ioCpuPara: p(1, 0.1, 100, '× native', 'I/O CPU cost charged to the guest, para (Dom0 pays its own on top)', 'model spec §2'),
  ioCpuContainer: p(1, 0.1, 100, '× native', 'I/O CPU cost, container', 'model spec §2'),

  // --- Scheduler (§3) ----------------------------------------------------------------------------
  sliceDomainMs: p(30, 0.1, 1000, 'ms', 'scheduler slice under domain weighting (Xen credit, cgroup cpu.weight)', 'model spec §3, Xen sched_credit.c'),
  sliceVcpuMs: p(4, 0.1, 1000, 'ms', 'scheduler slice under flat vCPU weighting (CFS)', 'model spec §3, knob'),

  // --- Cache and memory bandwidth (§6) -----------------------------------------------------------
  memBwPerCoreGBs: p(2, 0, 1000, 'GB/s', 'memory-bandwidth demand of one busy core', 'knob'),
  cacheThrashPressure: p(0.8, 0, 1, 'pressure', 'memory-bandwidth pressure of cache_thrash at rate 1', 'model spec §6'),
  cachePartitionScale: p(0.3, 0, 1, 'factor', 'CAT/MBA partitioning scales sensitivity by this', 'model spec §6'),

  // --- Memory (§4) -------------------------------------------------------------------------------
  swapPagesPerRequest: p(64, 0, 1e5, 'pages', 'memory pages one request touches (heap, stack, buffers); each is swapped out with its guest\'s swapped share and then costs a fault', 'knob'),
  swapReadMs: p(0.1, 0.001, 1000, 'ms', "one swap-in read on a flash device; a disk slower than that takes 1/its IOPS", 'SATA SSD random read ≈ 0.1 ms'),
  swapKappa: p(10, 0, 1000, 'factor', 'swap slowdown: throughput × 1/(1 + κ·spill)', 'model spec §4, knob'),
  hostSwapRatio: p(1, 0.01, 100, '× RAM', 'host swap size as a fraction of host RAM', 'knob'),
  guestSwapRatio: p(0.5, 0.01, 100, '× plan', "guest swap before the guest's OOM killer fires", 'knob'),
  pageSharing: p(0.1, 0, 0.9, 'share', 'page sharing savings under para overcommit (5–30 %)', 'model spec §4'),
  memOvercommit: p(1.5, 1, 4, '× RAM', 'para: how far Σ plans may exceed host RAM', 'model spec §4'),
  leakPlanPerS: p(0.25, 0.001, 100, '× plan per s', 'memory_leak default rate (a memory bomb allocates fast)', 'knob'),
  oomLivelockS: p(30, 0.1, 3600, 's', 'how long a shared kernel out of RAM and swap thrashes in reclaim before its OOM killer fires', 'knob'),

  // --- Faults (§8) -------------------------------------------------------------------------------
  forkBombLimitedService: p(0.1, 0, 1, 'share', 'service capacity left to a container whose own pids.max stopped a fork bomb', 'knob'),

  // --- Workload profiles -------------------------------------------------------------------------
  burstProbability: p(0.02, 0, 1, 'per tick', 'chance a bursty VPS starts a burst', 'knob'),
  burstTicks: p(20, 1, 100_000, 'ticks', 'burst length', 'knob', true),
  burstFactor: p(2.5, 1, 100, '×', 'load multiplier during a burst', 'knob'),
  diurnalPeriodS: p(600, 1, 1e6, 's', 'period of the diurnal profile', 'knob'),
  diurnalAmplitude: p(0.5, 0, 1, 'share', 'amplitude of the diurnal profile', 'knob'),
  walkSigma: p(0.05, 0, 10, 'per tick', 'random-walk step', 'knob'),
  walkReversion: p(0.02, 0, 1, 'per tick', 'random-walk pull back towards 1', 'knob'),
  walkMin: p(0.2, 0, 100, '×', 'random-walk floor', 'knob'),
  walkMax: p(2, 0, 100, '×', 'random-walk ceiling', 'knob'),

  // --- State, health, attribution (§7) -----------------------------------------------------------
  degradedAbove: p(0.05, 0, 1, 'share', 'degradation above which a VPS is "degraded"', 'knob (presentation)'),
  degradedErrorRate: p(0.01, 0, 1, 'share', 'error rate above which a VPS is "degraded"', 'knob (presentation)'),
  degradedP99Ratio: p(2, 1, 1000, '× isolated', 'p99 against isolated above which a VPS is "degraded"', 'knob (presentation)'),
  healthP99Span: p(9, 0.1, 1000, '× isolated', 'p99 ratio − 1 at which health loses its latency half', 'knob (presentation)'),
  attributionMinShare: p(0.05, 0, 1, 'share', 'attribution edges below this share are not reported', 'presentation'),
  attributionTop: p(3, 1, 100, 'edges', 'culprits reported per victim and resource', 'presentation', true),
} as const satisfies Record<string, ParamSpec>;

export type ParamName = keyof typeof PARAM_SPECS;
/** A resolved parameter record: one number per name. */
export type Params = { readonly [K in ParamName]: number };

/** Every parameter name, in table order (what a sensitivity sweep iterates). */
export const PARAM_NAMES = Object.keys(PARAM_SPECS) as ParamName[];

/** The defaults (frozen). */
export const DEFAULT_PARAMS: Params = Object.freeze(
  Object.fromEntries(PARAM_NAMES.map((k) => [k, PARAM_SPECS[k].value])) as Params,
);

/** Why a `params` override is refused: the JSON path of the offending entry and the reason. */
export interface ParamsError {
  path: string;
  message: string;
}

/**
 * Checks a scenario's `params` override: an object whose keys are parameter names and whose values
 * are finite numbers within each parameter's range. Returns the first error, naming `params.<name>`.
 */
export function paramsError(over: unknown, prefix = 'params'): ParamsError | undefined {
  if (over === undefined) return undefined;
  if (over === null || typeof over !== 'object' || Array.isArray(over))
    return { path: prefix, message: `${prefix}: expected an object of parameter overrides` };
  for (const [k, v] of Object.entries(over)) {
    const path = `${prefix}.${k}`;
    if (!Object.hasOwn(PARAM_SPECS, k)) return { path, message: `${path}: unknown parameter "${k}"` };
    const spec = PARAM_SPECS[k as ParamName] as ParamSpec;
    if (typeof v !== 'number' || !Number.isFinite(v)) return { path, message: `${path}: expected a finite number` };
    if (v < spec.min || v > spec.max) return { path, message: `${path}: ${v} is outside ${spec.min}…${spec.max} ${spec.unit}` };
    if (spec.integer && !Number.isInteger(v)) return { path, message: `${path}: expected a whole number` };
  }
  return undefined;
}

/** The defaults with a (valid) override applied; throws naming the path on an invalid one. */
export function resolveParams(over?: Readonly<Record<string, number>>): Params {
  if (!over) return DEFAULT_PARAMS;
  const e = paramsError(over);
  if (e) throw new Error(e.message);
  return Object.freeze({ ...DEFAULT_PARAMS, ...over }) as Params;
}

/**
 * A value scaled by `factor` and brought back into the parameter's range (whole for integer
 * parameters): what a sensitivity sweep sets for `name` at ×0.5 or ×2.
 */
export function scaledParam(name: ParamName, factor: number): number {
  const spec = PARAM_SPECS[name] as ParamSpec;
  let v = spec.value * factor;
  if (spec.integer) v = Math.round(v);
  return Math.min(spec.max, Math.max(spec.min, v));
}
