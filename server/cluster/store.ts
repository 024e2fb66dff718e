/**
 * Labs in Redis, shared by every process of the service: the lab list (hash of metas), each lab's
 * command log (a stream), its last snapshot and last computed tick. Every write for a lab goes
 * through its lease (see leases.ts): only the owner writes. Writes of one lab are ordered. A fork
 * also has its start (what it was when forked). The owner keeps where a re-run of each lab starts
 * (a fork's start, or tick 0) and the records since, so that Redis losing its data loses neither
 * the lab nor its history (keptLogs.ts). Writes are queued per lab (labWrites.ts); a reset or a
 * deletion is answered within a deadline (deadlineWrites.ts); damaged parts are kept (setAside.ts).
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { LogRecord } from '../lab/lab.js';
import { REBUILD_TICKS } from '../lab/registryOptions.js';
import { bounded } from '../lab/savePending.js';
import type { LabMeta, LabSnapshot, RawLab, Store } from '../lab/store.js';
import type { StoredLab } from '../lab/stored.js';
import { KeptLogs } from './keptLogs.js';
import { keys, redisNames } from './keys.js';
import { writeByDeadline, type DeadlineDeps } from './deadlineWrites.js';
import { LabWrites } from './labWrites.js';
import { LeaseLost, Unlisted, type Leases } from './leases.js';
import { RedisAway } from './redis.js';
import { quarantineLab, setPartAside } from './setAside.js';

/**
 * How long an appended record waits for Redis before the command's answer says it is not saved
 * yet (its write goes on): a Redis that froze just before the lab is held would hold it forever.
 */
export const APPEND_WAIT_MS = 3000;

/** Thrown by `create` when the id is already a lab of the service. */
export class LabIdTaken extends Error {
  readonly code = 'CONFLICT';
  constructor(id: string) {
    super(`a lab "${id}" already exists, or one whose id differs only in case`);
  }
}

export class RedisLabStore implements Store {
  private readonly writes: LabWrites;
  /** What a reset or a deletion needs to be answered within its deadline. */
  private readonly deadline: DeadlineDeps;
  /** Per lab, the records appended in this turn, not yet sent: they go to Redis in one step. */
  private readonly appending = new Map<string, { values: string[]; tick: number; done: Promise<void> }>();
  /**
   * Metas of the labs this process runs, created or taken over here (published again if Redis
   * loses them); a lab that moved to another process is dropped (`letGo`).
   */
  private readonly metas = new Map<string, LabMeta>();
  /** The labs run here: where a re-run of each starts and the records since, published again with them. */
  private readonly kept: KeptLogs;
  /** Labs being published again after Redis lost them. */
  private readonly republishing = new Set<string>();

  constructor(
    private readonly redis: Redis,
    private readonly leases: Leases,
    private readonly logger: Logger,
    /** Called when a write finds that another process owns the lab now. */
    private readonly onLost: (id: string) => void,
    /**
     * Called when a reset answered as failed did reach Redis after all (its reply came later than
     * the wait): the lab's saved data was started again while the lab runs on, so it is saved again.
     */
    onLateReset: (id: string) => void = () => undefined,
    /** What a lab running here would save now (to publish it again when Redis lost it). */
    private readonly current: (id: string) => LabSnapshot | undefined = () => undefined,
    /** How far past its start a lab is still re-run from it by a restore (see keptLogs.ts). */
    rebuildTicks = REBUILD_TICKS,
  ) {
    this.kept = new KeptLogs(rebuildTicks);
    this.writes = new LabWrites(onLost);
    this.deadline = { redis, leases, logger, writes: this.writes, onLate: onLateReset };
  }

  /**
   * A cluster process starts with no lab (it takes labs over through their leases), so the
   * registry's start-up restore finds none here; `ids()` lists the labs of the service.
   */
  list(): Promise<string[]> {
    return Promise.resolve([]);
  }

  /** Every lab id of the service. */
  async ids(): Promise<string[]> {
    return (await this.redis.hkeys(keys.labs)).sort();
  }

  /** One lab's raw parts as Redis holds them (validated by the caller); undefined when not a lab. */
  async load(id: string): Promise<RawLab | undefined> {
    const [meta, snap, start, log] = await Promise.all([
      this.redis.hget(keys.labs, id),
      this.redis.get(keys.snapshot(id)),
      this.redis.get(keys.start(id)),
      this.redis.xrange(keys.log(id), '-', '+'),
    ]);
    if (meta === null) return undefined;
    return {
      meta,
      snapshot: snap ?? undefined,
      start: start ?? undefined,
      commands: log.map(([, fields]) => fields[1] ?? ''),
      names: redisNames(id),
      logFromSnapshot: true,
    };
  }

