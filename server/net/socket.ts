/**
 * The socket.io edge: join/leave a lab (snapshot first, then volatile frames and events), steer it
 * with commands and clock actions. Every inbound message is validated; a client with no control
 * token may watch only; commands are rate-limited per socket; a client that keeps sending garbage
 * is disconnected.
 */
import type { Server, Socket } from 'socket.io';
import type { Logger } from 'pino';
import { parseInput, type Command } from '../../shared/commands.js';
import {
  ClockCommandSchema,
  JoinSchema,
  LabRefSchema,
  parseLabCommand,
  type ClockAction,
  type JoinMessage,
} from '../../shared/inbound.js';
import type {
  Ack,
  ApiError,
  ClientToServer,
  ClockResult,
  ServerToClient,
  SnapshotMessage,
} from '../../shared/protocol.js';
import type { Config } from '../config.js';
import type { Clock } from '../lab/clock.js';
import type { Lab } from '../lab/lab.js';
import type { Registry } from '../lab/registry.js';
import { canControl } from './auth.js';
import { DROP_BYTES, DROP_PACKETS, SEND_BUDGET, waiting } from './buffered.js';
import { TokenBucket } from './rate.js';
import { Broadcaster, roomOf, STALLED } from './broadcast.js';
import { snapshotOf, type SnapshotOptions } from './snapshot.js';
import { DuplicateKeyPayload } from './parser.js';

interface SocketData {
  by: string;
  canControl: boolean;
  commands: TokenBucket;
  joins: TokenBucket;
  garbage: TokenBucket;
}

export type IoServer = Server<ClientToServer, ServerToClient, Record<string, never>, SocketData>;
type IoSocket = Socket<ClientToServer, ServerToClient, Record<string, never>, SocketData>;

const KNOWN = new Set(['join', 'leave', 'command', 'clock']);
/** Invalid or refused messages tolerated: a burst of this many, refilling at 2 per second. */
const GARBAGE_BURST = 20;
/** Refusals that count against that tolerance (a client that keeps being refused is dropped). */
const STRIKES = new Set(['INVALID_INPUT', 'FORBIDDEN', 'RATE_LIMITED', 'LIMIT_EXCEEDED', 'UNKNOWN_LAB']);
/** Joins (and re-joins) per second per connection, sustained; bursts of JOIN_BURST. */
const JOIN_RATE = 1;
const JOIN_BURST = 5;
/** Most labs one connection may watch at once. */
const MAX_JOINED = 4;
export { roomOf };

/** socket.io passes the ack callback last, whatever else a client sent before it. */
function lastFunction(args: unknown[]): unknown {
  for (let i = args.length - 1; i >= 0; i--) if (typeof args[i] === 'function') return args[i];
  return undefined;
}

export type { SnapshotOptions };

/** Labs run by other processes of a cluster: what a viewer connected here may ask of them. */
export interface RemoteLabs {
  exists(id: string): Promise<boolean>;
  snapshot(id: string, canControl: boolean, opts: SnapshotOptions): Promise<Ack<SnapshotMessage>>;
  command(id: string, command: Command, by: string): Promise<Ack<{ tick: number }>>;
  clock(id: string, action: ClockAction, by: string): Promise<Ack<ClockResult>>;
}

export interface SocketDeps {
  registry: Registry;
  config: Config;
  clock: Clock;
  logger: Logger;
  /** Sends the labs' frames, log entries and viewer counts to their rooms. */
  broadcast: Broadcaster;
  /** In a cluster: labs of other processes (their frames reach this process's rooms through the adapter). */
  remote?: RemoteLabs;
}

