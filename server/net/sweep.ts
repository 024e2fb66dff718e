/**
 * The slow-client sweep. A client that stops reading must not grow memory: frames are volatile
 * (dropped while its transport is busy) and stop past the send budget; what still queues (events)
 * is bounded by dropping the connection. All the connections of one address together are bounded
 * the same way (addressBytes.ts).
 */
import type { Logger } from 'pino';
import type { Clock } from '../lab/clock.js';
import { STALLED } from './broadcast.js';
import { DROP_BYTES, DROP_PACKETS, SEND_BUDGET } from './buffered.js';
import type { IoServer } from './io.js';
import type { WaitingByAddress } from './addressBytes.js';

/**
 * Check every connection twice a second. A connection past its own budget, or one of an address
 * past the address's budget, gets no frames; past the drop limits it is dropped. Returns a function
 * that stops the sweep.
 */
export function sweepSlowClients(
  io: IoServer,
  clock: Clock,
  logger: Logger,
  byAddress: WaitingByAddress,
): () => void {
  return clock.every(500, () => {
    for (const [address, conns] of byAddress.measure(io)) {
      let total = conns.reduce((sum, c) => sum + c.bytes, 0);
      // The connections with the most waiting go first, until the address is within its limit.
      for (const c of [...conns].sort((a, b) => b.bytes - a.bytes)) {
        const overAddress = total > byAddress.dropBytes;
        if (c.bytes > DROP_BYTES || c.packets > DROP_PACKETS || overAddress) {
          logger.warn(
            { client: c.socket.data.by, bytes: c.bytes, packets: c.packets, address, fromAddress: total },
            overAddress
              ? 'client is not reading and its address holds too much; disconnected'
              : 'client is not reading; disconnected',
          );
          c.socket.disconnect(true);
          total -= c.bytes;
        } else if (c.bytes > SEND_BUDGET || total > byAddress.budget) void c.socket.join(STALLED);
        else if (c.socket.rooms.has(STALLED)) void c.socket.leave(STALLED);
      }
    }
  });
}
