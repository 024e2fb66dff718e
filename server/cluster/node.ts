/**
 * One process of a cluster (REDIS_URL set): holds leases on the labs it steps, renews them, takes
 * over labs whose owner is gone (at their last snapshot plus the logged commands, run up to the
 * tick the owner had reached, takeover.ts), publishes its load and sends the viewers of each lab
 * it owns their count over every process (presence.ts), and answers other processes' requests for
 * the labs it owns (a viewer's snapshot, a command, a clock action) over Redis (requests.ts).
 * Asking other processes is remote.ts; the periodic jobs run in upkeep.ts. While Redis is away its
 * labs keep running; a lab whose lease it cannot have lost is stepped only while the lease is fresh
 * (labHolds.ts). A process runs at most `maxLabs` labs: it takes no more over, and placement skips
 * it.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Server } from 'socket.io';
import type { Ack, HeldReason, SnapshotMessage } from '../../shared/protocol.js';
import type { Lab } from '../lab/lab.js';
import type { Registry } from '../lab/registry.js';
import { sameIgnoringCase } from '../lab/naming.js';
import type { Command } from '../../shared/commands.js';
import type { ClockAction } from '../../shared/inbound.js';
import type { RemoteLabs } from '../net/io.js';
import { snapshotOf, type SnapshotOptions } from '../net/snapshot.js';
import { joinCluster, trimStream } from './adapter.js';
import { Answers } from './answer.js';
import { LabHolds } from './labHolds.js';
import { Leases } from './leases.js';
import { tellLostRecords } from './lostRecords.js';
import { Members, type Member } from './members.js';
import { Presence } from './presence.js';
import { connectRedis, redisReady, waitForRedis } from './redis.js';
import { RelayHeld } from './relayHeld.js';
import { RemoteAsker } from './remote.js';
import { Requests } from './requests.js';
import { RedisLabStore } from './store.js';
import { QUIET_MS, StoreHealth } from './storeHealth.js';
import { Takeover } from './takeover.js';
import { Upkeep } from './upkeep.js';
import { ViewerNumbers } from './viewers.js';
import { highestViewer } from '../net/viewerNames.js';

/** A lease lives this long unless renewed; renewed every third of it. */
export const LEASE_TTL_MS = 3000;
const RENEW_MS = 1000;
const SCAN_MS = 500;
const PUBLISH_MS = 1000;
const TRIM_MS = 1000;

export interface ClusterOptions {
  redisUrl: string;
  logger: Logger;
  /** Most labs this process runs (MAX_LABS); default unlimited. */
  maxLabs?: number;
}

export class ClusterNode implements RemoteLabs {
  readonly id = `${hostname().slice(0, 24)}-${process.pid}-${randomBytes(2).toString('hex')}`;
  readonly redis: Redis;
  readonly leases: Leases;
  readonly store: RedisLabStore;
  readonly members: Members;
  /** Whether Redis answers this process now. */
  readonly health: StoreHealth;
  private readonly logger: Logger;
  private io: Server | null = null;
  private registry: Registry | null = null;
  private known = new Set<string>();
  private readonly upkeep: Upkeep;
  private requests: Requests | null = null;
  private readonly presence: Presence;
  private readonly maxLabs: number;
  private readonly remote: RemoteAsker;
  private readonly answers: Answers;
  private readonly takeover: Takeover;
  private readonly viewerNumbers: ViewerNumbers;
  private readonly relay: RelayHeld;
  private readonly holds: LabHolds;
  private closed = false;

