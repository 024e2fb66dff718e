/**
 * The socket.io edge: join/leave a lab (snapshot first, then volatile frames and events), steer it
 * with commands and clock actions. Every inbound message is validated; a client with no control
 * token may watch only; commands are rate-limited per socket; a client that keeps sending garbage
 * is disconnected.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { parseInput } from '../../shared/commands.js';
import { LABS_QUERY } from '../../shared/protocol.js';
import { ClockCommandSchema, parseLabCommand } from '../../shared/inbound.js';
import type { Config } from '../config.js';
import type { Clock } from '../lab/clock.js';
import type { Lab } from '../lab/lab.js';
import type { Registry } from '../lab/registry.js';
import { canControl, controlRefused } from './auth.js';
import { Broadcaster, roomOf } from './broadcast.js';
import type { IoServer, IoSocket, RemoteLabs } from './io.js';
import { JOIN_BURST, JOIN_RATE, Joins } from './joins.js';
import { TokenBucket } from './rate.js';
import { GARBAGE_BURST, GARBAGE_RATE, missingLab, repliesFor, type Replies } from './replies.js';
import { sweepSlowClients } from './sweep.js';
import { WaitingByAddress } from './addressBytes.js';
import { ViewerNames } from './viewerNames.js';

export interface SocketDeps {
  registry: Registry;
  config: Config;
  clock: Clock;
  logger: Logger;
  /** Sends the labs' frames, log entries and viewer counts to their rooms. */
  broadcast: Broadcaster;
  /** In a cluster: labs of other processes (their frames reach this process's rooms through the adapter). */
  remote?: RemoteLabs;
  /** In a cluster: a short tag of this process, for names given while Redis is away. */
  processTag?: string;
}

/** Wire the lab registry to socket.io. Returns a function that stops the slow-client sweep. */
export function attachSockets(io: IoServer, deps: SocketDeps): () => void {
  const { registry, config, clock, logger, broadcast } = deps;

  /** Readable names for the log ("teacher" with the control token when one is set). */
  const viewers = new ViewerNames(deps.remote, deps.processTag, () => registry.viewersSaved());

  /** Connections that list the labs (a page's lab menu): told when a lab comes or goes. */
  const listeners = 'labs';
  const labsChanged = (): void => {
    io.to(listeners).emit('labs');
  };
  for (const lab of registry.list()) {
    broadcast.attach(lab);
    viewers.seen(lab.recentEvents());
  }
  registry.onAdded((lab) => {
    broadcast.attach(lab);
    viewers.seen(lab.recentEvents());
    labsChanged();
  });
  registry.onRemoved((lab) => {
    labsChanged();
    const room = roomOf(lab.id);
    io.to(room).emit('error', { code: 'UNKNOWN_LAB', message: `lab "${lab.id}" was deleted`, path: 'lab' });
    io.in(room).socketsLeave(room);
    broadcast.detach(lab.id);
  });
  const byAddress = new WaitingByAddress(config.maxClientsPerAddress);
  const joins = new Joins({ ...deps, byAddress, maxClientsPerAddress: config.maxClientsPerAddress });

  io.use(async (socket, next) => {
    if (io.engine.clientsCount > config.maxClients) {
      const err = new Error(`too many clients connected (at most ${config.maxClients})`) as Error & {
        data?: unknown;
      };
      err.data = { code: 'LIMIT_EXCEEDED' };
      next(err);
      return;
    }
    const control = canControl(config, (socket.handshake.auth as { token?: unknown } | undefined)?.token);
    const teacher = !!config.controlToken && control;
    // Named now, unless the saved labs' logs are still being read: then the connection is taken at
    // once, and its joins and steering wait for its name.
    const later = !teacher && !viewers.ready();
    const by = teacher ? 'teacher' : later ? 'viewer' : await viewers.next();
    const now = clock.now();
    const commandBurst = Math.max(1, config.commandRate * 2);
    socket.data = {
      by,
      canControl: control,
      commands: new TokenBucket(config.commandRate, commandBurst, now),
      joins: new TokenBucket(JOIN_RATE, JOIN_BURST, now),
      // Commands (and clock actions), joins, and as many leaves: a `leave` has no limit of its own.
      messages: new TokenBucket(config.commandRate + 2 * JOIN_RATE, commandBurst + 2 * JOIN_BURST, now),
      garbage: new TokenBucket(GARBAGE_RATE, GARBAGE_BURST, now),
    };
    if (later)
      socket.data.naming = viewers.next().then((name) => {
        socket.data.by = name;
        delete socket.data.naming;
      });
    next();
  });

  io.on('connection', (socket: IoSocket) => {
    logger.debug({ client: socket.data.by, canControl: socket.data.canControl }, 'client connected');
    socket.on('disconnect', (reason) =>
      logger.debug({ client: socket.data.by, reason }, 'client disconnected'),
    );
    if (socket.handshake.query.labs === LABS_QUERY.labs) void socket.join(listeners);
    const r = repliesFor(socket, clock, logger);
    joins.connect(socket, r);
    steering(socket, r, deps);
    socket.on('disconnect', () => broadcast.tellAllViewers());
  });

  return sweepSlowClients(io, clock, logger, byAddress);
}

