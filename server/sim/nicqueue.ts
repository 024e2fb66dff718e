/**
 * The NIC's transmit queue (model spec §5): one FIFO in front of the link, whatever shares it
 * upstream (a shared kernel's qdisc, Dom0's bridge, the host's tap devices). A packet waits behind
 * the bytes queued ahead of it: delay = queued bytes / link rate, bounded by the queue's size. A
 * sender that offers the link more than its rate (a flood) keeps the queue full, so every
 * neighbour's packets wait the whole queue; below the link rate the queue holds what an M/M/1
 * queue of packets holds.
 */

/**
 * Mean wait, in ms, of a packet entering a FIFO transmit queue of `queuePackets` packets of
 * `packetBytes` in front of a `linkMbps` link offered `offeredMbps`: the packets ahead of it
 * (u/(1−u) at utilization u < 1, the whole queue from u ≥ 1 on) times one packet's time on the wire.
 */
export function nicQueueDelayMs(
  offeredMbps: number,
  linkMbps: number,
  queuePackets: number,
  packetBytes: number,
): number {
  if (!(offeredMbps > 0) || !(linkMbps > 0)) return 0;
  const u = offeredMbps / linkMbps;
  // One packet on the wire: bits ÷ (bits per ms). (Each branch multiplies its own count: the
  // parameter as read, merged with a computed double, would be boxed on the heap at every call.)
  if (u >= 1) return (queuePackets * packetBytes * 8) / (linkMbps * 1000);
  const ahead = Math.min(queuePackets, u / (1 - u));
  return (ahead * packetBytes * 8) / (linkMbps * 1000);
}
