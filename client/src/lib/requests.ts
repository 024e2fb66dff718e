/**
 * What the page asks the server to do (commands, clock actions), one request id per user action. A
 * request whose answer was lost with the connection (the server may or may not have applied it) is
 * sent again with that same id as soon as the page is connected again: the server applies an id at
 * most once and answers a repeat as it answered the first, so the page learns whether the action
 * applied, and a click is never applied twice. Only when the connection stays down for GIVE_UP_MS
 * does the page stop waiting, and it says it cannot tell.
 */
import type { Ack, ApiError, ClientToServer, ServerToClient } from '../../../shared/protocol.js';
import type { Socket } from 'socket.io-client';

/** The socket surface requests need: sending, typed by the shared event map. */
export type RequestSocket = Pick<Socket<ServerToClient, ClientToServer>, 'emit'>;

/** How long a request whose answer was lost waits for the connection to come back. */
export const GIVE_UP_MS = 30_000;
/** A request sent again to a server still restoring the lab (after a restart) is sent again this often. */
export const RESTORING_RETRY_MS = 1000;

/** Sends one request with its id on `socket`; `done` gets the server's answer. */
export type Send<T> = (socket: RequestSocket, requestId: string, done: (r: Ack<T>) => void) => void;

const NOT_CONNECTED: Ack<never> = {
  ok: false,
  error: { code: 'INTERNAL', message: 'Not connected to the server: nothing was sent' },
};
const UNKNOWN: Ack<never> = {
  ok: false,
  error: {
    code: 'INTERNAL',
    message:
      'The connection dropped before the server answered and has not come back: not known whether it applied (the lab’s log will say once the page reconnects)',
  },
};

let counter = 0;
/** A request id unique to this page (crypto.getRandomValues works on plain http too, randomUUID does not). */
export function newRequestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  const random = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `page-${random}-${(++counter).toString(36)}`;
}

interface Pending {
  /** The connection is back: send it again, same id. */
  back(): void;
  /** The connection dropped: wait for it, at most GIVE_UP_MS. */
  dropped(): void;
}

export class Requests {
  // Bookkeeping, not state: nothing on the page reads it.
  private readonly pending = new Set<Pending>();
  private socket: RequestSocket | null = null;
  private connected = false;

  /** `refused`: the server refused a request (a real answer, for the page's banner). */
  constructor(private readonly refused: (e: ApiError) => void) {}

  attach(socket: RequestSocket | null): void {
    this.socket = socket;
  }

  /** Requests sent and not yet answered. */
  get size(): number {
    return this.pending.size;
  }

  /** The connection came (back) or went: requests waiting for an answer are sent again, or wait. */
  setConnected(connected: boolean): void {
    this.connected = connected;
    for (const p of [...this.pending]) {
      if (connected) p.back();
      else p.dropped();
    }
  }

  /**
   * Send a request with a new id; resolves with the server's answer (to the first send or a
   * repeat). Offline, an error at once: nothing was sent.
   */
  ask<T>(send: Send<T>): Promise<Ack<T>> {
    if (!this.socket || !this.connected) return Promise.resolve(NOT_CONNECTED);
    const id = newRequestId();
    return new Promise((resolve) => {
      let giveUp: ReturnType<typeof setTimeout> | undefined;
      let retry: ReturnType<typeof setTimeout> | undefined;
      let resent = false;
      let restoringTries = 0;
      const finish = (r: Ack<T>, fromServer: boolean): void => {
        if (!this.pending.delete(p)) return;
        clearTimeout(giveUp);
        clearTimeout(retry);
        if (fromServer && !r.ok) this.refused(r.error);
        resolve(r);
      };
      const sendNow = (): void => {
        const socket = this.socket;
        if (!socket || !this.connected) return;
        send(socket, id, (r) => {
          if (!this.pending.has(p)) return;
          // Sent again to a server restoring the lab: the first may have applied before it restarted.
          if (resent && !r.ok && r.error.code === 'RESTORING') {
            if (++restoringTries * RESTORING_RETRY_MS > GIVE_UP_MS) return finish(UNKNOWN, false);
            clearTimeout(retry);
            retry = setTimeout(sendNow, RESTORING_RETRY_MS);
            return;
          }
          finish(r, true);
        });
      };
      const p: Pending = {
        back: () => {
          clearTimeout(giveUp);
          giveUp = undefined;
          resent = true;
          sendNow();
        },
        dropped: () => {
          clearTimeout(retry);
          giveUp ??= setTimeout(() => finish(UNKNOWN, false), GIVE_UP_MS);
        },
      };
      this.pending.add(p);
      sendNow();
    });
  }
}
