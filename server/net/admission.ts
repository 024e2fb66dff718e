/**
 * Who may open a connection at all, before socket.io sees it: a known Host name (so a page on
 * another origin that resolves its name to this server, DNS rebinding, is refused), an allowed
 * Origin, and room left within the client limit overall and per address. engine.io connections
 * count from their handshake, whether or not they ever send socket.io's CONNECT.
 */
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import type { Server } from 'socket.io';
import type { Config } from '../config.js';
import { hostAllowed, originAllowed } from './auth.js';
import { limitKey } from './clientAddress.js';

export interface Admission {
  /** engine.io's `allowRequest`: called for each new handshake. */
  allowRequest(req: IncomingMessage, cb: (err: string | null | undefined, ok: boolean) => void): void;
  /** Count the server's engine.io connections (call once, after the server is built). */
  attach(io: Server): void;
  /** Open connections from `address`. */
  count(address: string): number;
}

type Limits = Pick<
  Config,
  'maxClients' | 'maxClientsPerAddress' | 'host' | 'allowedHosts' | 'advertiseUrl' | 'allowedOrigins'
>;

export function admission(config: Limits, logger: Logger): Admission {
  const perAddress = new Map<string, number>();
  let total = () => 0;
  const addressOf = (req: IncomingMessage) => limitKey(req.socket.remoteAddress);
  return {
    allowRequest(req, cb) {
      if (!hostAllowed(req.headers.host, config)) return cb('unknown host name', false);
      if (!originAllowed(req.headers.origin, req.headers.host, config))
        return cb('origin not allowed', false);
      if (total() >= config.maxClients)
        return cb(`too many clients connected (at most ${config.maxClients})`, false);
      if ((perAddress.get(addressOf(req)) ?? 0) >= config.maxClientsPerAddress)
        return cb(`too many connections from this address (at most ${config.maxClientsPerAddress})`, false);
      cb(null, true);
    },
    attach(io) {
      total = () => io.engine.clientsCount;
      io.engine.on(
        'connection',
        (conn: { request: IncomingMessage; close(): void; once(e: 'close', f: () => void): void }) => {
          const address = addressOf(conn.request);
          const n = (perAddress.get(address) ?? 0) + 1;
          perAddress.set(address, n);
          conn.once('close', () => {
            const left = (perAddress.get(address) ?? 1) - 1;
            if (left > 0) perAddress.set(address, left);
            else perAddress.delete(address);
          });
          // Handshakes that passed allowRequest together may overshoot: close the excess at once.
          if (io.engine.clientsCount > config.maxClients || n > config.maxClientsPerAddress) {
            logger.warn(
              { address, clients: io.engine.clientsCount, fromAddress: n },
              'connection over the client limit; closed',
            );
            conn.close();
          }
        },
      );
    },
    count(address) {
      return perAddress.get(address) ?? 0;
    },
  };
}
