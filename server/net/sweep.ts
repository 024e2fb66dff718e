/**
 * The slow-client sweep. A client that stops reading must not grow memory: frames are volatile
 * (dropped while its transport is busy) and stop past the send budget; what still queues (events)
 * is bounded by dropping the connection.
 */
import type { Logger } from 'pino';
import type { Clock } from '../lab/clock.js';
import { STALLED } from './broadcast.js';
import { DROP_BYTES, DROP_PACKETS, SEND_BUDGET, waiting } from './buffered.js';
import type { IoServer } from './io.js';

/** Check every connection twice a second. Returns a function that stops the sweep. */
export function sweepSlowClients(io: IoServer, clock: Clock, logger: Logger): () => void {
  return clock.every(500, () => {
    for (const socket of io.sockets.sockets.values()) {
      const { bytes, packets } = waiting(socket);
      if (bytes > DROP_BYTES || packets > DROP_PACKETS) {
        logger.warn({ client: socket.data.by, bytes, packets }, 'client is not reading; disconnected');
        socket.disconnect(true);
      } else if (bytes > SEND_BUDGET) void socket.join(STALLED);
      else if (socket.rooms.has(STALLED)) void socket.leave(STALLED);
    }
  });
}
