/**
 * Viewers connected here to a lab another process runs get its frames, and what its owner tells
 * them, through Redis. Two outages stop them, and in neither can the owner reach them to say why
 * (it tells its own viewers only of a hold, server/net/broadcast.ts), so this process tells them:
 *
 * - Redis does not answer this process: they are told `held: "relay"` (a viewer joining meanwhile
 *   at once), and `held: null` once Redis answers, frames flowing again.
 * - Redis answers this process but not the lab's owner (its own link to Redis frozen or cut off):
 *   its frames stop at once, and the owner, which renews its lease every second over that link,
 *   holds the lab once its last renewal is older than a lease is surely its own. A lease Redis holds
 *   unrenewed that long says so here: its viewers here are told `held: "owner"` (the owner may be
 *   cut off, or dead: from here the two look alike, and Redis answers here), and `held: null` once
 *   the lease is renewed again, or by the process that took the lab over, ahead of its frames. (Not sooner: an owner slow to renew under load still steps the lab,
 *   and a viewer told it is held would get no snapshot.)
 *
 * Sent to this process's connections only: the message is about links to Redis, and must not reach
 * others through Redis late.
 *
 * A change sent to this process for a lab whose owner went silent (by any client, a viewer of the lab
 * or not) is refused at once, rather than left waiting for an owner that may not come, when its
 * viewers here were told so or no process has room to take the lab over (`ownerSilent`).
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Server } from 'socket.io';
import type { HeldReason } from '../../shared/protocol.js';
import { roomOf } from '../net/broadcast.js';
import { keys } from './keys.js';
import { withRoom, type Member } from './members.js';
import { LATE, within } from './redis.js';
import type { StoreHealth } from './storeHealth.js';

/** How long a check of the leases waits for Redis. */
const CHECK_WAIT_MS = 1000;

export interface RelayDeps {
  io(): Server | null;
  redis: Redis;
  health: StoreHealth;
  /** Whether lab `id` runs in this process (its viewers here get its frames straight). */
  runsHere(id: string): boolean;
  /** How long a lease lives unless renewed, ms. */
  leaseTtlMs: number;
  /** How long a lease is surely its owner's from its renewal, ms: past that, the owner holds the lab. */
  leaseValidMs: number;
  /** The live processes, as their records stand now (members.ts). */
  processes(): Promise<Member[]>;
  logger: Logger;
}

/**
 * Why a change for lab `id` is refused because its owner went silent (RelayHeld.ownerSilent):
 * nothing was sent to that owner, nothing applied.
 */
export function ownerSilentRefusal(id: string): string {
  return `lab "${id.slice(0, 64)}" is held: the server running it has gone silent (cut off from the cluster’s store, Redis, or dead) and no server has taken it over yet; nothing was sent to it, nothing was applied; send it again once the lab steps again`;
}

export class RelayHeld {
  /** Labs whose viewers here were told they are held. */
  private readonly told = new Set<string>();
  /** Labs run elsewhere whose owner's lease went unrenewed. */
  private readonly silent = new Set<string>();

  constructor(private readonly d: RelayDeps) {
    d.health.listen((answering) => (answering ? this.release() : this.holdAll()));
  }

  /**
   * Why a viewer joining lab `id` here is told it is held now, without a snapshot (null: it is not,
   * and asks the owner for one): Redis does not answer this process, or the lab's owner fell silent
   * at the last check (no snapshot can come from it). A lab taken over since that check is told
   * live again by its taker, or by the next check here, and the viewer then asks for its snapshot.
   */
  reason(id: string): HeldReason | null {
    if (this.d.runsHere(id)) return null;
    if (!this.d.health.answering()) return 'relay';
    return this.silent.has(id) ? 'owner' : null;
  }

  /** A viewer joined lab `id` here and was told `reason(id)`: it is told again once frames flow. */
  toldJoined(id: string): void {
    this.told.add(id);
  }

  /**
   * Lab `id` runs here now (taken over, or new): every viewer of it, on every process, is told it
   * steps, ahead of its frames (through Redis, on the same stream), whatever it was told before.
   */
  ranHere(id: string): void {
    this.silent.delete(id);
    this.told.delete(id);
    this.d.io()?.to(roomOf(id)).emit('held', { lab: id, held: null });
  }