/** Handle `command` and `clock` on a connection: a lab (here or, in a cluster, at its owner), control, the rate. */
function steering(socket: IoSocket, r: Replies, deps: SocketDeps): void {
  const { registry, config, clock, logger, remote } = deps;
  /** The checks every steering message passes (once parsed); undefined when refused. */
  const gate = (id: string, ack: unknown): { lab: Lab | undefined } | undefined => {
    // In a cluster a lab not run here goes to its owner, which answers UNKNOWN_LAB if there is none.
    const lab = registry.get(id);
    if (!lab && !remote) return void r.reply(ack, { ok: false, error: missingLab(registry, id) });
    if (!socket.data.canControl)
      return void r.reply(ack, {
        ok: false,
        error: controlRefused((socket.handshake.auth as { token?: unknown } | undefined)?.token, ''),
      });
    if (!socket.data.commands.take(clock.now()))
      return void r.reply(ack, {
        ok: false,
        error: { code: 'RATE_LIMITED', message: `at most ${config.commandRate} commands per second` },
      });
    return { lab };
  };
  /** Run `go` once the connection has its name (at once, but just after start). */
  const named = (go: () => void): void => {
    if (socket.data.naming) void socket.data.naming.then(go);
    else go();
  };
  const failed = (ack: unknown) => (err: unknown) => {
    logger.error({ err, client: socket.data.by }, 'error applying a command');
    r.reply(ack, { ok: false, error: { code: 'INTERNAL', message: 'internal error' } });
  };

  r.handle('command', (msg, ack) => {
    const p = parseLabCommand(msg);
    if (!p.ok) return r.invalid(ack, p.error);
    const g = gate(p.data.lab, ack);
    if (!g) return;
    // Every command has a request id (given here when the client gave none): the owner applies it
    // once however many times it is sent, so one whose owner died unanswered is sent again.
    const rid = p.data.requestId ?? randomUUID();
    named(() => {
      const applied = g.lab
        ? g.lab.submit(p.data.command, socket.data.by, rid)
        : (remote as RemoteLabs).command(p.data.lab, p.data.command, socket.data.by, rid);
      void applied.then((a) => r.reply(ack, a), failed(ack));
    });
  });

  r.handle('clock', (msg, ack) => {
    const p = parseInput(ClockCommandSchema, msg);
    if (!p.ok) return r.invalid(ack, p.error);
    const { lab: id, requestId, ...action } = p.data;
    const g = gate(id, ack);
    if (!g) return;
    const rid = requestId ?? randomUUID();
    named(() => {
      const done = g.lab
        ? g.lab.clock(action, socket.data.by, rid)
        : (remote as RemoteLabs).clock(id, action, socket.data.by, rid);
      void done.then((a) => r.reply(ack, a), failed(ack));
    });
  });
}
