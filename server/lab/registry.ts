/**
 * The labs of this server: create (creating.ts), list, get, reset, delete, within limits; restored
 * from the store at start (savedLabs.ts); paced by one timer.
 */
import type { Logger } from 'pino';
import type { Result } from '../../shared/commands.js';
import { fail, type ApiError, type HeldReason } from '../../shared/protocol.js';
import type { Clock } from './clock.js';
import type { EngineFactory } from './engines.js';
import { Lab, type LabLimits } from './lab.js';
import type { MakeLab, ReviveDeps } from './restore.js';
import type { Store } from './store.js';
import { Resets } from './resetting.js';
import { Restoring } from './restoring.js';
import type { StoredLab } from './stored.js';
import { LabSaver, labMeta } from './saving.js';
import { scenarioEngines, type NewLab } from './starting.js';
import { freeId, freeName, idClash } from './naming.js';
import { createLab, forkLab, type Creator } from './creating.js';
import { adoptLab, restoreSaved, type Reviver } from './savedLabs.js';

export type { NewLab };

/** A saved lab up to this many ticks old is re-run from its start on restore, to bring back its history. */
const REBUILD_TICKS = 36_000;

export interface RegistryOptions {
  clock: Clock;
  logger: Logger;
  engines: EngineFactory;
  store?: Store;
  maxLabs: number;
  limits: LabLimits;
  snapshotEveryS: number;
  /** Pump period in ms (how often due ticks run). */
  pumpMs?: number;
  /** Saved labs up to this many ticks old are re-run on restore to bring back their history. */
  rebuildTicks?: number;
  /** Ids taken elsewhere (by other processes of a cluster), avoided when naming a new lab. */
  taken?: (id: string) => boolean;
  /**
   * Why this process may not step the lab now, or null when it may (a cluster process steps a lab
   * only while it surely owns it).
   */
  heldBy?: (lab: Lab) => HeldReason | null;
  /**
   * What keeps the store from taking a write now (a cluster's Redis that does not answer), named;
   * null when nothing does. A new lab, a reset, a deletion and every command are refused meanwhile
   * (UNAVAILABLE), changing nothing.
   */
  storeAway?: () => string | null;
}

type Res<T> = Result<T, ApiError>;

export class Registry {
  private readonly labs = new Map<string, Lab>();
  private readonly addedListeners = new Set<(lab: Lab) => void>();
  private readonly removedListeners = new Set<(lab: Lab) => void>();
  private readonly restoring = new Restoring();
  private stopTimer: (() => void) | null = null;
  private creating = 0;
  /** Ids and names taken by labs being created. */
  private readonly claimed = new Set<string>();
  private readonly claimedNames = new Set<string>();
  /** Saved labs left on disk at start (past MAX_LABS): their ids stay taken. */
  private readonly parked = new Set<string>();
  /** Labs whose reset is being saved (they do not run meanwhile). */
  private readonly resets = new Resets();
  /** Labs forked from another at a tick (no scenario start to go back to). */
  private readonly forks = new Set<string>();

  private readonly saver: LabSaver;

  constructor(private readonly o: RegistryOptions) {
    this.saver = new LabSaver(o.store, o.logger, o.snapshotEveryS * 1000);
  }

  /**
   * Bring back every lab in the store, one after the other, each at the latest tick it reached.
   * A lab that cannot be restored is quarantined (moved aside with the reason) and the others go
   * on. Until a lab is back, `isRestoring(id)` says so. Resolves with how many labs the store held.
   */
  async restore(): Promise<number> {
    return this.o.store ? restoreSaved(this.reviver(), this.o.store, this.parked) : 0;
  }

  /**
   * Bring back one stored lab here (a cluster process taking it over) and run it up to
   * `untilTick` (the tick its previous owner had reached), then keep pacing it.
   */
  adopt(stored: StoredLab, untilTick = -1): Promise<Res<Lab>> {
    return adoptLab(this.reviver(), stored, untilTick);
  }

  private reviver(): Reviver {
    return {
      logger: this.o.logger,
      saver: this.saver,
      maxLabs: this.o.maxLabs,
      maxVps: this.o.limits.maxVps,
      restoring: this.restoring,
      count: () => this.labs.size,
      has: (id) => this.labs.has(id),
      deps: () => this.reviveDeps(),
      add: (lab, fork) => this.add(lab, fork),
    };
  }

  /** Stop running a lab here without deleting it (another process owns it now). */
  evict(id: string): Lab | undefined {
    const lab = this.labs.get(id);
    if (!lab) return undefined;
    this.labs.delete(id);
    this.saver.forget(id);
    this.o.logger.info({ lab: id }, 'lab left this process');
    return lab;
  }