  constructor(o: ClusterOptions) {
    this.logger = o.logger.child({ process: this.id });
    this.maxLabs = o.maxLabs ?? Number.MAX_SAFE_INTEGER;
    this.redis = connectRedis(o.redisUrl, this.logger, this.id);
    this.leases = new Leases(this.redis, this.id, LEASE_TTL_MS);
    this.store = new RedisLabStore(
      this.redis,
      this.leases,
      this.logger,
      (id) => this.lost(id),
      (id) => {
        const lab = this.registry?.get(id);
        if (lab) void this.store.republish(id, lab.save());
      },
      (id) => this.registry?.get(id)?.save(),
    );
    this.members = new Members(this.redis);
    this.health = new StoreHealth(this.redis);
    this.holds = new LabHolds(
      this.leases,
      () => redisReady(this.redis),
      () => this.health.answering(),
      () => this.upkeep.soon('renew'),
    );
    // Redis fell silent: the labs run here are held now, before a change is refused for it.
    this.health.listen((answering) => {
      if (answering) this.logger.info('Redis answers again');
      else {
        this.logger.warn(
          { quietMs: QUIET_MS },
          'Redis does not answer (no PING answered in time): the labs run here are held, and viewers here of labs run elsewhere are told so',
        );
        this.registry?.judgeHolds();
      }
    });
    this.relay = new RelayHeld({
      io: () => this.io,
      redis: this.redis,
      health: this.health,
      runsHere: (id) => this.registry?.get(id) !== undefined,
      leaseTtlMs: LEASE_TTL_MS,
      leaseValidMs: this.leases.validMs,
      processes: () => this.processes(),
      logger: this.logger,
    });
    this.viewerNumbers = new ViewerNumbers(this.redis);
    this.upkeep = new Upkeep(this.logger);
    this.presence = new Presence({
      processId: this.id,
      redis: this.redis,
      members: this.members,
      leases: this.leases,
      viewerNumbers: this.viewerNumbers,
      maxLabs: this.maxLabs,
      io: () => this.io,
      registry: () => this.registry,
    });
    this.answers = new Answers({
      owned: (id) => this.owned(id),
      localViewers: (id) => this.localViewers(id),
    });
    this.takeover = new Takeover({
      processId: this.id,
      redis: this.redis,
      leases: this.leases,
      store: this.store,
      logger: this.logger,
      maxLabs: this.maxLabs,
      labIds: () => this.labIds(),
      processes: () => this.processes(),
      adopted: () => void this.publish(),
    });
    this.remote = new RemoteAsker({
      redis: this.redis,
      processId: this.id,
      requests: () => this.requests,
      answer: (kind, payload) => this.answers.answer(kind, payload),
      localSnapshot: (id, canControl, opts) => {
        const lab = this.registry?.get(id);
        return lab && snapshotOf(lab, canControl, this.localViewers(id), opts);
      },
      known: () => this.known,
      closed: () => this.closed,
      answering: () => this.storeAway() === null,
      ownerSilent: (id) => this.relay.ownerSilent(id),
    });
  }

  /** Wait until Redis answers (a process of a cluster does not start without it). */
  async connect(timeoutMs = 10_000): Promise<void> {
    const asked = performance.now();
    await waitForRedis(this.redis, timeoutMs);
    this.known = new Set(await this.store.ids());
    this.health.start(asked);
  }

  /** For the registry: ids used by labs elsewhere in the service (in any case). */
  taken = (id: string): boolean => this.known.has(id) || sameIgnoringCase(id, this.known) !== undefined;

  /** For the registry: whether a lab is held, its lease unsure (see labHolds.ts). */
  heldBy = (lab: Lab): HeldReason | null => this.holds.reason(lab.id);

  /**
   * For the registry: what keeps a change that needs Redis (a new lab, a reset, a deletion, a
   * command's record) from being made now, named; null while Redis answers.
   */
  storeAway = (): string | null =>
    this.health.answering() && redisReady(this.redis) ? null : 'the cluster’s store (Redis) does not answer';

  /** Whether lab `id` is one of the service's, as Redis last listed it (no asking). */
  knows(id: string): boolean {
    return this.known.has(id);
  }

  /** What a viewer connected here is told of lab `id` run by another process (see relayHeld.ts). */
  held(id: string): HeldReason | null {
    return this.relay.reason(id);
  }

  /** Whether a change for lab `id` is refused now, its owner silent (see relayHeld.ts). */
  ownerSilent(id: string): Promise<boolean> {
    return this.relay.ownerSilent(id);
  }

  /** A viewer joined lab `id` here while it was held for it: it is told again once frames flow. */
  toldHeld(id: string): void {
    this.relay.toldJoined(id);
  }

  /** Every lab id of the service, as last read. */
  async labIds(): Promise<string[]> {
    this.known = new Set(await this.store.ids());
    return [...this.known];
  }

