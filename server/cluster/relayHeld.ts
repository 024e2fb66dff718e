/**
 * Viewers connected here to a lab another process runs get its frames, and what its owner tells
 * them, through Redis. While Redis does not answer this process they get nothing, whatever the lab
 * does, and the owner cannot reach them to say why (it tells its own viewers only of a hold,
 * server/net/broadcast.ts): this process tells them itself (`held`, 'relay'; a viewer joining
 * meanwhile at once), and tells them again (`held: null`) once Redis answers, frames flowing
 * again. Sent to this process's connections only: the message is about this process's link, and
 * must not reach others through Redis late.
 */
import type { Server } from 'socket.io';
import type { HeldReason } from '../../shared/protocol.js';
import { roomOf } from '../net/broadcast.js';
import type { StoreHealth } from './storeHealth.js';

export interface RelayDeps {
  io(): Server | null;
  health: StoreHealth;
  /** Whether lab `id` runs in this process (its viewers here get its frames straight). */
  runsHere(id: string): boolean;
}

export class RelayHeld {
  /** Labs whose viewers here were told they are held. */
  private readonly told = new Set<string>();

  constructor(private readonly d: RelayDeps) {
    d.health.listen((answering) => (answering ? this.release() : this.holdAll()));
  }

  /** Why a viewer connected here sees lab `id` held now (null: it does not). */
  reason(id: string): HeldReason | null {
    return this.d.health.answering() || this.d.runsHere(id) ? null : 'relay';
  }

  /** A viewer joined lab `id` here and was told `reason(id)`: it is told again once frames flow. */
  toldJoined(id: string): void {
    this.told.add(id);
  }

  private holdAll(): void {
    const io = this.d.io();
    if (!io) return;
    for (const [room, sockets] of io.of('/').adapter.rooms) {
      if (!room.startsWith('lab:') || !sockets.size) continue;
      const lab = room.slice(4);
      if (this.d.runsHere(lab)) continue;
      this.told.add(lab);
      io.local.to(room).emit('held', { lab, held: 'relay' });
    }
  }

  private release(): void {
    const io = this.d.io();
    for (const lab of this.told) io?.local.to(roomOf(lab)).emit('held', { lab, held: null });
    this.told.clear();
  }
}
