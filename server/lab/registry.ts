/**
 * The labs of this server: create (creating.ts, their ids and names claims.ts), list, get, reset
 * and delete (resetting.ts), within limits; restored from the store at start (savedLabs.ts); paced
 * by one timer. Built with registryOptions.ts.
 */
import type { Result, Scenario } from '../../shared/commands.js';
import { fail, type ApiError, type LabEvent } from '../../shared/protocol.js';
import { Lab } from './lab.js';
import { keptColorsOf } from './colorBook.js';
import type { MakeLab, ReviveDeps } from './restore.js';
import { removeLab, Resets, resetLab, type Changes } from './resetting.js';
import { Restoring } from './restoring.js';
import type { StoredLab } from './stored.js';
import { LabSaver } from './saving.js';
import type { NewLab } from './starting.js';
import { Claims } from './claims.js';
import { changeRefused } from './holding.js';
import { createLab, forkLab, type Creator } from './creating.js';
import { adoptLab, restoreSaved, type Reviver } from './savedLabs.js';
import { REBUILD_TICKS, type RegistryOptions } from './registryOptions.js';

export type { NewLab, RegistryOptions };

type Res<T> = Result<T, ApiError>;

export class Registry {
  private readonly labs = new Map<string, Lab>();
  private readonly addedListeners = new Set<(lab: Lab) => void>();
  private readonly removedListeners = new Set<(lab: Lab) => void>();
  private readonly restoring = new Restoring();
  private stopTimer: (() => void) | null = null;
  private creating = 0;
  /** Saved labs left on disk at start (past MAX_LABS): their ids stay taken. */
  private readonly parked = new Set<string>();
  /** The ids and names of labs being created. */
  private readonly claims: Claims;
  /** Labs whose reset is being saved (they do not run meanwhile). */
  private readonly resets = new Resets();
  /** Labs forked from another, and the tick each was forked at (no scenario start to go back to). */
  private readonly forks = new Map<string, number>();

  private readonly saver: LabSaver;
  /** Who tells a lab's viewers of a lost record (a cluster: the process running the lab now). */
  private lostTeller: ((id: string, entry: LabEvent, here: () => void) => void) | null = null;

  constructor(private readonly o: RegistryOptions) {
    this.saver = new LabSaver(o.store, o.logger, o.snapshotEveryS * 1000);
    this.claims = new Claims({
      ids: () => [...this.labs.keys(), ...this.restoring.waiting(), ...this.parked],
      names: () => this.list().map((l) => l.state().name),
      taken: o.taken,
    });
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
      add: (lab, forkedAt) => this.add(lab, forkedAt),
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

  /**
   * The highest viewer number in the logs of the saved labs being restored: a promise until every
   * one was read (before any is back), then the number (0 when none is restored).
   */
  viewersSaved(): number | Promise<number> {
    return this.restoring.viewersSaved();
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
      colors: colors ?? keptColorsOf(snap),
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
      tellLost: (entry, here) => (this.lostTeller ? this.lostTeller(id, entry, here) : here()),
    });
  }

  private add(lab: Lab, forkedAt?: number): void {
    if (forkedAt !== undefined) this.forks.set(lab.id, forkedAt);
    this.labs.set(lab.id, lab);
    this.saver.started(lab.id, this.o.clock.now());
    lab.holding.listen((held) =>
      this.o.logger.info(
        { lab: lab.id, held },
        held ? 'lab held: not stepped, changes refused' : 'lab steps again',
      ),
    );
    for (const fn of this.addedListeners) fn(lab);
  }

  /**
   * Have `tell` tell a lab's viewers of a record answered as not saved yet and then lost (`entry`);
   * `here` records it in the lab's log here (else it is).
   */
  tellLostWith(tell: (id: string, entry: LabEvent, here: () => void) => void): void {
    this.lostTeller = tell;
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

  /**
   * The scenario that re-runs side `side` of a lab from its start: a lab comparing two modes ran
   * each from tick 0; a fork ran its source's mode up to the fork (its engines' logs switch there).
   */
  startScenario(lab: Lab, side: 0 | 1): Scenario {
    if (!lab.compare || this.forks.has(lab.id)) return lab.scenario;
    return { ...lab.scenario, mode: lab.compare[side] };
  }

  /**
   * The tick a fork was made at: before it, both its sides are its source's one past (the same
   * frames); undefined for a lab that was not forked.
   */
  forkedAt(lab: Lab): number | undefined {
    return this.forks.get(lab.id);
  }

  /** Create a lab from `{ id?, preset?, scenario?, compare?, from? }` (neither preset nor scenario: the demo). */
  async create(req: NewLab): Promise<Res<Lab>> {
    const { id, compare, from } = req;
    const away = changeRefused('nothing was created', this.o.storeAway?.());
    if (away) return away;
    if (this.labs.size + this.creating >= this.o.maxLabs)
      return fail('LIMIT_EXCEEDED', `this server runs at most ${this.o.maxLabs} labs; delete one first`);
    const clash = id === undefined ? null : this.claims.clash(id);
    if (clash) return clash;
    this.creating++;
    try {
      return await this.claims.during(id, (take) => {
        const c: Creator = { ...this.creator(), ...take };
        return from !== undefined ? forkLab(c, from, compare!, id) : createLab(c, req);
      });
    } finally {
      this.creating--;
    }
  }

  private creator(): Omit<Creator, 'takeId' | 'takeName'> {
    return {
      engines: this.o.engines,
      logger: this.o.logger,
      saver: this.saver,
      maxVps: this.o.limits.maxVps,
      get: (id) => this.labs.get(id),
      startScenario: (lab) => this.startScenario(lab, 0),
      makeLab: (...a) => this.makeLab(...a),
      add: (lab, forkedAt) => this.add(lab, forkedAt),
    };
  }

  /** Back to the start of its scenario; see resetting.ts. */
  reset(id: string, by: string): Promise<Res<{ id: string; tick: number }>> {
    return resetLab(this.changes(), id, by);
  }

  /** Delete a lab, its data first; see resetting.ts. */
  remove(id: string): Promise<Res<{ id: string }>> {
    return removeLab(this.changes(), id);
  }

  private changes(): Changes {
    return {
      engines: this.o.engines,
      logger: this.o.logger,
      saver: this.saver,
      clock: this.o.clock,
      resets: this.resets,
      forks: this.forks,
      get: (id) => this.labs.get(id),
      storeAway: () => this.o.storeAway?.() ?? null,
      deleted: (lab) => {
        this.labs.delete(lab.id);
        for (const fn of this.removedListeners) fn(lab);
      },
    };
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
      // A lab being reset or deleted does not run, but its viewers are told whether it is held.
      const held = this.o.heldBy?.(lab) ?? null;
      lab.holding.set(held);
      if (this.resets.has(lab.id)) continue;
      if (held) {
        lab.skip(now);
        continue;
      }
      lab.pump(now);
      this.saver.due(lab, now);
    }
  }

  /**
   * Hold now every lab that is to be held (heldBy), its viewers told, without waiting for the next
   * pump: what refuses a change for want of the store calls it first. A hold ends at a pump only.
   */
  judgeHolds(): void {
    for (const lab of this.labs.values()) {
      const held = this.o.heldBy?.(lab) ?? null;
      if (held) lab.holding.set(held);
    }
  }

  /** Snapshot every lab and wait for all writes. */
  flush(): Promise<void> {
    // A lab being reset is saved by its reset (its running state is about to go).
    return this.saver.flush(this.list().filter((l) => !this.resets.has(l.id)));
  }
}