  /** Wire the socket.io server and the registry in, and start holding and taking leases. */
  attach(io: Server, registry: Registry): void {
    this.io = io;
    this.registry = registry;
    joinCluster(io, this.redis);
    this.requests = new Requests(
      this.redis,
      this.id,
      (kind, msg) => this.answers.answer(kind, msg),
      this.logger,
    );
    tellLostRecords(io, registry, (id) => this.owned(id));
    // Viewers a lab's log here names (given by any process, restored or taken over with it) are
    // counted past, also by an emptied Redis.
    const countPast = (lab: Lab) => {
      this.viewerNumbers.seen(highestViewer(lab.recentEvents()));
      lab.onEvent((e) => this.viewerNumbers.seen(highestViewer([e])));
    };
    registry.list().forEach(countPast);
    registry.onAdded((lab) => {
      this.known.add(lab.id);
      this.relay.ranHere(lab.id);
      countPast(lab);
    });
    registry.onRemoved((lab) => {
      this.known.delete(lab.id);
      this.holds.forget(lab.id);
    });
    const every = this.upkeep.every.bind(this.upkeep);
    every('renew', RENEW_MS, () => this.renewAll());
    every('takeover', SCAN_MS, () => this.takeover.scan(registry));
    every('owners', SCAN_MS, () => this.relay.checkOwners());
    every('trim', TRIM_MS, () => (redisReady(this.redis) ? trimStream(this.redis) : Promise.resolve()));
  }

  /**
   * For the broadcaster, before it publishes a lab's frames: the ticks computed so far, sent to
   * Redis ahead of the frames on the same connection, so Redis holds them first. A process taking
   * the lab over resumes there and never steps a tick a viewer already saw.
   */
  reached(id: string, ticks: number): void {
    this.store.saveTick(id, ticks);
  }

  /** Announce this process (its URL and load) and keep doing so. */
  start(url: string): void {
    this.presence.url = url;
    this.upkeep.every('publish', PUBLISH_MS, () => this.publish());
    void this.publish();
  }

  private owned(id: unknown): Lab | undefined {
    return typeof id === 'string' && this.leases.holds(id) ? this.registry?.get(id) : undefined;
  }

  /** A write found another owner: stop running the lab here. */
  private lost(id: string): void {
    this.leases.forget(id);
    this.store.letGo(id);
    if (this.registry?.evict(id))
      this.logger.warn({ lab: id }, 'another process owns this lab now; stopped it here');
  }

  private async renewAll(): Promise<void> {
    if (!this.registry) return;
    for (const lab of this.registry.list()) {
      // A lab whose lease this process gave up or lost is not renewed.
      if (!this.leases.holds(lab.id)) continue;
      const r = await this.leases.renew(lab.id);
      if (r === 'lost') this.lost(lab.id);
      else if (r === 'unlisted') {
        await this.store.republish(lab.id, lab.save());
        this.known.add(lab.id);
      }
    }
  }

  /** Local viewers of a lab (sockets of this process in its room). */
  localViewers(id: string): number {
    return this.presence.localViewers(id);
  }

  private publish(): Promise<void> {
    return this.presence.publish();
  }

  /** The live processes, this one as it stands now (its published record may be a second old). */
  processes(): Promise<Member[]> {
    return this.presence.processes();
  }

  exists(id: string): Promise<boolean> {
    return this.remote.exists(id);
  }

  viewerNumber(): Promise<number | undefined> {
    return this.viewerNumbers.next();
  }

  snapshot(id: string, canControl: boolean, opts: SnapshotOptions): Promise<Ack<SnapshotMessage>> {
    return this.remote.snapshot(id, canControl, opts);
  }

  command(id: string, command: Command, by: string, rid: string): Promise<Ack<{ tick: number }>> {
    return this.remote.command(id, command, by, rid);
  }

  clock(
    id: string,
    action: ClockAction,
    by: string,
    rid: string,
  ): Promise<Ack<{ tick: number; speed: number; paused: boolean }>> {
    return this.remote.clock(id, action, by, rid);
  }

  /** Stop upkeep, give the leases up (after the labs were saved) and leave. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.health.stop();
    this.upkeep.stop();
    this.requests?.close();
    await this.store.flush();
    if (redisReady(this.redis)) {
      await Promise.allSettled(this.leases.held().map((id) => this.leases.release(id)));
      await this.members.leave(this.id).catch(() => undefined);
      await this.redis.quit().catch(() => undefined);
    }
    this.redis.disconnect();
  }
}
