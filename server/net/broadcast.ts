/**
 * What the labs send to their rooms: each broadcast's frames encoded once and sent volatile to
 * every viewer that is keeping up, log entries, resets, and how many watch (the room's size, read
 * from socket.io, never kept in the lab).
 */
import type { Server } from 'socket.io';
import type { ClientToServer, ServerToClient } from '../../shared/protocol.js';
import type { Lab } from '../lab/lab.js';

/** Connections whose buffers are past the send budget: no frames for them. */
export const STALLED = 'stalled';

export const roomOf = (lab: string) => `lab:${lab}`;

/** The socket.io server, as far as broadcasting goes. */
type Io = Pick<Server<ClientToServer, ServerToClient>, 'to' | 'sockets'>;

/** A cluster process: told how far a lab has stepped before frames of that far go out. */
export interface TickRecorder {
  /** Record that lab `id` has computed `ticks` ticks; must be on its way to the shared store on return. */
  reached(id: string, ticks: number): void;
}

export class Broadcaster {
  /** The count each lab's room was last told. */
  private readonly told = new Map<string, number>();

  /**
   * `cluster`: viewers on other processes of a cluster get this process's frames through the
   * adapter and are not in the local room, so a lab always sends. Each broadcast first records
   * the tick reached, so a process taking the lab over resumes after every frame a viewer saw.
   */
  constructor(
    private readonly io: Io,
    private readonly cluster?: TickRecorder,
  ) {}

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
      keepingUp.emit('frame', b.message());
    });
    lab.onReset(() => everyone.emit('reset', { lab: lab.id }));
    lab.onEvent((event, state) =>
      everyone.emit('event', state ? { lab: lab.id, event, state } : { lab: lab.id, event }),
    );
  }

  /** A lab is gone: forget what its room was told. */
  detach(id: string): void {
    this.told.delete(id);
  }

  /**
   * Tell a lab's room how many watch it: always after a join (the joining page learns it), else
   * only when it changed. In a cluster a process knows its own viewers only: the lab's owner adds
   * up every process's count and tells the room (server/cluster/node.ts).
   */
  tellViewers(id: string, joined = false): void {
    const count = this.viewers(id);
    if (this.clustered || (!joined && this.told.get(id) === count)) return;
    this.told.set(id, count);
    this.io.to(roomOf(id)).emit('viewers', { lab: id, count });
  }

  /** After a connection left: tell each lab whose count changed. */
  tellAllViewers(): void {
    for (const id of this.told.keys()) this.tellViewers(id);
  }
}
