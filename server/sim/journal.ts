/**
 * The shared kernel's write path (model spec §5, `container`): containers on one kernel share its
 * page cache, its dirty-page writeback and the filesystem journal, not only the device queue. A
 * buffered writer dirties pages at memory speed; the kernel's flushers write them back, and a
 * durable write (fsync, a journal commit) waits for the commit of the running transaction, which
 * in ordered mode (ext4 `data=ordered`, the default) first writes the transaction's ordered data:
 * the other writers' newly allocated blocks too.
 *
 * - Without limits (no `memory.max`, no `io.max`) the dirty pool is the host's: while the
 *   containers dirty pages at least as fast as the device writes them back (pressure π =
 *   Σ dirtying ÷ the device's capacity ≥ 1, as under any disk storm), the pool sits at the host's
 *   dirty limit, `balance_dirty_pages` throttles every writer, and a commit carries a whole commit
 *   interval of others' ordered data: a durable write waits about `journalCommitS`. Below that the
 *   commits run back to back, each the commit's own work at the device's speed plus what was
 *   dirtied meanwhile: τ0 / (1 − π), τ0 = `journalCommitOps` ÷ the device's IOPS.
 * - With limits, each container's dirty pages are throttled and written back inside its own
 *   cgroup (cgroup v2 writeback, its `memory.max` and `io.max`): a storm fills its own pool, not
 *   the host's, and a commit costs τ0 of its own work. But the journal is still one: a storm held
 *   at its `io.max` keeps a writeback chunk in flight (the flusher writes half a second of a
 *   writer's bandwidth at a time, `writebackChunkS`, fs/fs-writeback.c), dispatched by blk-throttle
 *   at the cap, and a commit must wait for the part of it in its transaction: a neighbour's fsync
 *   waits at the storm's throttled rate. This is the priority inversion of cgroup writeback on a
 *   shared journal (Yang et al., "Split-level I/O scheduling", SOSP 2015; Heo et al., "IOCost",
 *   ASPLOS 2022, which issues such I/O as the root cgroup's to avoid it). The chunk is seconds of
 *   bandwidth, so the wait is the same on any device. Its spread is exponential, as every stage of
 *   §7, with a mean of one chunk: between half a chunk (a commit that finds the journal idle waits
 *   for the rest of the chunk in flight) and one and a half (one queued behind a commit in
 *   progress waits for that one's rest and then its own chunk). The share `webWriteShare` of a
 *   neighbour's requests that write durably pays it; inside a 1 s SLO, a few percent of them miss.
 *   The storm's writeback itself is asynchronous I/O, which the kernel's I/O schedulers serve after
 *   synchronous requests, so it does not queue ahead of a neighbour's request at the device
 *   (`syncDiskLoad`), though one that finds a writeback request in service waits for its rest.
 * - Other modes: each guest has its own kernel and journal; the shared device is modelled as such.
 *
 * A service dirties the writing share (`webWriteShare`) of its disk work, the ops it drains from a
 * backlog included (they run in the tick they are answered, beside everyone's); a storm writes, and its
 * dirtying is its whole demand (a buffered write costs the writer a copy, not the block layer's
 * work), so a storm fills the pool even where its own CPU could not submit that many direct I/Os
 * to a fast device.
 */
import type { ModeProfile } from './profiles.js';
import type { Params } from './params.js';

/**
 * Journal wait of a durable write, ms, for a host whose containers dirty `dirtyOps` per second
 * (0 in a mode without a shared kernel).
 */
export function journalWaitMs(p: ModeProfile, k: Params, diskIops: number, dirtyOps: number): number {
  if (!p.sharedKernel || !(dirtyOps > 0)) return 0;
  const capacity = diskIops * p.eDisk;
  if (!(capacity > 0)) return 1000 * k.journalCommitS;
  const t0 = (1000 * k.journalCommitOps) / capacity;
  if (p.containerLimits) return Math.min(t0, 1000 * k.journalCommitS);
  const pi = dirtyOps / capacity;
  if (pi >= 1) return 1000 * k.journalCommitS;
  return Math.min(1000 * k.journalCommitS, t0 / (1 - pi));
}

/**
 * With limits, the mean wait of a durable write for throttled writers' ordered data in the running
 * transaction, ms (0 without limits or outside a shared kernel; the commit's own work is
 * {@link journalWaitMs}). Writer i dirties d = `webWriteShare`·(base[i] + drained[i]) + storm[i] ops/s
 * (drained: the disk ops of the requests it answered from a backlog beyond its base demand) under an
 * `io.max` of cap[i] ops/s. Below its cap, blk-throttle passes its writeback as it comes. At its
 * cap, its flusher keeps a chunk of `writebackChunkS` of its bandwidth in flight, dispatched at
 * the cap, so the chunk takes writebackChunkS to reach the disk whatever the device's speed, and a
 * commit waits for it (ext4 data=ordered).
 */
export function orderedDrainMs(
  p: ModeProfile,
  k: Params,
  n: number,
  base: Float64Array,
  drained: Float64Array,
  storm: Float64Array,
  cap: Float64Array,
): number {
  if (!p.sharedKernel || !p.containerLimits) return 0;
  const ws = k.webWriteShare;
  for (let i = 0; i < n; i++)
    if (throttled(ws * (base[i] + drained[i]) + storm[i], cap[i])) return 1000 * k.writebackChunkS;
  return 0;
}

/** Whether a writer dirtying `dirty` ops/s is held at its `io.max` of `cap` ops/s. */
function throttled(dirty: number, cap: number): boolean {
  return dirty > 0 && dirty >= cap;
}

/** With limits, the wait of a writer's durable writes for its own ordered data alone on the host, ms. */
export function ownDrainMs(k: Params, dirty: number, cap: number): number {
  return throttled(dirty, cap) ? 1000 * k.writebackChunkS : 0;
}

/**
 * The device work a request's synchronous I/O queues behind, ops/s, of `sumDisk` served. With
 * limits on a shared kernel, a storm's writes are buffered and reach the device as its throttled
 * writeback: asynchronous I/O, which the kernel's I/O schedulers serve after synchronous requests
 * (CFQ and BFQ idle for and preempt with sync queues; mq-deadline prefers reads, kyber gives
 * async writes their own shallow depth), so it does not queue ahead of a neighbour's request; what
 * it costs the neighbours is the journal's wait for it (`orderedDrainMs`) and, at the device, the
 * rest of a writeback request a synchronous one finds in service (the device does not preempt it:
 * the rest of `sumDisk` is the service pass's `uDiskAsync`). Elsewhere everything queues as one
 * FIFO (model spec §5).
 */
export function syncDiskLoad(
  p: ModeProfile,
  n: number,
  sumDisk: number,
  served: Float64Array,
  base: Float64Array,
  storm: Float64Array,
  stormScale: Float64Array,
): number {
  if (!p.sharedKernel || !p.containerLimits) return sumDisk;
  let async = 0;
  for (let i = 0; i < n; i++) async += writebackOf(i, served, base, storm, stormScale);
  return Math.max(0, sumDisk - async);
}

/**
 * The device work of VPS i that is its storm's writeback, ops/s (with limits on a shared kernel,
 * `syncDiskLoad`): the storm's part of what it is served.
 */
export function writebackOf(
  i: number,
  served: Float64Array,
  base: Float64Array,
  storm: Float64Array,
  stormScale: Float64Array,
): number {
  const df = storm[i] * stormScale[i];
  return df > 0 ? (served[i] * df) / (base[i] + df) : 0;
}
