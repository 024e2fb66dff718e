/**
 * The shared kernel's write path (model spec §5, `container`): containers on one kernel share its
 * page cache, its dirty-page writeback and the filesystem journal, not only the device queue. A
 * buffered writer dirties pages at memory speed; the kernel's flushers write them back, and a
 * durable write (fsync, a journal commit) waits for the commit of the running transaction, which
 * in ordered mode carries the other writers' data too.
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
 *   the host's, and a neighbour's commit costs only its own work, τ0.
 * - Other modes: each guest has its own kernel and journal; the shared device is modelled as such.
 *
 * A service dirties the writing share (`webWriteShare`) of its disk work; a storm writes, and its
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