  private reviveDeps(): ReviveDeps {
    return {
      engines: this.o.engines,
      logger: this.o.logger,
      rebuildTicks: this.o.rebuildTicks ?? REBUILD_TICKS,
      historyS: this.o.limits.historyS,
      snapshotEveryS: this.o.snapshotEveryS,
      makeLab: (...a) => this.makeLab(...a),
    };
  }

  /**
   * Whether a saved lab of this id is still being restored, or may be: while the store's list is
   * still being read just after start, any lab not running yet may be one of the saved ones.
   */
  isRestoring(id: string): boolean {
    return this.restoring.pending(id, this.labs.has(id));
  }

  /** While the list of saved labs is still being read: resolves once it is (then null). */
  whenListed(): Promise<void> | null {
    return this.restoring.whenListed();
  }

  /** Called once a saved lab's restore ended (restored, or quarantined). */
  onSettled(fn: (id: string) => void): void {
    this.restoring.onSettled(fn);
  }

  private makeLab(...[id, scenario, compare, engines, snap, colors, name]: Parameters<MakeLab>): Lab {
    const store = this.o.store;
    return new Lab({
      id,
      scenario,
      compare,
      engines,
      colors,
      name,
      now: this.o.clock.now(),
      logger: this.o.logger,
      limits: this.o.limits,
      speed: snap?.speed,
      paused: snap?.paused,
      seq: snap?.seq,
      events: snap?.events,
      requests: snap?.requests,
      onCommand: store ? (rec) => this.resets.persist(store, id, rec) : undefined,
      storeAway: this.o.storeAway,
    });
  }

  private add(lab: Lab, fork = false): void {
    if (fork) this.forks.add(lab.id);
    this.labs.set(lab.id, lab);
    this.saver.started(lab.id, this.o.clock.now());
    for (const fn of this.addedListeners) fn(lab);
  }

  onAdded(fn: (lab: Lab) => void): void {
    this.addedListeners.add(fn);
  }

  onRemoved(fn: (lab: Lab) => void): void {
    this.removedListeners.add(fn);
  }

  list(): Lab[] {
    return [...this.labs.values()];
  }

  get(id: string): Lab | undefined {
    return typeof id === 'string' ? this.labs.get(id) : undefined;
  }

  /** Create a lab from `{ id?, preset?, scenario?, compare?, from? }` (neither preset nor scenario: the demo). */
  async create(req: NewLab): Promise<Res<Lab>> {
    const { id, compare, from } = req;
    const away = this.away('nothing was created');
    if (away) return away;
    if (this.labs.size + this.creating >= this.o.maxLabs)
      return fail('LIMIT_EXCEEDED', `this server runs at most ${this.o.maxLabs} labs; delete one first`);
    const clash = id === undefined ? null : this.clash(id);
    if (clash) return clash;
    this.creating++;
    // The id and name a creation takes are held until it ends: concurrent ones pick others.
    const ids: string[] = [];
    const names: string[] = [];
    const hold = <T>(set: Set<T>, list: T[], x: T): T => {
      set.add(x);
      list.push(x);
      return x;
    };
    if (id !== undefined) hold(this.claimed, ids, id);
    try {
      const c: Creator = {
        ...this.creator(),
        takeId: (base) => hold(this.claimed, ids, this.freeId(base)),
        takeName: (name) => hold(this.claimedNames, names, this.freeName(name)),
      };
      return from !== undefined ? await forkLab(c, from, compare!, id) : await createLab(c, req);
    } finally {
      this.creating--;
      for (const x of ids) this.claimed.delete(x);
      for (const x of names) this.claimedNames.delete(x);
    }
  }

  private creator(): Omit<Creator, 'takeId' | 'takeName'> {
    return {
      engines: this.o.engines,
      logger: this.o.logger,
      saver: this.saver,
      maxVps: this.o.limits.maxVps,
      get: (id) => this.labs.get(id),
      makeLab: (...a) => this.makeLab(...a),
      add: (lab, fork) => this.add(lab, fork),
    };
  }