  /** How many ticks the lab's owner had computed, if it said. */
  async ticksReached(id: string): Promise<number | undefined> {
    const t = Number(await this.redis.get(keys.tick(id)));
    return Number.isSafeInteger(t) && t >= 0 ? t : undefined;
  }

  /**
   * Lab `id` was taken over here from `raw` (validated as `stored`): what publishes it again
   * should Redis lose it (its meta; where a re-run starts and the records since) is kept.
   */
  tookOver(id: string, raw: RawLab, stored: StoredLab): void {
    this.metas.set(id, stored.meta);
    this.kept.tookOver(id, raw, stored);
  }

  /** Lab `id` runs elsewhere now: what was kept to publish it again (its meta too) is dropped. */
  letGo(id: string): void {
    this.metas.delete(id);
    this.kept.drop(id);
  }

  /** Whether this process keeps what would publish lab `id` again (it runs the lab). */
  keeps(id: string): boolean {
    return this.metas.has(id) || this.kept.get(id) !== undefined;
  }

  async create(meta: LabMeta): Promise<void> {
    if (!(await this.leases.create(meta.id, JSON.stringify(meta)))) throw new LabIdTaken(meta.id);
    this.metas.set(meta.id, meta);
    // A fork is kept from its start, once it is written (`saveStart`).
    if (meta.forkedAt === undefined) this.kept.begun(meta.id);
  }

  /**
   * A reset: the lab's meta, log, snapshot, tick and start replaced in one script under its lease.
   * Refused at once while Redis is away (it would wait for it), changing nothing; when Redis stops
   * answering meanwhile, refused after RESET_WAIT_MS, and the script, sent with a deadline on
   * Redis's own clock that falls before that answer, does nothing if Redis runs it later. Run in
   * time but answered after that answer, the lab runs on here, not reset: it is kept as it runs
   * (not with the reset's meta) and published again so (`onLateReset`).
   */
  replace(meta: LabMeta): Promise<void> {
    return writeByDeadline(this.deadline, meta.id, 'reset', async (deadline, answered) => {
      await this.leases.replace(meta.id, JSON.stringify(meta), deadline);
      if (answered()) return;
      this.metas.set(meta.id, meta);
      // Started again from its scenario (no longer a fork), nothing logged since.
      this.kept.begun(meta.id);
    });
  }

  /**
   * Delete a lab (its data and lease) in one script under its lease, all or nothing as a reset is
   * (see `replace`): refused, nothing was deleted, and a script Redis runs later does nothing.
   */
  remove(id: string): Promise<void> {
    return writeByDeadline(this.deadline, id, 'deletion', async (deadline, answered) => {
      await this.leases.remove(id, deadline);
      // Answered as refused meanwhile: the lab runs on here, and is published again.
      if (answered()) return;
      this.metas.delete(id);
      this.kept.drop(id);
      this.leases.forget(id);
    });
  }

  /**
   * Publish the lab again (Redis lost its data): its meta, a snapshot (`snapshot`, or what the
   * running lab saves now), and what re-runs it (a fork's start; the records since where the
   * re-run starts), in one step, after the lab's queued writes.
   */
  republish(id: string, snapshot?: LabSnapshot): Promise<void> {
    // A lab deleted or set aside here meanwhile is not brought back.
    if (!this.metas.has(id)) return Promise.resolve();
    return this.enqueue(id, () => this.publishNow(id, [], 0, snapshot));
  }

  /**
   * Meta, snapshot, what re-runs the lab (a fork's start; the records since where the re-run
   * starts), and the log `records` not yet written (the last at `tick`), in one script under the
   * lease: there is no moment when Redis holds a record of a lab it does not list, or a fork
   * without its start.
   */
  private async publishNow(
    id: string,
    records: string[],
    tick: number,
    snapshot = this.current(id),
  ): Promise<void> {
    const meta = this.metas.get(id);
    if (!meta || !snapshot) throw new Unlisted(id);
    const kept = this.kept.get(id);
    await this.leases.republish(id, JSON.stringify(meta), JSON.stringify(snapshot), kept, records);
    if (records.length) this.kept.logged(id, records, tick);
    this.logger.warn({ lab: id }, 'Redis lost this lab; published it again');
  }

  /** A write found the lab unlisted: publish it again, once at a time. */
  private republishSoon(id: string): void {
    if (this.republishing.has(id)) return;
    this.republishing.add(id);
    void this.republish(id)
      .catch((err: unknown) => this.logger.error({ err, lab: id }, 'could not publish the lab again'))
      .finally(() => this.republishing.delete(id));
  }

