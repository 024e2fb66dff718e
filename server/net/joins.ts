/**
 * Joining and leaving a lab: the room, then the snapshot (unless the connection is not reading),
 * then the viewer count. A lab still being restored after a restart answers the join at once and
 * sends its snapshot once it is back; in a cluster, a lab another process runs is joined here (its
 * frames come through the adapter) with its snapshot asked of its owner.
 */
import type { Logger } from 'pino';
import type { ApiError } from '../../shared/protocol.js';
import { parseInput } from '../../shared/commands.js';
import { JoinSchema, LabRefSchema, type JoinMessage } from '../../shared/inbound.js';
import type { Clock } from '../lab/clock.js';
import type { Lab } from '../lab/lab.js';
import type { Registry } from '../lab/registry.js';
import { Broadcaster, roomOf } from './broadcast.js';
import { SEND_BUDGET, waiting } from './buffered.js';
import { addressOf, type WaitingByAddress } from './addressBytes.js';
import type { IoSocket, RemoteLabs } from './io.js';
import { KeyedBuckets } from './rate.js';
import { missingLab, type Replies } from './replies.js';
import { snapshotOf, type SnapshotOptions } from './snapshot.js';

/** Joins (and re-joins) per second per connection, sustained; bursts of JOIN_BURST. */
export const JOIN_RATE = 1;
export const JOIN_BURST = 5;
/**
 * Joins from one address, across its connections: a burst of one for each connection it may open
 * (MAX_CLIENTS_PER_ADDRESS: a class behind one NAT address opening the page at once), then a
 * sixteenth of that per second. Each join costs a snapshot to encode and send; held to its
 * connections' own rate only, one address's 256 connections joining again and again had the server
 * encode 250 snapshots a second and stall every lab's frames for seconds.
 */
export function addressJoinBudget(maxClientsPerAddress: number): { rate: number; burst: number } {
  return {
    rate: Math.max(JOIN_RATE, maxClientsPerAddress / 16),
    burst: Math.max(JOIN_BURST, maxClientsPerAddress),
  };
}
/** Most labs one connection may watch at once. */
const MAX_JOINED = 4;

export interface JoinDeps {
  registry: Registry;
  clock: Clock;
  logger: Logger;
  broadcast: Broadcaster;
  remote?: RemoteLabs;
  /** What waits for each client address's connections together. */
  byAddress: WaitingByAddress;
  /** Connections one address may hold (MAX_CLIENTS_PER_ADDRESS): sizes its join budget. */
  maxClientsPerAddress: number;
}

export class Joins {
  /**
   * Joins waiting for a lab being restored, by connection and lab (a connection may wait for
   * several labs at once; {@link waitKey}).
   */
  private readonly waitingFor = new Map<string, { socket: IoSocket; join: JoinMessage; r: Replies }>();
  /**
   * Joins not done yet (waiting for the connection's name, the saved labs' list, or Redis), by
   * connection and lab: a `leave` of that lab meanwhile marks them left, and they join nothing.
   */
  private readonly joining = new Map<string, Set<Turn>>();
  /** Joins by client address, across its connections. */
  private readonly fromAddress: KeyedBuckets;
  private readonly addressBudget: { rate: number; burst: number };

  constructor(private readonly d: JoinDeps) {
    this.addressBudget = addressJoinBudget(d.maxClientsPerAddress);
    this.fromAddress = new KeyedBuckets(this.addressBudget.rate, this.addressBudget.burst);
    d.registry.onSettled((id) => {
      const lab = d.registry.get(id);
      for (const [key, w] of this.waitingFor) {
        if (w.join.lab !== id) continue;
        this.waitingFor.delete(key);
        if (lab) this.joinLab(w.socket, w.r, lab, w.join, undefined);
        else
          w.socket.emit('error', {
            code: 'UNKNOWN_LAB',
            message: `lab "${id}" could not be restored`,
            path: 'lab',
          });
      }
    });
  }