  /**
   * Back to the start of its scenario (a fork cannot be: it has no start of its own). The store
   * replaces the lab's data first, and only once that holds does the lab go back to its start: a
   * failed write (a full disk, Redis away) answers an error and changes nothing, stored or running.
   */
  async reset(id: string, by: string): Promise<Res<{ id: string; tick: number }>> {
    const lab = this.labs.get(id);
    if (!lab) return fail('UNKNOWN_LAB', `no lab "${id}"`, 'lab');
    const away = this.away('nothing was reset', lab);
    if (away) return away;
    if (this.forks.has(id))
      return fail(
        'CONFLICT',
        'a compare lab starts where it was forked: fork the original lab again instead',
        'lab',
      );
    const engines = await scenarioEngines(this.o.engines, lab.scenario, lab.compare);
    if (!engines.ok) return engines;
    if (this.labs.get(id) !== lab) return fail('UNKNOWN_LAB', `lab "${id}" was deleted`, 'lab');
    if (this.resets.has(id)) return fail('CONFLICT', `lab "${id}" is being reset already`, 'lab');
    return this.resets.hold<Res<{ id: string; tick: number }>>(id, async () => {
      const failed = await this.saver.replace(labMeta(id, lab.scenario, lab.compare));
      if (failed) return { held: false, result: failed };
      if (this.labs.get(id) !== lab)
        return { held: true, result: fail('UNKNOWN_LAB', `lab "${id}" was deleted`, 'lab') };
      lab.reset(engines.data, by);
      this.saver.started(id, this.o.clock.now());
      this.o.logger.info({ lab: id, by }, 'lab reset to its start');
      return { held: true, result: { ok: true, data: { id, tick: lab.tick } } };
    });
  }

  /** The refusal of a change the store cannot take now (or `lab` held), saying `nothing`; else null. */
  private away(nothing: string, lab?: Lab): { ok: false; error: ApiError } | null {
    const why = lab?.holding.reason
      ? `lab "${lab.id}" is held: the cluster’s store (Redis) does not answer the server running it`
      : this.o.storeAway?.();
    return why ? fail('UNAVAILABLE', `${why}; ${nothing}, send it again once the store answers`) : null;
  }

  /** A lab name no running lab, nor one being created, has. */
  private freeName(name: string): string {
    return freeName(name, new Set([...this.list().map((l) => l.state().name), ...this.claimedNames]));
  }

  /** Ids of the labs here: running, being created, saved and still being restored, or saved and left on disk. */
  private ids(): string[] {
    return [...this.labs.keys(), ...this.claimed, ...this.restoring.waiting(), ...this.parked];
  }

  /** The refusal of a new lab's id that a lab here holds, in any case; else null. */
  private clash(id: string): { ok: false; error: ApiError } | null {
    return idClash(id, this.ids());
  }

  /** An id no lab here or on another process uses. */
  private freeId(base: string): string {
    return freeId(base, (x) => !idClash(x, this.ids()) && !this.o.taken?.(x));
  }

  async remove(id: string): Promise<Res<{ id: string }>> {
    const lab = this.labs.get(id);
    if (!lab) return fail('UNKNOWN_LAB', `no lab "${id}"`, 'lab');
    const away = this.away('nothing was deleted', lab);
    if (away) return away;
    if (this.resets.has(id)) return fail('CONFLICT', `lab "${id}" is being reset or deleted`, 'lab');
    // Its data is deleted first; only once that held does the lab go: a refusal changes nothing.
    return this.resets.hold<Res<{ id: string }>>(id, async () => {
      const failed = await this.saver.remove(id);
      if (failed) return { held: false, result: failed };
      this.labs.delete(id);
      this.saver.forget(id);
      lab.close();
      this.forks.delete(id);
      for (const fn of this.removedListeners) fn(lab);
      this.o.logger.info({ lab: id }, 'lab deleted');
      return { held: true, result: { ok: true, data: { id } } };
    });
  }

  /** Start pacing every lab in real time. */
  start(): void {
    if (this.stopTimer) return;
    this.stopTimer = this.o.clock.every(this.o.pumpMs ?? 10, () => this.pumpAll());
  }

  stop(): void {
    this.stopTimer?.();
    this.stopTimer = null;
  }

  /**
   * Run every lab up to now, and take the periodic snapshots that are due. A lab held (heldBy) is
   * not stepped, and the time it is held is skipped, not caught up later.
   */
  pumpAll(): void {
    const now = this.o.clock.now();
    for (const lab of this.labs.values()) {
      if (this.resets.has(lab.id)) continue;
      const held = this.o.heldBy?.(lab) ?? null;
      lab.holding.set(held);
      if (held) {
        lab.skip(now);
        continue;
      }
      lab.pump(now);
      this.saver.due(lab, now);
    }
  }

  /** Snapshot every lab and wait for all writes. */
  flush(): Promise<void> {
    // A lab being reset is saved by its reset (its running state is about to go).
    return this.saver.flush(this.list().filter((l) => !this.resets.has(l.id)));
  }
}
