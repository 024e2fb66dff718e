/**
 * Model parameters of a guest's service: outages, the application and its latency (§7), what I/O
 * costs in CPU (§2, §5) and the shared kernel's I/O path (§5, container). Part of the parameter
 * table (server/sim/params.ts).
 */
import { param as p, type ParamSpec } from './paramSpec.js';

/** Outages, application and latency, I/O cost and the shared kernel's I/O path. */
export const SERVICE_PARAMS = {
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
  nicQueuePackets: p(
    1000,
    1,
    1e6,
    'packets',
    "the NIC's transmit FIFO (one per link, shared by every guest): a flood keeps it full, and a neighbour's packets wait behind it",
    'Linux txqueuelen default',
    true,
  ),
  netPacketBytes: p(1500, 64, 65_536, 'bytes', 'size of a packet in the transmit queue', 'Ethernet MTU'),
  dom0StageMs: p(0.05, 0.001, 1000, 'ms', 'Dom0 backend stage service time per request', 'knob'),
  stageSlots: p(
    16,
    1,
    1024,
    'slots',
    'worker slots per stage (K of M/M/1/K): loss and latency cap of a saturated stage',
    'knob',
    true,
  ),
  queueS: p(
    2,
    0.01,
    600,
    's',
    'bounded request queue, in seconds of nominal arrivals (listen backlog)',
    'knob',
  ),
  clientTimeoutMs: p(
    10_000,
    1,
    600_000,
    'ms',
    'client timeout: an older request is not good, and a VPS past it is DNR',
    'knob',
  ),
  sloMs: p(1000, 1, 600_000, 'ms', 'default SLO per request', 'model spec §7'),
  p99Factor: p(4.6, 1, 20, '× mean', 'p99 of an exponential response time: −ln(0.01)', 'model spec §7'),
  p95Factor: p(3, 1, 20, '× mean', 'p95 of an exponential response time: −ln(0.05)', 'model spec §7'),

  // --- I/O cost (§2, §5) -------------------------------------------------------------------------
  diskOpCpuS: p(40e-6, 1e-9, 0.01, 'core·s', 'native CPU cost of one disk op (ext4 + block layer)', 'knob'),
  netMbitCpu: p(
    0.0005,
    1e-9,
    0.1,
    'core per Mbit/s',
    'native CPU cost of network traffic (≈6 µs per 1 500-byte packet, no offloads)',
    'knob',
  ),
  dom0IoFactor: p(
    1,
    0,
    100,
    '× native',
    'Dom0 backend cost (netback/blkback copy + grant) so a web guest costs Dom0 20–45 % of its CPU',
    '[CG05], knob',
  ),
  dom0Weight: p(
    256,
    1,
    65_535,
    'weight',
    "Dom0's weight as a scheduling entity",
    'Xen default domain weight',
  ),
  dom0Vcpus: p(1, 1, 64, 'vCPUs', "Dom0's vCPUs (para)", 'model spec §5', true),
  hostOsIoShare: p(
    0.1,
    0,
    1,
    'share',
    'share of hosted I/O work the host OS runs outside the quotas',
    'knob',
  ),
  ioStormFactor: p(
    20,
    0.1,
    1000,
    '× plan',
    'io_storm multiplies disk demand by this × rate',
    'model spec §8',
  ),
  ioStormRequestOps: p(
    32,
    1,
    1024,
    'device ops',
    "an io_storm's request (dd, fio: large sequential I/O) moves this many of the 4 KiB ops a device's random IOPS count, and its guest submits and completes it for one op's CPU (the bytes move by DMA): a storm's device ops cost the guest (and a host OS, one request of its own per guest request) 1/this of a service's small random ones. Dom0 still pays per op (blkback maps or copies every page of a request)",
    '128 KiB requests: Linux read_ahead_kb default 128; xen-blkfront max_indirect_segments default 32 pages',
  ),

  // --- The shared kernel's I/O path (§5, container) -----------------------------------------------
  journalCommitS: p(
    5,
    0.01,
    600,
    's',
    "filesystem journal commit interval: without limits, a write waiting behind a full host dirty pool waits about one commit of others' ordered data",
    'ext4 `commit=` default (Documentation/admin-guide/ext4.rst)',
  ),
  journalCommitOps: p(
    2,
    0,
    1000,
    'device ops',
    "a journal commit's own device work (journal blocks and a cache flush), at the device's speed",
    'knob',
  ),
  writebackChunkS: p(
    0.5,
    0.01,
    60,
    's',
    "with limits, the ordered data a throttled writer has in flight: its flusher submits this much of its write bandwidth at a time, and blk-throttle dispatches it at the writer's io.max, so a shared journal commit waits for it (ext4 data=ordered; the cgroup writeback priority inversion)",
    'Linux fs/fs-writeback.c writeback_chunk_size(): avg_write_bandwidth / 2; inversion: Yang et al., Split-level I/O scheduling, SOSP 2015; Heo et al., IOCost, ASPLOS 2022',
  ),
  webWriteShare: p(
    0.2,
    0,
    1,
    'share',
    "share of a web request's disk work that is a durable write (access and session logs, fsync'd state) and so waits for the journal",
    'knob',
  ),
} as const satisfies Record<string, ParamSpec>;
