/**
 * Vocabulary of the contention model (see the model spec, §2, §8, §10).
 * Ids here are normative: outside tools read them, so they never change spelling.
 */

export const MODE_IDS = ['full', 'para', 'container', 'hosted'] as const;
export type ModeId = (typeof MODE_IDS)[number];

export const MODE_LABELS: Record<ModeId, string> = {
  full: 'Full virtualization (type-1, KVM)',
  para: 'Paravirtualization (Xen PV)',
  container: 'Containers (one shared kernel)',
  hosted: 'Full virtualization (type-2, hosted)',
};

export const GUEST_FAULTS = [
  'cpu_hog',
  'memory_leak',
  'io_storm',
  'net_flood',
  'fork_bomb',
  'cache_thrash',
  'kernel_panic',
] as const;
export type GuestFault = (typeof GUEST_FAULTS)[number];

export const HOST_FAULTS = ['dom0_crash', 'host_os_crash', 'host_reboot'] as const;
export type HostFault = (typeof HOST_FAULTS)[number];

export const WORKLOAD_PROFILES = ['steady', 'bursty', 'diurnal', 'randomWalk'] as const;
export type WorkloadProfile = (typeof WORKLOAD_PROFILES)[number];

/** Optional role of a VPS: picks its default cache sensitivity and how the dashboard labels it. */
export const VPS_ROLES = ['web', 'database', 'cache', 'batch', 'ci', 'mail', 'generic'] as const;
export type VpsRole = (typeof VPS_ROLES)[number];

export const VPS_STATES = ['running', 'degraded', 'dnr', 'down', 'rebooting'] as const;
export type VpsState = (typeof VPS_STATES)[number];

export const RESOURCES = ['cpu', 'mem', 'disk', 'net', 'cache', 'dom0', 'kernel', 'hostos'] as const;
export type Resource = (typeof RESOURCES)[number];

/** Per-VPS metric names of a frame (normative names, model spec §10). `state` is a string; the rest are numbers. */
export const VPS_METRICS = [
  'cpuDemand',
  'cpuGranted',
  'cpuUseful',
  'cpuSteal',
  'cpuThrottled',
  'memDemandGiB',
  'memResidentGiB',
  'memSwappedGiB',
  'diskDemandIops',
  'diskServedIops',
  'netDemandMbps',
  'netServedMbps',
  'latencyMeanMs',
  'latencyP99Ms',
  'throughputRps',
  'errorRate',
  'goodFraction',
  'degradation',
  'health',
  // Beyond the normative set: what the dashboard explains with.
  'demandRps',
  'schedWaitMs',
  'latencyP99IsolatedMs',
  'backlog',
  /** p95 response time (model spec §7: 3.0·W), ms. */
  'latencyP95Ms',
  /** Time a request spends at the disk: device queueing, plus Dom0's backend where there is one, ms. */
  'diskLatencyMs',
] as const;
export type VpsMetricName = (typeof VPS_METRICS)[number];

/** Per-host metric names of a frame (normative names, model spec §10). */
export const HOST_METRICS = [
  'cpuUtil',
  'memUsedGiB',
  'hostSwapGiB',
  'diskUtil',
  'netUtil',
  'dom0CpuUtil',
  'fairness',
  'running',
  // Beyond the normative set.
  'cpuIdleCores',
  'hostOsCpuUtil',
] as const;
export type HostMetricName = (typeof HOST_METRICS)[number];

export type VpsMetrics = { id: string; state: VpsState } & Record<VpsMetricName, number>;
export type HostMetrics = Record<HostMetricName, number>;

/** One "who hurts whom" edge: `culprit`'s use above its fair share explains `share` of `victim`'s shortfall on `resource`. */
export interface Attribution {
  victim: string;
  culprit: string;
  resource: Resource;
  /** 0..1 of the victim's shortfall on that resource. */
  share: number;
}

/** Everything the engine reports for one tick. */
export interface Frame {
  tick: number;
  /** Simulated seconds at the end of this tick. */
  t: number;
  host: HostMetrics;
  vps: VpsMetrics[];
  attribution: Attribution[];
}
