/**
 * What the labs send to their rooms: each broadcast's frames encoded once and sent volatile to
 * every viewer that is keeping up, log entries, resets, and how many watch (the room's size, read
 * from socket.io, never kept in the lab).
 *
 * A frame message's binary data is the lab's memory, lent (server/lab/message.ts): given back once
 * every connection it was written to has written it out (its write buffer empty and its transport
 * writable again, which engine.io sets when the socket's write completed) or has closed. A
 * connection that stops reading keeps the one message it last took; the others get new ones
 * written into memory already freed.
 */
import { EventEmitter } from 'node:events';
import type { Server } from 'socket.io';
import type { ClientToServer, ServerToClient } from '../../shared/protocol.js';
import type { Lab, LabBroadcast } from '../lab/lab.js';

/** Connections whose buffers are past the send budget: no frames for them. */
export const STALLED = 'stalled';

export const roomOf = (lab: string) => `lab:${lab}`;

/** The socket.io server, as far as broadcasting goes. */
type Io = Pick<Server<ClientToServer, ServerToClient>, 'to' | 'local' | 'sockets'>;

/** What is read of an engine.io connection to tell whether it may still hold a message. */
interface Conn {
  readyState: string;
  writeBuffer: unknown[];
  transport: { writable: boolean };
}

/** A lent message and the connections it was written to. */
interface Out {
  release(): void;
  holders: Conn[];
}

/** A lab's room is told how many watch it at most this often (real time: it bounds real sends). */
export const VIEWERS_EVERY_MS = 500;

/** Lent messages followed at once; past this the oldest is left to the garbage collector. */
const MAX_OUT = 64;

/** Whether a connection has written out everything it was given (or is gone). */
function done(c: Conn): boolean {
  return c.readyState === 'closed' || (c.transport.writable && c.writeBuffer.length === 0);
}

/**
 * Whether an emit writes to this process's connections before it returns: socket.io's in-memory
 * adapter does; a cluster's adapter writes them after publishing (and a session-keeping one keeps
 * the packets), so its messages are never lent.
 */
function writesAtOnce(adapter: unknown): boolean {
  const proto: unknown = adapter ? Object.getPrototypeOf(adapter) : null;
  return (
    !!proto &&
    Object.getPrototypeOf(proto) === EventEmitter.prototype &&
    (proto as { constructor: { name: string } }).constructor.name === 'Adapter'
  );
}

/** A cluster process: told how far a lab has stepped before frames of that far go out. */
export interface TickRecorder {
  /** Record that lab `id` has computed `ticks` ticks; must be on its way to the shared store on return. */
  reached(id: string, ticks: number): void;
}

export class Broadcaster {
  /** The count each lab's room was last told, and when (performance.now()). */
  private readonly told = new Map<string, number>();
  private readonly toldAt = new Map<string, number>();
  /** Labs whose room is told its count once VIEWERS_EVERY_MS is up. */
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  /** Lent messages some connection may still hold, oldest first. */
  private out: Out[] = [];
  private readonly lends: boolean;

  /**
   * `cluster`: viewers on other processes of a cluster get this process's frames through the
   * adapter and are not in the local room, so a lab always sends. Each broadcast first records
   * the tick reached, so a process taking the lab over resumes after every frame a viewer saw.
   */
  constructor(
    private readonly io: Io,
    private readonly cluster?: TickRecorder,
  ) {
    this.lends = writesAtOnce(io.sockets.adapter);
  }

  private get clustered(): boolean {
    return this.cluster !== undefined;
  }

  /** How many connections of this process watch a lab. */
  viewers(id: string): number {
    return this.io.sockets.adapter.rooms.get(roomOf(id))?.size ?? 0;
  }

