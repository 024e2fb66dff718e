/**
 * How one connection is answered: through the ack the client gave (wherever it put it), else as an
 * `error` event when it failed. Invalid messages, unknown events and refusals count against a
 * tolerance; a client past it is disconnected. An unexpected error is answered, never thrown.
 */
import type { Logger } from 'pino';
import type { Ack, ApiError, ClientToServer } from '../../shared/protocol.js';
import type { Clock } from '../lab/clock.js';
import type { Registry } from '../lab/registry.js';
import type { IoSocket } from './io.js';
import { DuplicateKeyPayload } from './parser.js';

/** Invalid or refused messages tolerated: a burst of this many, refilling at 2 per second. */
export const GARBAGE_BURST = 20;
export const GARBAGE_RATE = 2;
/** Refusals that count against that tolerance (a client that keeps being refused is dropped). */
const STRIKES = new Set(['INVALID_INPUT', 'FORBIDDEN', 'RATE_LIMITED', 'LIMIT_EXCEEDED', 'UNKNOWN_LAB']);
const KNOWN = new Set<string>(['join', 'leave', 'command', 'clock']);

/** socket.io passes the ack callback last, whatever else a client sent before it. */
function lastFunction(args: unknown[]): unknown {
  for (let i = args.length - 1; i >= 0; i--) if (typeof args[i] === 'function') return args[i];
  return undefined;
}

/** The refusal of a message sent with no payload. */
function missingPayload(event: string): ApiError {
  return {
    code: 'INVALID_INPUT',
    message: `payload: missing (send "${event}" an object, e.g. { lab }, before its ack)`,
    path: 'payload',
  };
}

/** The sustained message rate of a connection, for its refusal. */
function messageRate(socket: IoSocket): number {
  return socket.data.messages.rate;
}

export interface Replies {
  /** Answer a message: through its ack, else (a refusal) as an `error` event. */
  reply<T>(ack: unknown, r: Ack<T>): void;
  invalid(ack: unknown, error: ApiError): void;
  /** Listen for `event`; `fn` gets what the client sent (unknown, to be parsed) and its ack. */
  handle(event: keyof ClientToServer, fn: (msg: unknown, ack: unknown) => void): void;
}

/** The replies of one connection; also counts its messages of unknown events against the tolerance. */
export function repliesFor(socket: IoSocket, clock: Clock, logger: Logger): Replies {
  /** Count an invalid message; past the tolerance, drop the connection (after any pending reply). */
  const strike = () => {
    if (!socket.data.garbage.take(clock.now()) && socket.connected) {
      logger.warn({ client: socket.data.by }, 'client kept sending invalid messages; disconnected');
      socket.emit('error', { code: 'INVALID_INPUT', message: 'too many invalid messages; disconnected' });
      socket.disconnect(true);
    }
  };
  const reply = <T>(ack: unknown, r: Ack<T>) => {
    if (typeof ack === 'function') (ack as (r: Ack<T>) => void)(r);
    else if (!r.ok) socket.emit('error', r.error);
    // A refusal counts like garbage: a client that keeps being refused is dropped.
    if (!r.ok && STRIKES.has(r.error.code)) strike();
  };
  const invalid = (ack: unknown, error: ApiError) => reply(ack, { ok: false, error });
  const handle = (event: keyof ClientToServer, fn: (msg: unknown, ack: unknown) => void) => {
    // What arrives is whatever a client sent: read as unknown, parsed by `fn`.
    socket.on(event, (...args: unknown[]) => {
      const ack = lastFunction(args);
      // An ack with nothing before it (`emit('command', ack)`): socket.io hands the ack over first.
      if (args.length === 0 || args[0] === ack) return invalid(ack, missingPayload(event));
      const msg = args[0];
      if (msg instanceof DuplicateKeyPayload) return invalid(ack, msg.error);
      try {
        fn(msg, ack);
      } catch (err) {
        logger.error({ err, event, client: socket.data.by }, 'error handling a client message');
        reply(ack, { ok: false, error: { code: 'INTERNAL', message: 'internal error' } });
      }
    });
  };
  // An event the protocol does not have is answered, naming it (through its ack, else as an
  // `error`), and counts like any invalid message.
  socket.onAny((event: unknown, ...args: unknown[]) => {
    if (typeof event === 'string' && KNOWN.has(event)) return;
    invalid(lastFunction(args), {
      code: 'INVALID_INPUT',
      message: `event: no event "${String(event).slice(0, 40)}" (the events are ${[...KNOWN].join(', ')})`,
      path: 'event',
    });
  });
  // Every message, valid or not, counts against the connection's message rate before any handler
  // runs: a flood of messages that are each fine (a `leave`) would otherwise keep the server busy.
  socket.use((packet, next) => {
    if (socket.data.messages.take(clock.now())) return next();
    reply(lastFunction(packet), {
      ok: false,
      error: {
        code: 'RATE_LIMITED',
        message: `at most ${messageRate(socket)} messages per second per connection`,
      },
    });
  });
  return { reply, invalid, handle };
}

/** The refusal for a lab not running here: still being restored after a restart, or none. */
export function missingLab(registry: Registry, id: string): ApiError {
  return registry.isRestoring(id)
    ? {
        code: 'RESTORING',
        message: `lab "${id.slice(0, 64)}" is being restored after a restart; ask again in a moment`,
        path: 'lab',
      }
    : { code: 'UNKNOWN_LAB', message: `no lab "${id.slice(0, 64)}"`, path: 'lab' };
}
