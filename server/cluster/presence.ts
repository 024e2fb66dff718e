/**
 * This process as the others see it: its record (URL, labs, viewers, load), published every second
 * with the live processes read back, and the viewer count of each lab it owns, summed over every
 * process and sent to the lab's viewers when it changed.
 */
import type { Redis } from 'ioredis';
import type { Server } from 'socket.io';
import type { Registry } from '../lab/registry.js';
import { roomOf } from '../net/broadcast.js';
import type { Leases } from './leases.js';
import { loadOf, type Member, type Members } from './members.js';
import { redisReady } from './redis.js';
import type { ViewerNumbers } from './viewers.js';

export interface PresenceDeps {
  processId: string;
  redis: Redis;
  members: Members;
  leases: Leases;
  viewerNumbers: ViewerNumbers;
  maxLabs: number;
  io(): Server | null;
  registry(): Registry | null;
}

export class Presence {
  /** The URL this process serves, once it listens. */
  url = '';
  private live: Member[] = [];
  /** The viewer count last sent for each owned lab. */
  private readonly viewerCounts = new Map<string, number>();

  constructor(private readonly d: PresenceDeps) {}

  /** Local viewers of a lab (sockets of this process in its room). */
  localViewers(id: string): number {
    return this.d.io()?.of('/').adapter.rooms.get(roomOf(id))?.size ?? 0;
  }

  /** This process as it stands now (what it publishes, and how it sees itself between publishes). */
  private self(): Member | undefined {
    const registry = this.d.registry();
    const io = this.d.io();
    if (!registry || !io) return undefined;
    const labs = registry.list().map((l) => l.summary(this.localViewers(l.id)));
    const viewers: Record<string, number> = {};
    for (const [room, sockets] of io.of('/').adapter.rooms)
      if (room.startsWith('lab:')) viewers[room.slice(4)] = sockets.size;
    const engines = (id: string) => registry.get(id)?.engines.length ?? 1;
    return {
      id: this.d.processId,
      url: this.url,
      // Wall time, for people reading Redis: no decision reads it (a record expires by Redis's own PX).
      at: Date.now(),
      labs,
      viewers,
      load: loadOf(labs, io.engine.clientsCount, engines),
      maxLabs: this.d.maxLabs,
    };
  }

  /** Publish this process's record, read the live processes back, and send changed viewer counts. */
  async publish(): Promise<void> {
    const me = this.self();
    if (!me || !redisReady(this.d.redis)) return;
    await this.d.members.publish(me);
    await this.d.viewerNumbers.raise();
    this.live = await this.d.members.live();
    this.sendViewerCounts();
  }

  /** Tell the viewers of each lab owned here (on every process) how many they are, when it changed. */
  private sendViewerCounts(): void {
    const registry = this.d.registry();
    const io = this.d.io();
    if (!registry || !io) return;
    for (const lab of registry.list()) {
      if (!this.d.leases.holds(lab.id)) continue;
      const count = this.live.reduce(
        (sum, m) => sum + (m.id === this.d.processId ? 0 : (m.viewers[lab.id] ?? 0)),
        this.localViewers(lab.id),
      );
      if (this.viewerCounts.get(lab.id) === count) continue;
      this.viewerCounts.set(lab.id, count);
      io.to(roomOf(lab.id)).emit('viewers', { lab: lab.id, count });
    }
    for (const id of this.viewerCounts.keys()) if (!registry.get(id)) this.viewerCounts.delete(id);
  }

  /** The live processes, this one as it stands now (its published record may be a second old). */
  async processes(): Promise<Member[]> {
    this.live = await this.d.members.live();
    const me = this.self();
    return me ? this.live.map((m) => (m.id === me.id ? me : m)) : this.live;
  }
}