  /** Handle `join` and `leave` on a new connection. */
  connect(socket: IoSocket, r: Replies): void {
    const { registry, broadcast, clock } = this.d;
    r.handle('join', (msg, ack) => {
      const p = parseInput(JoinSchema, msg);
      if (!p.ok) return r.invalid(ack, p.error);
      if (!socket.data.joins.take(clock.now()))
        return r.reply(ack, {
          ok: false,
          error: { code: 'RATE_LIMITED', message: `at most ${JOIN_RATE} join per second` },
        });
      if (!this.fromAddress.take(addressOf(socket), clock.now())) {
        const { rate, burst } = this.addressBudget;
        return r.reply(ack, {
          ok: false,
          error: {
            code: 'RATE_LIMITED',
            message:
              `joins from one address, across its connections: at most ${rate} per second, bursts of ` +
              `${burst} (one per connection MAX_CLIENTS_PER_ADDRESS allows); join again in a moment`,
          },
        });
      }
      const key = waitKey(socket, p.data.lab);
      const turn: Turn = { left: false };
      const turns = this.joining.get(key) ?? new Set<Turn>();
      this.joining.set(key, turns.add(turn));
      const done = () => {
        turns.delete(turn);
        if (!turns.size && this.joining.get(key) === turns) this.joining.delete(key);
      };
      const joined = this.join(socket, r, p.data, ack, turn);
      if (joined) void joined.finally(done);
      else done();
    });
    r.handle('leave', (msg, ack) => {
      const p = parseInput(LabRefSchema, msg);
      if (!p.ok) return r.invalid(ack, p.error);
      // A lab left before its restore is done sends no snapshot when it is back.
      const key = waitKey(socket, p.data.lab);
      this.waitingFor.delete(key);
      // A join of it not done yet joins nothing (a page switching labs sends both at once).
      for (const turn of this.joining.get(key) ?? []) turn.left = true;
      this.joining.delete(key);
      void socket.leave(roomOf(p.data.lab));
      if (registry.get(p.data.lab)) broadcast.tellViewers(p.data.lab);
      r.reply(ack, { ok: true, data: { lab: p.data.lab } });
    });
    socket.on('disconnect', () => {
      for (const [key, w] of this.waitingFor) if (w.socket === socket) this.waitingFor.delete(key);
    });
  }

  /**
   * A parsed join: a running lab, one being restored, or one another process runs. A promise when
   * it is answered later.
   */
  private join(
    socket: IoSocket,
    r: Replies,
    msg: JoinMessage,
    ack: unknown,
    turn: Turn,
  ): Promise<void> | void {
    const { registry, remote, logger } = this.d;
    if (turn.left) return r.reply(ack, leftMeanwhile(msg.lab));
    // Its snapshot says its name: given once the saved labs' logs are read, just after start.
    if (socket.data.naming) return socket.data.naming.then(() => this.join(socket, r, msg, ack, turn));
    // Just after start the saved labs are still being listed: answer once it is known which.
    const listed = registry.whenListed();
    if (listed) return listed.then(() => this.join(socket, r, msg, ack, turn));
    // A saved lab still being restored: the join is answered now, the snapshot follows when it is back.
    if (registry.isRestoring(msg.lab)) {
      this.waitingFor.set(waitKey(socket, msg.lab), { socket, join: msg, r });
      return r.reply(ack, { ok: true, data: { lab: msg.lab, restoring: true } });
    }
    const lab = registry.get(msg.lab);
    if (lab) return this.joinLab(socket, r, lab, msg, ack);
    if (!remote) return r.reply(ack, { ok: false, error: missingLab(registry, msg.lab) });
    const opts = { historyS: msg.historyS, metrics: msg.metrics };
    return this.joinRemote(socket, r, remote, msg.lab, opts, ack, turn).catch((err: unknown) => {
      logger.error({ err, client: socket.data.by }, 'error joining a lab of another process');
      r.reply(ack, { ok: false, error: { code: 'INTERNAL', message: 'internal error' } });
    });
  }

  /** Whether this connection already watches as many other labs as it may (and was told so). */
  private maxJoined(socket: IoSocket, r: Replies, room: string, ack: unknown): boolean {
    const joined = [...socket.rooms].filter((x) => x.startsWith('lab:') && x !== room);
    if (joined.length < MAX_JOINED) return false;
    r.reply(ack, {
      ok: false,
      error: { code: 'LIMIT_EXCEEDED', message: `watch at most ${MAX_JOINED} labs per connection` },
    });
    return true;
  }

