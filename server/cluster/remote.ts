/**
 * Asking the owner of a lab (found from its lease) for what a viewer connected here wants: its
 * snapshot, a command, a clock action. The owner answers over Redis (requests.ts); when this
 * process is the owner it answers itself. Joins arriving together share one snapshot request; while
 * a lab changes owner there is none to answer for a few seconds, so a snapshot is asked again, and
 * so is any request that surely changed nothing (it reached no process). A command or clock action
 * carries its request id, which its owner (and any owner after it) applies once: one that went out
 * and got no answer (its owner died with it) is sent again, to the new owner once there is one.
 */
import type { Redis } from 'ioredis';
import type { Command } from '../../shared/commands.js';
import type { ClockAction } from '../../shared/inbound.js';
import type { Ack, SnapshotMessage } from '../../shared/protocol.js';
import type { RemoteLabs } from '../net/io.js';
import type { SnapshotOptions } from '../net/snapshot.js';
import { keys } from './keys.js';
import { LATE, redisReady, within } from './redis.js';
import { ownerSilentRefusal } from './relayHeld.js';
import { NO_ANSWER, type Requests } from './requests.js';

/** How long a request to another process waits for the owner's answer. */
const ASK_MS = 10_000;
/** A snapshot request is asked again this often while a lab changes owner. */
const SNAPSHOT_ASK_MS = 3000;
/** A request that reached no owner is asked again after this long. */
const RETRY_MS = 250;
/**
 * How long a command (safe to send again: it carries its request id) waits for an answer, over
 * every owner it is sent to: long enough for a lease to run out and another process to take over.
 */
const RESEND_ASK_MS = 30_000;
/** A command safe to send again is sent again after this long without an answer. */
const RESEND_MS = 2000;
/** How long one look at a lab's lease may wait for Redis before it is asked whether Redis answers at all. */
const LEASE_WAIT_MS = 2500;
/** What `ask` resolves with when Redis does not answer this process and nothing was sent. */
const STORE_AWAY = Symbol('store away');
/** What `ask` resolves with when the lab is held because its owner went silent, nothing sent (relayHeld.ts). */
const OWNER_SILENT = Symbol('owner silent');
/** How long asking Redis whether a lab exists may take (else the list as last read answers). */
const EXISTS_WAIT_MS = 1000;

type ClockAck = Ack<{ tick: number; speed: number; paused: boolean }>;

export interface RemoteDeps {
  redis: Redis;
  /** This process's id (as in the leases). */
  processId: string;
  /** The request channel, once the process is attached. */
  requests(): Requests | null;
  /** This process's own answer (it owns the lab); null when it does not. */
  answer(kind: string, payload: unknown): Promise<string | null>;
  /** The snapshot of a lab running here (undefined when it does not run here). */
  localSnapshot(id: string, canControl: boolean, opts: SnapshotOptions): SnapshotMessage | undefined;
  /** Lab ids of the service as last read (used while Redis is away or does not answer). */
  known(): Set<string>;
  closed(): boolean;
  /** Whether Redis answers this process now (connected, and answering: storeHealth.ts). */
  answering(): boolean;
  /** Whether a change for lab `id` is refused now, its owner silent (RelayHeld.ownerSilent). */
  ownerSilent(id: string): Promise<boolean>;
}

export class RemoteAsker implements Omit<RemoteLabs, 'viewerNumber' | 'held' | 'toldHeld' | 'ownerSilent'> {
  /** Snapshot requests in flight, by lab and options: joins arriving together share one. */
  private readonly snapshotsAsked = new Map<string, Promise<Ack<SnapshotMessage>>>();

  constructor(private readonly d: RemoteDeps) {}

  /**
   * Ask the owner of lab `id`; null when there is none or it does not answer. A request that
   * changed nothing (it reached no process: the owner died; or the owner answered that the lab is
   * not yet its own: it is taking it over; or no process holds the lab right now) is asked again,
   * of the new owner once there is one, until `ms` has passed. A request that went out and got no
   * answer may have been applied: it is sent again only when `resend` (the owner applies it once,
   * by its request id), every RESEND_MS, to whichever process holds the lab then. One such request
   * not sent yet while the lab is held because its owner went silent (its viewers here told so, or
   * no process having room to take it over) is not sent at all (OWNER_SILENT): no owner may take it
   * for minutes.
   */
  private async ask<T>(
    kind: string,
    id: string,
    payload: Record<string, unknown>,
    ms = ASK_MS,
    resend = false,
  ): Promise<T | null | typeof STORE_AWAY | typeof OWNER_SILENT> {
    const until = performance.now() + ms;
    /** Whether the request went out to an owner (it may have been applied). */
    let sent = false;
    for (;;) {
      const requests = this.d.requests();
      if (!requests) return null;
      if (!redisReady(this.d.redis)) return sent ? null : STORE_AWAY;
      if (resend && !sent && (await this.d.ownerSilent(id))) return OWNER_SILENT;
      // Bounded: a frozen Redis holds a command for as long as it is frozen.
      const lease = await within(
        this.d.redis.get(keys.lease(id)),
        Math.max(1, Math.min(LEASE_WAIT_MS, until - performance.now())),
      );
      if (lease === LATE && !this.d.answering()) return sent ? null : STORE_AWAY;
      if (lease === LATE && performance.now() >= until) return null;
      if (lease && lease !== LATE) {
        const owner = lease.slice(0, lease.lastIndexOf(':'));
        const left = Math.max(1, until - performance.now());
        const text =
          owner === this.d.processId
            ? await this.d.answer(kind, { ...payload, lab: id })
            : await requests.ask(
                owner,
                kind,
                { ...payload, lab: id },
                resend ? Math.min(RESEND_MS, left) : left,
              );
        if (typeof text === 'string') return JSON.parse(text) as T;
        // Reached no process (NOBODY) or not its own yet (null): nothing was done for it there.
        if (text === NO_ANSWER) sent = true;
        if (text === NO_ANSWER && (!resend || !this.d.answering())) return null;
      }
      if (performance.now() + RETRY_MS > until || this.d.closed() || !(await this.exists(id))) return null;
      await new Promise((res) => setTimeout(res, RETRY_MS));
    }
  }

