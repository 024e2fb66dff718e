/**
 * Swap faults (model spec §4): a request that touches a swapped-out page waits for it to be read
 * back from the host's disk, whatever its guest's load. The faults of every guest, and the pages a
 * growing leak writes out, queue at that one device beside its ordinary I/O, so a host that swaps
 * a lot makes each fault slower.
 */

/**
 * Mean wait of one swap fault, ms: one read on the host's disk (its latency: at least `readMs`, a
 * disk slower than that takes 1/its IOPS) times its queueing at the device's utilization (its own
 * I/O `uDisk` plus `swapOpsPerS` page reads and writes against its IOPS), M/M/1 below saturation
 * and bounded, like every stage, by the (K+1)/2 of a full queue of `slots`.
 */
export function swapFaultMs(
  swapOpsPerS: number,
  diskIops: number,
  uDisk: number,
  readMs: number,
  slots: number,
): number {
  if (!(swapOpsPerS > 0) || !(diskIops > 0)) return 0;
  const readTime = Math.max(readMs, 1000 / diskIops);
  const u = Math.min(1, uDisk + swapOpsPerS / diskIops);
  const cap = (slots + 1) / 2;
  const factor = u < 1 ? Math.min(cap, 1 / (1 - u)) : cap;
  return readTime * factor;
}