  /**
   * Whether too much already waits for this connection, or for its address's connections together,
   * to send it a snapshot (and it was told so).
   */
  private unread(socket: IoSocket, r: Replies, ack: unknown): boolean {
    const { bytes } = waiting(socket);
    const address = addressOf(socket);
    const fromAddress = this.d.byAddress.bytes(address);
    const message =
      bytes > SEND_BUDGET
        ? `${bytes} bytes already wait for this connection: read them before joining again`
        : fromAddress > this.d.byAddress.budget
          ? `${fromAddress} bytes already wait for the connections from this address (at most ${this.d.byAddress.budget}): read them before joining again`
          : undefined;
    if (message) r.reply(ack, { ok: false, error: { code: 'LIMIT_EXCEEDED', message } });
    return message !== undefined;
  }

  /** Join a lab that is running here: the room, then the snapshot (unless this connection is not reading). */
  private joinLab(socket: IoSocket, r: Replies, lab: Lab, opts: JoinMessage, ack: unknown): void {
    const { broadcast } = this.d;
    const room = roomOf(lab.id);
    if (this.maxJoined(socket, r, room, ack)) return;
    if (this.unread(socket, r, ack)) return;
    void socket.join(room);
    r.reply(ack, { ok: true, data: { lab: lab.id } });
    const snapshot = snapshotOf(lab, socket.data.canControl, broadcast.viewers(lab.id), {
      historyS: opts.historyS,
      metrics: opts.metrics,
    });
    const before = waiting(socket).bytes;
    socket.emit('snapshot', { ...snapshot, you: socket.data.by });
    this.d.byAddress.add(addressOf(socket), waiting(socket).bytes - before);
    // The count goes to the others after its snapshot (which carries it to this one).
    broadcast.tellViewers(lab.id);
  }

  /** A lab another process runs: join its room here (its frames come through the adapter), snapshot from its owner. */
  private async joinRemote(
    socket: IoSocket,
    r: Replies,
    remote: RemoteLabs,
    id: string,
    opts: SnapshotOptions,
    ack: unknown,
    turn: Turn,
  ): Promise<void> {
    if (!(await remote.exists(id)))
      return r.reply(ack, { ok: false, error: missingLab(this.d.registry, id) });
    if (turn.left) return r.reply(ack, leftMeanwhile(id));
    const room = roomOf(id);
    if (this.maxJoined(socket, r, room, ack) || this.unread(socket, r, ack)) return;
    await socket.join(room);
    r.reply(ack, { ok: true, data: { lab: id } });
    // Its frames and its snapshot cannot reach this process now: say so; the viewer is told again
    // (`held: null`) once they can, and joins again for the snapshot.
    let held = remote.held(id);
    // An owner found silent at the last check may have been taken over since: its lease, read
    // again, says whether a snapshot can come (else the viewer waits for a word that came already).
    if (held === 'owner' && !(await remote.ownerSilent(id))) held = null;
    if (turn.left) return;
    if (held) {
      remote.toldHeld(id);
      return void socket.emit('held', { lab: id, held });
    }
    const snap = await remote.snapshot(id, socket.data.canControl, opts);
    if (turn.left) return;
    if (!snap.ok) return void socket.emit('error', snap.error);
    const before = waiting(socket).bytes;
    socket.emit('snapshot', { ...snap.data, you: socket.data.by });
    this.d.byAddress.add(addressOf(socket), waiting(socket).bytes - before);
  }
}

/** The key of a connection's join of a lab (waiting for its restore, or not done yet). */
function waitKey(socket: IoSocket, lab: string): string {
  return JSON.stringify([socket.id, lab]);
}

/** One join of a lab by a connection, until it is done: `left` once the connection left that lab. */
interface Turn {
  left: boolean;
}

/** The answer of a join the connection's own `leave` of that lab overtook: nothing was joined. */
function leftMeanwhile(lab: string): { ok: false; error: ApiError } {
  return {
    ok: false,
    error: {
      code: 'CONFLICT',
      message: `lab "${lab}" was left before this join was done: not joined`,
      path: 'lab',
    },
  };
}
