/**
 * What waits for all the connections of one address, summed: one client address may not make the
 * server hold more than its budget, however many connections it opens, each within its own budget
 * (256 connections that each joined a big lab and never read held over 1.5 GB). The budget is a
 * quarter MiB for each connection the address may open (MAX_CLIENTS_PER_ADDRESS): 64 MiB by
 * default, more for a class behind one NAT address once that limit is raised. Measured by the
 * slow-client sweep twice a second, and raised at once by each snapshot sent meanwhile, so a
 * burst of joins between two sweeps is counted too.
 */
import type { IoServer, IoSocket } from './io.js';
import { waiting } from './buffered.js';
import { limitKey } from './clientAddress.js';

/** What each connection an address may open adds to the address's budget. */
export const BYTES_PER_CONNECTION = 256 * 1024;

/** The address a connection came from, as its limits key it (clientAddress.ts). */
export const addressOf = (socket: Pick<IoSocket, 'handshake'>): string => limitKey(socket.handshake.address);

export class WaitingByAddress {
  private totals = new Map<string, number>();
  /** Past this many bytes waiting for one address's connections, they get no snapshot and no frame. */
  readonly budget: number;
  /** Past this many, the address's connections with the most waiting are dropped (until below). */
  readonly dropBytes: number;

  constructor(maxClientsPerAddress: number) {
    this.budget = maxClientsPerAddress * BYTES_PER_CONNECTION;
    this.dropBytes = 2 * this.budget;
  }

  /** Measure every connection again; returns each address's connections with their waiting bytes. */
  measure(io: IoServer): Map<string, { socket: IoSocket; bytes: number; packets: number }[]> {
    const by = new Map<string, { socket: IoSocket; bytes: number; packets: number }[]>();
    const totals = new Map<string, number>();
    for (const socket of io.sockets.sockets.values()) {
      const a = addressOf(socket);
      const w = waiting(socket);
      const list = by.get(a);
      if (list) list.push({ socket, ...w });
      else by.set(a, [{ socket, ...w }]);
      totals.set(a, (totals.get(a) ?? 0) + w.bytes);
    }
    this.totals = totals;
    return by;
  }

  /** Bytes waiting for `address`'s connections (as last measured, plus what was sent since). */
  bytes(address: string): number {
    return this.totals.get(address) ?? 0;
  }

  /** Count `n` more bytes queued for `address` (a snapshot just sent). */
  add(address: string, n: number): void {
    if (n > 0) this.totals.set(address, this.bytes(address) + n);
  }
}