  /**
   * Read the leases of the labs run elsewhere that viewers here watch, and tell those viewers of
   * each lab whose owner fell silent, or spoke again.
   */
  async checkOwners(): Promise<void> {
    const io = this.d.io();
    if (!io || !this.d.health.answering()) return;
    const labs = this.watched(io).filter((id) => !this.d.runsHere(id));
    const watched = new Set(labs);
    for (const id of this.silent) if (!watched.has(id)) this.silent.delete(id);
    if (!labs.length) return;
    const batch = this.d.redis.pipeline();
    for (const id of labs) batch.pttl(keys.lease(id)).hexists(keys.labs, id);
    const replies = await within(batch.exec(), CHECK_WAIT_MS);
    if (replies === LATE || !replies || !this.d.health.answering()) return;
    labs.forEach((id, k) => {
      const [pttl, listed] = [replies[2 * k]?.[1], replies[2 * k + 1]?.[1]];
      if (typeof pttl !== 'number' || this.d.runsHere(id)) return;
      const quiet = this.quiet(pttl, listed);
      if (quiet === this.silent.has(id)) return;
      if (quiet) this.silent.add(id);
      else this.silent.delete(id);
      this.tell(io, id, quiet ? 'owner' : null);
    });
  }

  /**
   * Whether a change for lab `id` is refused here now because its owner went silent: its lease, read
   * now, is unrenewed past the time its owner holds the lab (or gone, none having taken it), and
   * either its viewers here were told so, or no live process has room to take it over (each runs as
   * many labs as it may; the silent owner, whose last record may still be live, counts for none).
   * While one has room, the change waits for it. A lease renewed since, or taken by a process
   * taking the lab over, says a live owner gets the change. What Redis does not read back in time
   * says nothing sure: refused where viewers were told the lab is held, else not.
   */
  async ownerSilent(id: string): Promise<boolean> {
    if (this.d.runsHere(id)) return false;
    const told = this.silent.has(id);
    const replies = await within(
      this.d.redis.pipeline().pttl(keys.lease(id)).hexists(keys.labs, id).get(keys.lease(id)).exec(),
      CHECK_WAIT_MS,
    );
    if (replies === LATE || !replies) return told;
    const [pttl, listed, lease] = [replies[0]?.[1], replies[1]?.[1], replies[2]?.[1]];
    if (typeof pttl !== 'number') return told;
    if (!this.quiet(pttl, listed) || this.d.runsHere(id)) return false;
    if (told) return true;
    // The silent owner: named by its lease, or (the lease gone) by its last record listing the lab.
    const owner = typeof lease === 'string' ? lease.slice(0, lease.lastIndexOf(':')) : undefined;
    const live = await within(
      this.d.processes().catch((): typeof LATE => LATE),
      CHECK_WAIT_MS,
    );
    if (live === LATE) return false;
    const takers = withRoom(live).filter((m) => m.id !== owner && !m.labs.some((l) => l.id === id));
    return takers.length === 0 && !this.d.runsHere(id);
  }

  /** Whether a lab listed as `listed` whose lease lives `pttl` ms more has a silent owner. */
  private quiet(pttl: number, listed: unknown): boolean {
    // Unrenewed this long, the lease is one its owner holds the lab under (or none took it over yet).
    const silentBelow = this.d.leaseTtlMs - this.d.leaseValidMs;
    // No lease (-2): the owner's lapsed and none took the lab over yet.
    return listed === 1 && (pttl === -2 || (pttl >= 0 && pttl < silentBelow));
  }

  private watched(io: Server): string[] {
    const labs: string[] = [];
    for (const [room, sockets] of io.of('/').adapter.rooms)
      if (room.startsWith('lab:') && sockets.size) labs.push(room.slice(4));
    return labs;
  }

  private tell(io: Server, lab: string, held: HeldReason | null): void {
    if (held) this.told.add(lab);
    else this.told.delete(lab);
    io.local.to(roomOf(lab)).emit('held', { lab, held });
    this.d.logger.info(
      { lab, held },
      held ? 'viewers here told the lab is held' : 'viewers here told the lab steps again',
    );
  }

  private holdAll(): void {
    const io = this.d.io();
    if (!io) return;
    for (const lab of this.watched(io)) if (!this.d.runsHere(lab)) this.tell(io, lab, 'relay');
  }

  /** Redis answers again: each lab told held is live again, unless its owner is still silent. */
  private release(): void {
    const io = this.d.io();
    for (const lab of [...this.told]) {
      if (io) this.tell(io, lab, this.silent.has(lab) && !this.d.runsHere(lab) ? 'owner' : null);
      else this.told.delete(lab);
    }
  }
}