  /**
   * Append a log record (a command, or a clock action's pace); resolves once Redis holds it
   * (rejects if the lab moved away). Records appended in one turn (a batch's commands) are written
   * in one step, so a process killed meanwhile leaves all of them or none. When Redis has not
   * answered within APPEND_WAIT_MS, rejects with SavePending: the write goes on, and lands once
   * Redis answers (unless another process owns the lab by then).
   */
  append(id: string, rec: LogRecord): Promise<void> {
    const waiting = this.appending.get(id);
    if (waiting) {
      waiting.values.push(JSON.stringify(rec));
      waiting.tick = Math.max(waiting.tick, rec.tick);
      return waiting.done;
    }
    const values: [string, ...string[]] = [JSON.stringify(rec)];
    const turn = { values, tick: rec.tick };
    const write = this.enqueue(id, async () => {
      this.appending.delete(id);
      try {
        await this.leases.xadd(id, keys.log(id), ...values);
        this.kept.logged(id, values, turn.tick);
      } catch (err) {
        // Redis lost the lab: the records go in with the lab published again, in one step.
        if (!(err instanceof Unlisted)) throw err;
        await this.publishNow(id, values, turn.tick);
      }
    });
    const done = bounded(
      write,
      APPEND_WAIT_MS,
      `the cluster’s store (Redis) did not answer within ${APPEND_WAIT_MS / 1000} s`,
    );
    this.appending.set(id, Object.assign(turn, { done }));
    return done;
  }

  /**
   * Save a fork's start under its lease (once, as it is created): unlike a snapshot, not skipped
   * while Redis is away, so a fork whose start was not saved is refused, not run.
   */
  saveStart(id: string, start: LabSnapshot): Promise<void> {
    if (this.redis.status !== 'ready')
      return Promise.reject(new RedisAway('the cluster’s store (Redis) is unreachable'));
    const text = JSON.stringify(start);
    return this.enqueue(id, async () => {
      await this.leases.set(id, keys.start(id), text);
      this.kept.started(id, text, start.tick);
    });
  }

  /** Save a snapshot (skipped while Redis is away: the lab runs on here, the next one will do). */
  saveSnapshot(id: string, snapshot: LabSnapshot): Promise<void> {
    if (this.redis.status !== 'ready') return Promise.resolve();
    const text = JSON.stringify(snapshot);
    const save = () =>
      this.leases.set(id, keys.snapshot(id), text).catch((err: unknown) => {
        if (err instanceof Unlisted) return this.publishNow(id, [], 0, snapshot);
        throw err;
      });
    return this.enqueue(id, save).catch((err: unknown) => {
      if (!(err instanceof LeaseLost)) this.logger.error({ err, lab: id }, 'could not save a snapshot');
    });
  }

  /**
   * Record how many ticks the lab has computed (best effort, skipped while Redis is away). Sent at
   * once, not behind the lab's queued writes: the write is on the wire before this returns, ahead
   * of anything sent after it on this connection (the frames of those ticks), and every tick
   * write goes the same way, so Redis sees them in the order they were made.
   */
  saveTick(id: string, ticks: number): void {
    if (this.redis.status !== 'ready') return;
    this.leases.set(id, keys.tick(id), String(ticks)).catch((err: unknown) => {
      if (err instanceof LeaseLost) this.onLost(id);
      else if (err instanceof Unlisted) this.republishSoon(id);
    });
  }

  /** The registry's periodic record of the ticks computed (never rejects). */
  saveProgress(id: string, ticks: number): Promise<void> {
    this.saveTick(id, ticks);
    return Promise.resolve();
  }

  /**
   * A damaged part is kept, with why, before the lab saves one in its place (a damaged part is
   * never written over): copied as it is to `contention:setAside`.
   */
  setAside(id: string, part: 'snapshot' | 'progress', reason: string): Promise<void> {
    return setPartAside(this.redis, this.logger, id, part, reason);
  }

  /** A lab that cannot be taken over leaves the lab list, its data kept, the reason recorded. */
  async quarantine(id: string, reason: string): Promise<void> {
    this.logger.error({ lab: id, reason }, 'a lab in Redis cannot be restored; set aside');
    this.metas.delete(id);
    this.kept.drop(id);
    await quarantineLab(this.redis, id, reason);
  }

  /** Wait for every queued write (at most `ms`: while Redis is away they cannot finish). */
  flush(ms = 5000): Promise<void> {
    return this.writes.flush(ms);
  }

  /** Wait for the queued writes (the Redis connection is the cluster node's to close). */
  close(): Promise<void> {
    return this.flush();
  }

  private enqueue(id: string, job: () => Promise<void>): Promise<void> {
    return this.writes.enqueue(id, job);
  }
}