  /** Send a lab's frames (encoded once per broadcast, none while nobody watches), log entries and resets to its room. */
  attach(lab: Lab): void {
    // socket.io's broadcast operators are immutable: built once per lab, not once per message.
    const everyone = this.io.to(roomOf(lab.id));
    const keepingUp = everyone.except(STALLED).volatile;
    lab.onBroadcast((b) => {
      if (!this.clustered && this.viewers(lab.id) === 0) return;
      this.cluster?.reached(lab.id, b.tick + 1);
      if (this.lends) this.send(lab.id, b, keepingUp);
      else keepingUp.emit('frame', b.message());
    });
    lab.onReset(() => everyone.emit('reset', { lab: lab.id }));
    // Written to this process's viewers at once, even while Redis does not answer (adapter.ts). A
    // hold goes to them only: held because the cluster's store does not answer this process, word
    // of it could reach viewers on other processes only through that store once it answers again,
    // when the lab steps again (they would see "held" on a live lab). Their own process tells them
    // (server/cluster/relayHeld.ts). The lab stepping again is told to every viewer.
    lab.holding.listen((held) =>
      (held ? this.io.local.to(roomOf(lab.id)) : everyone).emit('held', { lab: lab.id, held }),
    );
    lab.onEvent((event, state) =>
      everyone.emit('event', state ? { lab: lab.id, event, state } : { lab: lab.id, event }),
    );
  }

  /**
   * Emit a lent message and follow it: the viewers whose transport is writable get it (a volatile
   * emit skips the others), and it goes back once each of them has written it out.
   */
  private send(
    id: string,
    b: LabBroadcast,
    to: { emit(ev: 'frame', m: ReturnType<LabBroadcast['message']>): unknown },
  ): void {
    const loan = b.lend();
    const holders: Conn[] = [];
    const sockets = this.io.sockets.sockets;
    for (const sid of this.io.sockets.adapter.rooms.get(roomOf(id)) ?? []) {
      const conn = sockets.get(sid)?.conn as unknown as Conn | undefined;
      if (conn && conn.readyState !== 'closed' && conn.transport.writable) holders.push(conn);
    }
    to.emit('frame', loan.message);
    this.settle();
    if (holders.every(done)) loan.release();
    else {
      this.out.push({ release: loan.release, holders });
      if (this.out.length > MAX_OUT) this.out.shift();
    }
  }

  /** Give back each lent message whose connections have all written it out. */
  private settle(): void {
    if (!this.out.length) return;
    this.out = this.out.filter((o) => {
      o.holders = o.holders.filter((c) => !done(c));
      if (o.holders.length) return true;
      o.release();
      return false;
    });
  }

  /** A lab is gone: forget what its room was told, and any count still to tell it. */
  detach(id: string): void {
    this.told.delete(id);
    this.toldAt.delete(id);
    clearTimeout(this.pending.get(id));
    this.pending.delete(id);
  }

  /**
   * Tell a lab's room how many watch it, when that changed since it was last told: at once, or,
   * within {@link VIEWERS_EVERY_MS} of the last time, once that is up (the count as it is then).
   * A joining page reads the count in its snapshot. Told once per join instead, viewers joining
   * again and again (each within its join rate) would have the server send the room's size squared
   * in messages every second. In a cluster a process knows its own viewers only: the lab's owner
   * adds up every process's count and tells the room (server/cluster/node.ts).
   */
  tellViewers(id: string): void {
    if (this.clustered || this.pending.has(id)) return;
    const count = this.viewers(id);
    if (this.told.get(id) === count) return;
    const now = performance.now();
    const wait = (this.toldAt.get(id) ?? -Infinity) + VIEWERS_EVERY_MS - now;
    if (wait > 0) {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.tellViewers(id);
      }, wait);
      timer.unref();
      this.pending.set(id, timer);
      return;
    }
    this.told.set(id, count);
    this.toldAt.set(id, now);
    this.io.to(roomOf(id)).emit('viewers', { lab: id, count });
  }

  /** After a connection left: tell each lab whose count changed. */
  tellAllViewers(): void {
    for (const id of this.told.keys()) this.tellViewers(id);
  }
}