  /** Whether lab `id` is one of the service's (as last read, when Redis does not answer in time). */
  async exists(id: string): Promise<boolean> {
    if (!redisReady(this.d.redis) || !this.d.answering()) return this.d.known().has(id);
    const listed = await within(this.d.redis.hexists(keys.labs, id), EXISTS_WAIT_MS);
    if (listed === LATE) return this.d.known().has(id);
    // What Redis answered is the newest read of the list (a lab created since the last one is in it).
    if (listed === 1) this.d.known().add(id);
    return listed === 1;
  }

  snapshot(id: string, canControl: boolean, opts: SnapshotOptions): Promise<Ack<SnapshotMessage>> {
    const key = JSON.stringify([id, canControl, opts]);
    let asked = this.snapshotsAsked.get(key);
    if (!asked) {
      asked = this.askSnapshot(id, canControl, opts).finally(() => this.snapshotsAsked.delete(key));
      this.snapshotsAsked.set(key, asked);
    }
    return asked;
  }

  private async askSnapshot(
    id: string,
    canControl: boolean,
    opts: SnapshotOptions,
  ): Promise<Ack<SnapshotMessage>> {
    // While a lab changes owner there is none to answer for a few seconds: keep asking.
    const until = performance.now() + ASK_MS;
    while (!this.d.closed()) {
      const r = await this.ask<Ack<SnapshotMessage>>('snapshot', id, { canControl, opts }, SNAPSHOT_ASK_MS);
      if (r && r !== STORE_AWAY && r !== OWNER_SILENT) return r;
      const local = this.d.localSnapshot(id, canControl, opts);
      if (local) return { ok: true, data: local };
      if (performance.now() > until || !(await this.exists(id))) break;
      await new Promise((res) => setTimeout(res, 250));
    }
    return this.unreachable(id);
  }

  async command(id: string, command: Command, by: string, rid: string): Promise<Ack<{ tick: number }>> {
    if (!this.d.answering()) return this.storeAway(id);
    const asked = await this.ask<Ack<{ tick: number }>>(
      'command',
      id,
      { command, by, rid },
      RESEND_ASK_MS,
      true,
    );
    return this.answered(id, asked);
  }

  /**
   * A clock action: like a command, it carries its request id, which its owner (and any owner
   * after it, from the lab's log) applies once, so one whose owner died unanswered is sent again
   * (a step too: it is not stepped twice).
   */
  async clock(id: string, action: ClockAction, by: string, rid: string): Promise<ClockAck> {
    if (!this.d.answering()) return this.storeAway(id);
    const asked = await this.ask<ClockAck>('clock', id, { action, by, rid }, RESEND_ASK_MS, true);
    return this.answered(id, asked);
  }

  /** The answer to a command or clock action that `ask` resolved with `asked`. */
  private async answered<T>(
    id: string,
    asked: T | null | typeof STORE_AWAY | typeof OWNER_SILENT,
  ): Promise<
    T | { ok: false; error: { code: 'UNKNOWN_LAB' | 'UNAVAILABLE'; message: string; path?: string } }
  > {
    if (asked === STORE_AWAY) return this.storeAway(id);
    if (asked === OWNER_SILENT)
      return { ok: false, error: { code: 'UNAVAILABLE', message: ownerSilentRefusal(id) } };
    return asked ?? this.unreachable(id);
  }

  /** Redis does not answer this process: nothing was sent to the lab's owner. */
  private async storeAway(
    id: string,
  ): Promise<{ ok: false; error: { code: 'UNKNOWN_LAB' | 'UNAVAILABLE'; message: string; path?: string } }> {
    if (!(await this.exists(id)))
      return {
        ok: false,
        error: { code: 'UNKNOWN_LAB', message: `no lab "${id.slice(0, 64)}"`, path: 'lab' },
      };
    return {
      ok: false,
      error: {
        code: 'UNAVAILABLE',
        message: `the cluster’s store (Redis) does not answer this server, through which lab "${id.slice(0, 64)}" is reached (another server runs it); nothing was sent, nothing changed; send it again once the store answers`,
      },
    };
  }

  private async unreachable(
    id: string,
  ): Promise<{ ok: false; error: { code: 'UNKNOWN_LAB' | 'UNAVAILABLE'; message: string; path?: string } }> {
    if (redisReady(this.d.redis) && !(await this.exists(id)))
      return {
        ok: false,
        error: { code: 'UNKNOWN_LAB', message: `no lab "${id.slice(0, 64)}"`, path: 'lab' },
      };
    return {
      ok: false,
      error: {
        code: 'UNAVAILABLE',
        message: `no answer from the process running lab "${id.slice(0, 64)}" (it is changing process, or Redis is away); try again`,
      },
    };
  }
}