/** Wire the lab registry to socket.io. Returns a function that stops the slow-client sweep. */
export function attachSockets(io: IoServer, deps: SocketDeps): () => void {
  const { registry, config, clock, logger, broadcast, remote } = deps;

  /** Readable names for the log: "viewer 1", "viewer 2", … ("teacher" with the control token when one is set). */
  let viewerNo = 0;

  for (const lab of registry.list()) broadcast.attach(lab);
  registry.onAdded((lab) => broadcast.attach(lab));
  registry.onRemoved((lab) => {
    const room = roomOf(lab.id);
    io.to(room).emit('error', { code: 'UNKNOWN_LAB', message: `lab "${lab.id}" was deleted`, path: 'lab' });
    io.in(room).socketsLeave(room);
    broadcast.detach(lab.id);
  });

  /** Joins waiting for a lab being restored, and how each connection joins a lab. */
  const waitingFor = new Map<string, { socket: IoSocket; join: JoinMessage }>();
  const joiners = new Map<string, (lab: Lab, join: JoinMessage) => void>();
  registry.onSettled((id) => {
    const lab = registry.get(id);
    for (const [sid, w] of waitingFor) {
      if (w.join.lab !== id) continue;
      waitingFor.delete(sid);
      if (lab) joiners.get(sid)?.(lab, w.join);
      else
        w.socket.emit('error', {
          code: 'UNKNOWN_LAB',
          message: `lab "${id}" could not be restored`,
          path: 'lab',
        });
    }
  });

  io.use((socket, next) => {
    if (io.engine.clientsCount > config.maxClients) {
      const err = new Error(`too many clients connected (at most ${config.maxClients})`) as Error & {
        data?: unknown;
      };
      err.data = { code: 'LIMIT_EXCEEDED' };
      next(err);
      return;
    }
    const now = clock.now();
    const control = canControl(config, (socket.handshake.auth as { token?: unknown } | undefined)?.token);
    socket.data = {
      by: config.controlToken && control ? 'teacher' : `viewer ${++viewerNo}`,
      canControl: control,
      commands: new TokenBucket(config.commandRate, Math.max(1, config.commandRate * 2), now),
      joins: new TokenBucket(JOIN_RATE, JOIN_BURST, now),
      garbage: new TokenBucket(2, GARBAGE_BURST, now),
    };
    next();
  });

  io.on('connection', (socket: IoSocket) => {
    /** Count an invalid message; past the tolerance, drop the connection (after any pending reply). */
    const strike = () => {
      if (!socket.data.garbage.take(clock.now()) && socket.connected) {
        logger.warn({ client: socket.data.by }, 'client kept sending invalid messages; disconnected');
        socket.emit('error', { code: 'INVALID_INPUT', message: 'too many invalid messages; disconnected' });
        socket.disconnect(true);
      }
    };
    /** Answer through the ack if the client gave one, else as an `error` event when it failed. */
    const reply = <T>(ack: unknown, r: Ack<T>) => {
      if (typeof ack === 'function') (ack as (r: Ack<T>) => void)(r);
      else if (!r.ok) socket.emit('error', r.error);
      // A refusal counts like garbage: a client that keeps being refused is dropped.
      if (!r.ok && STRIKES.has(r.error.code)) strike();
    };
    const invalid = (ack: unknown, error: ApiError) => reply(ack, { ok: false, error });

    /** Every handler gets its ack (wherever the client put it); an unexpected error is answered, not thrown. */
    const handle = (event: keyof ClientToServer, fn: (msg: unknown, ack: unknown) => void) => {
      // What arrives is whatever a client sent: read as unknown, parsed by `fn`.
      socket.on(event, (msg: unknown, ...rest: unknown[]) => {
        const ack = lastFunction(rest);
        if (msg instanceof DuplicateKeyPayload) return invalid(ack, msg.error);
        try {
          fn(msg, ack);
        } catch (err) {
          logger.error({ err, event, client: socket.data.by }, 'error handling a client message');
          reply(ack, { ok: false, error: { code: 'INTERNAL', message: 'internal error' } });
        }
      });
    };

    logger.debug({ client: socket.data.by, canControl: socket.data.canControl }, 'client connected');
    socket.on('disconnect', (reason) =>
      logger.debug({ client: socket.data.by, reason }, 'client disconnected'),
    );

    socket.onAny((event: unknown) => {
      if (typeof event !== 'string' || !KNOWN.has(event)) strike();
    });

    const unknownLab = (id: string, ack: unknown) =>
      reply(ack, {
        ok: false,
        error: registry.isRestoring(id)
          ? {
              code: 'RESTORING',
              message: `lab "${id.slice(0, 64)}" is being restored after a restart; ask again in a moment`,
              path: 'lab',
            }
          : { code: 'UNKNOWN_LAB', message: `no lab "${id.slice(0, 64)}"`, path: 'lab' },
      });
    const findLab = (id: string, ack: unknown): Lab | undefined => {
      const lab = registry.get(id);
      if (!lab) unknownLab(id, ack);
      return lab;
    };
    const maxJoined = (room: string, ack: unknown): boolean => {
      const joined = [...socket.rooms].filter((x) => x.startsWith('lab:') && x !== room);
      if (joined.length < MAX_JOINED) return false;
      reply(ack, {
        ok: false,
        error: { code: 'LIMIT_EXCEEDED', message: `watch at most ${MAX_JOINED} labs per connection` },
      });
      return true;
    };

    /** A lab another process runs: join its room here (its frames come through the adapter), snapshot from its owner. */
    const joinRemote = async (id: string, opts: SnapshotOptions, ack: unknown) => {
      if (!remote || !(await remote.exists(id))) return unknownLab(id, ack);
      const room = roomOf(id);
      if (maxJoined(room, ack)) return;
      await socket.join(room);
      reply(ack, { ok: true, data: { lab: id } });
      const snap = await remote.snapshot(id, socket.data.canControl, opts);
      if (snap.ok) socket.emit('snapshot', snap.data);
      else socket.emit('error', snap.error);
    };

    /** Join a lab that is running: the room, then the snapshot (unless this connection is not reading). */
    const joinLab = (lab: Lab, opts: JoinMessage, ack: unknown) => {
      const room = roomOf(lab.id);
      if (maxJoined(room, ack)) return;
      const { bytes } = waiting(socket);
      if (bytes > SEND_BUDGET)
        return reply(ack, {
          ok: false,
          error: {
            code: 'LIMIT_EXCEEDED',
            message: `${bytes} bytes already wait for this connection: read them before joining again`,
          },
        });
      void socket.join(room);
      reply(ack, { ok: true, data: { lab: lab.id } });
      const snapshot = snapshotOf(lab, socket.data.canControl, broadcast.viewers(lab.id), {
        historyS: opts.historyS,
        metrics: opts.metrics,
      });
      socket.emit('snapshot', { ...snapshot, you: socket.data.by });
      // The count goes to the others (and this one) after its snapshot: the snapshot comes first.
      broadcast.tellViewers(lab.id, true);
    };

    /** A parsed join: a running lab, one being restored, or one another process runs. */
    const join = (msg: JoinMessage, ack: unknown): void => {
      // Just after start the saved labs are still being listed: answer once it is known which.
      const listed = registry.whenListed();
      if (listed) return void listed.then(() => join(msg, ack));
      // A saved lab still being restored: the join is answered now, the snapshot follows when it is back.
      if (registry.isRestoring(msg.lab)) {
        waitingFor.set(socket.id, { socket, join: msg });
        return reply(ack, { ok: true, data: { lab: msg.lab, restoring: true } });
      }
      const lab = remote ? registry.get(msg.lab) : findLab(msg.lab, ack);
      if (!lab && remote) {
        const opts = { historyS: msg.historyS, metrics: msg.metrics };
        return void joinRemote(msg.lab, opts, ack).catch((err: unknown) => {
          logger.error({ err, client: socket.data.by }, 'error joining a lab of another process');
          reply(ack, { ok: false, error: { code: 'INTERNAL', message: 'internal error' } });
        });
      }
      if (lab) joinLab(lab, msg, ack);
    };

    handle('join', (msg, ack) => {
      const r = parseInput(JoinSchema, msg);
      if (!r.ok) return invalid(ack, r.error);
      if (!socket.data.joins.take(clock.now()))
        return reply(ack, {
          ok: false,
          error: { code: 'RATE_LIMITED', message: `at most ${JOIN_RATE} join per second` },
        });
      join(r.data, ack);
    });
    joiners.set(socket.id, (lab, join) => joinLab(lab, join, undefined));

    handle('leave', (msg, ack) => {
      const r = parseInput(LabRefSchema, msg);
      if (!r.ok) return invalid(ack, r.error);
      void socket.leave(roomOf(r.data.lab));
      if (registry.get(r.data.lab)) broadcast.tellViewers(r.data.lab);
      reply(ack, { ok: true, data: { lab: r.data.lab } });
    });

    /** The checks every steering message passes (once parsed): a lab, control, the rate. */
    const gate = (id: string, ack: unknown): { lab: Lab | undefined } | undefined => {
      // In a cluster a lab not run here goes to its owner, which answers UNKNOWN_LAB if there is none.
      const lab = remote ? registry.get(id) : findLab(id, ack);
      if (!lab && !remote) return;
      if (!socket.data.canControl)
        return void reply(ack, {
          ok: false,
          error: { code: 'FORBIDDEN', message: 'watch-only: steering this lab needs the control token' },
        });
      if (!socket.data.commands.take(clock.now()))
        return void reply(ack, {
          ok: false,
          error: { code: 'RATE_LIMITED', message: `at most ${config.commandRate} commands per second` },
        });
      return { lab };
    };
    const failed = (ack: unknown) => (err: unknown) => {
      logger.error({ err, client: socket.data.by }, 'error applying a command');
      reply(ack, { ok: false, error: { code: 'INTERNAL', message: 'internal error' } });
    };

    handle('command', (msg, ack) => {
      const r = parseLabCommand(msg);
      if (!r.ok) return invalid(ack, r.error);
      const g = gate(r.data.lab, ack);
      if (!g) return;
      const applied = g.lab
        ? g.lab.submit(r.data.command, socket.data.by)
        : (remote as RemoteLabs).command(r.data.lab, r.data.command, socket.data.by);
      void applied.then((a) => reply(ack, a), failed(ack));
    });

    handle('clock', (msg, ack) => {
      const r = parseInput(ClockCommandSchema, msg);
      if (!r.ok) return invalid(ack, r.error);
      const { lab: id, ...action } = r.data;
      const g = gate(id, ack);
      if (!g) return;
      if (g.lab) return reply(ack, g.lab.clock(action, socket.data.by));
      void (remote as RemoteLabs).clock(id, action, socket.data.by).then((a) => reply(ack, a), failed(ack));
    });

    socket.on('disconnect', () => {
      waitingFor.delete(socket.id);
      joiners.delete(socket.id);
      broadcast.tellAllViewers();
    });
  });

  // A client that stops reading must not grow memory: frames are volatile (dropped while its
  // transport is busy) and stop past the send budget; what still queues (events) is bounded by
  // dropping the connection.
  const stopSweep = clock.every(500, () => {
    for (const socket of io.sockets.sockets.values()) {
      const { bytes, packets } = waiting(socket);
      if (bytes > DROP_BYTES || packets > DROP_PACKETS) {
        logger.warn({ client: socket.data.by, bytes, packets }, 'client is not reading; disconnected');
        socket.disconnect(true);
      } else if (bytes > SEND_BUDGET) void socket.join(STALLED);
      else if (socket.rooms.has(STALLED)) void socket.leave(STALLED);
    }
  });
  return stopSweep;
}
