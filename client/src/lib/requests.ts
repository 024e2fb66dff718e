/**
 * What the page asks the server to do (commands, clock actions), one request id per user action. A
 * request whose answer was lost with the connection (the server may or may not have applied it) is
 * sent again with that same id as soon as the page is connected again: the server applies an id at
 * most once and answers a repeat as it answered the first, so the page learns whether the action
 * applied, and a click is never applied twice. Only when the connection stays down for GIVE_UP_MS
 * does the page stop waiting, and it says it cannot tell.
 *
 * An answer UNAVAILABLE (a cluster whose store does not answer, or whose server running the lab did
 * not answer) means "send it again": the page does so by itself, with the same id, after each of
 * RESEND_DELAYS_MS (backing off), saying meanwhile that it is sending it again; the answer to the
 * last try is the one the page shows.
 */
import type { Ack, ApiError, ClientToServer, ServerToClient } from '../../../shared/protocol.js';
import type { Socket } from 'socket.io-client';

/** The socket surface requests need: sending, typed by the shared event map. */
export type RequestSocket = Pick<Socket<ServerToClient, ClientToServer>, 'emit'>;

/** How long a request whose answer was lost waits for the connection to come back. */
export const GIVE_UP_MS = 30_000;
/** A request sent again to a server still restoring the lab (after a restart) is sent again this often. */
export const RESTORING_RETRY_MS = 1000;

/** An UNAVAILABLE answer is sent again (same id) after each of these waits, ms: five tries in about 15 s. */
export const RESEND_DELAYS_MS = [1000, 2000, 4000, 8000] as const;

/** A request being sent again after an UNAVAILABLE answer: which try comes next, of how many, and why. */
export interface Resending {
  attempt: number;
  of: number;
  error: ApiError;
}

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

  /** Requests waiting to be sent again after an UNAVAILABLE answer, newest last. */
  private readonly resending = new Map<Pending, Resending>();

  /**
   * `refused`: the server refused a request (a real answer, for the page's banner). `resendingNow`:
   * what is being sent again after an UNAVAILABLE answer (the newest), or null once nothing is.
   */
  constructor(
    private readonly refused: (e: ApiError) => void,
    private readonly resendingNow: (r: Resending | null) => void = () => undefined,
  ) {}

  private setResending(p: Pending, r: Resending | null): void {
    if (r) this.resending.set(p, r);
    else if (!this.resending.delete(p)) return;
    this.resendingNow([...this.resending.values()].at(-1) ?? null);
  }

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
      let unavailableTries = 0;
      const finish = (r: Ack<T>, fromServer: boolean): void => {
        if (!this.pending.delete(p)) return;
        this.setResending(p, null);
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
          // The store or the server running the lab did not answer: sent again, same id, backing off.
          if (!r.ok && r.error.code === 'UNAVAILABLE' && unavailableTries < RESEND_DELAYS_MS.length) {
            const wait = RESEND_DELAYS_MS[unavailableTries++];
            this.setResending(p, {
              attempt: unavailableTries + 1,
              of: RESEND_DELAYS_MS.length + 1,
              error: r.error,
            });
            clearTimeout(retry);
            retry = setTimeout(() => {
              resent = true;
              sendNow();
            }, wait);
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
