/**
 * The labs of this server: create (from a preset or a posted scenario, optionally comparing two
 * modes), list, get, delete, within limits; restored from the store at start; paced by one timer.
 */
import { z } from 'zod';
import type { Logger } from 'pino';
import {
  formatPath,
  ModeSpecSchema,
  type ModeSpec,
  type Result,
  type Scenario,
} from '../../shared/commands.js';
import type { ApiError } from '../../shared/protocol.js';
import { loadPreset, validateScenario } from '../scenario.js';
import type { Engine } from '../sim/api.js';
import type { Clock } from './clock.js';
import type { EngineFactory } from './engines.js';
import { Lab, type LabLimits } from './lab.js';
import type { LabSnapshot, Store, StoredLab } from './store.js';

export const LAB_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;

/** A saved lab up to this many ticks old is re-run from its start on restore, to bring back its history. */
const REBUILD_TICKS = 36_000;

const CreateLabSchema = z.strictObject({
  id: z.string().regex(LAB_ID, 'letters, digits, "-" or "_", at most 40').optional(),
  preset: z.string().min(1).max(64).optional(),
  scenario: z.unknown().optional(),
  compare: z.tuple([ModeSpecSchema, ModeSpecSchema]).optional(),
});
export type CreateLabRequest = z.infer<typeof CreateLabSchema>;

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
}

type Res<T> = Result<T, ApiError>;

function err(code: ApiError['code'], message: string, path?: string): { ok: false; error: ApiError } {
  return { ok: false, error: path ? { code, message, path } : { code, message } };
}

export class Registry {
  private readonly labs = new Map<string, Lab>();
  private readonly lastSnapshot = new Map<string, number>();
  private readonly addedListeners = new Set<(lab: Lab) => void>();
  private readonly removedListeners = new Set<(lab: Lab) => void>();
  private stopTimer: (() => void) | null = null;
  private creating = 0;

  constructor(private readonly o: RegistryOptions) {}

  /** Bring back every lab in the store, each at the tick and state it had reached. */
  async restore(): Promise<void> {
    if (!this.o.store) return;
    for (const stored of await this.o.store.load()) {
      const r = await this.revive(stored);
      if (r.ok) this.add(r.data);
      else this.o.logger.error({ lab: stored.meta.id, error: r.error }, 'could not restore a lab');
    }
  }

  private async revive(stored: StoredLab): Promise<Res<Lab>> {
    const { meta, snapshot } = stored;
    const replayed =
      snapshot && snapshot.tick <= (this.o.rebuildTicks ?? REBUILD_TICKS)
        ? await this.rebuild(stored, snapshot)
        : null;
    let lab: Lab;
    if (replayed) lab = replayed;
    else {
      const modes: (ModeSpec | undefined)[] = meta.compare ?? [undefined];
      const engines: Engine[] = [];
      for (let i = 0; i < modes.length; i++) {
        const r = snapshot
          ? await this.o.engines.restore(snapshot.engines[i])
          : await this.o.engines.create(meta.scenario, modes[i]);
        if (!r.ok) return r;
        engines.push(r.data);
      }
      lab = this.makeLab(meta.id, meta.scenario, meta.compare, engines, snapshot);
    }
    const after = stored.commands.filter((c) => c.seq > (snapshot?.seq ?? 0));
    lab.replay(after);
    this.o.logger.info(
      { lab: lab.id, tick: lab.tick, replayed: after.length, history: lab.history.size },
      'lab restored',
    );
    return { ok: true, data: lab };
  }

  /**
   * Re-run a saved lab from its start to its snapshot, so it comes back with its recent history
   * (charts, CSV) as well as its state. Used only if the re-run lands exactly on the snapshot
   * (it does: the engine is deterministic); otherwise the snapshot alone is restored.
   */
  private async rebuild(stored: StoredLab, snapshot: LabSnapshot): Promise<Lab | null> {
    const { meta } = stored;
    const engines: Engine[] = [];
    for (const mode of meta.compare ?? [undefined]) {
      const r = await this.o.engines.create(meta.scenario, mode);
      if (!r.ok) return null;
      engines.push(r.data);
    }
    const lab = this.makeLab(meta.id, meta.scenario, meta.compare, engines, {
      ...snapshot,
      seq: 0,
      events: [],
    });
    try {
      lab.replay(
        stored.commands.filter((c) => c.seq <= snapshot.seq),
        snapshot.tick,
      );
    } catch (err) {
      this.o.logger.warn({ err, lab: meta.id }, 'could not re-run a saved lab; restoring its snapshot only');
      return null;
    }
    const same =
      lab.tick === snapshot.tick &&
      engines.every((e, i) => JSON.stringify(e.save()) === JSON.stringify(snapshot.engines[i]));
    if (!same) {
      this.o.logger.warn(
        { lab: meta.id },
        're-running a saved lab did not reproduce its snapshot; restoring the snapshot only',
      );
      return null;
    }
    lab.seq = snapshot.seq;
    lab.setEvents(snapshot.events);
    return lab;
  }

  private makeLab(
    id: string,
    scenario: Scenario,
    compare: [ModeSpec, ModeSpec] | undefined,
    engines: Engine[],
    snap?: LabSnapshot,
  ): Lab {
    const store = this.o.store;
    return new Lab({
      id,
      scenario,
      compare,
      engines,
      now: this.o.clock.now(),
      logger: this.o.logger,
      limits: this.o.limits,
      speed: snap?.speed,
      paused: snap?.paused,
      seq: snap?.seq,
      events: snap?.events,
      onCommand: store ? (rec) => store.appendCommand(id, rec) : undefined,
    });
  }

  private add(lab: Lab): void {
    this.labs.set(lab.id, lab);
    this.lastSnapshot.set(lab.id, this.o.clock.now());
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

  /** Create a lab from `{ id?, preset?, scenario?, compare? }` (neither preset nor scenario: the demo). */
  async create(input: unknown): Promise<Res<Lab>> {
    const req = CreateLabSchema.safeParse(input ?? {});
    if (!req.success) {
      const issue = req.error.issues[0];
      const p = formatPath(issue.path);
      const keys = 'keys' in issue && Array.isArray(issue.keys) ? ` (${issue.keys.join(', ')})` : '';
      return err('INVALID_INPUT', `${p}: ${issue.message}${keys}`, p);
    }
    const { id, preset, compare } = req.data;
    if (preset !== undefined && req.data.scenario !== undefined)
      return err('INVALID_INPUT', 'give either "preset" or "scenario", not both', 'scenario');
    if (this.labs.size + this.creating >= this.o.maxLabs)
      return err('LIMIT_EXCEEDED', `this server runs at most ${this.o.maxLabs} labs; delete one first`);
    if (id !== undefined && this.labs.has(id)) return err('CONFLICT', `a lab "${id}" already exists`, 'id');
    this.creating++;
    try {
      let scenario: Scenario;
      let base: string;
      if (req.data.scenario !== undefined) {
        const r = validateScenario(req.data.scenario);
        if (!r.ok) return err('INVALID_INPUT', `scenario.${r.error.message}`, `scenario.${r.error.path}`);
        scenario = r.data;
        base = slug(scenario.name);
      } else {
        const name = preset ?? 'demo';
        const r = await loadPreset(name);
        if (!r.ok)
          return err(
            'INVALID_INPUT',
            r.error.code === 'NOT_FOUND' ? `unknown preset "${name}"` : r.error.message,
            'preset',
          );
        scenario = r.data;
        base = name;
      }
      const added = (scenario.events ?? []).filter((e) => e.type === 'addVps').length;
      if (scenario.vps.length + added > this.o.limits.maxVps)
        return err(
          'LIMIT_EXCEEDED',
          `a lab holds at most ${this.o.limits.maxVps} VPSs (this one has ${scenario.vps.length}` +
            `${added ? ` and adds ${added}` : ''})`,
          'scenario.vps',
        );
      const labId = id ?? this.freeId(base);
      if (this.labs.has(labId)) return err('CONFLICT', `a lab "${labId}" already exists`, 'id');
      const engines: Engine[] = [];
      for (const mode of compare ?? [undefined]) {
        const r = await this.o.engines.create(scenario, mode);
        if (!r.ok) return err(r.error.code, r.error.message, r.error.path && `scenario.${r.error.path}`);
        engines.push(r.data);
      }
      if (this.labs.has(labId)) return err('CONFLICT', `a lab "${labId}" already exists`, 'id');
      await this.o.store?.create({
        version: 1,
        id: labId,
        scenario,
        compare,
        createdAt: new Date().toISOString(),
      });
      const lab = this.makeLab(labId, scenario, compare, engines);
      this.add(lab);
      this.o.logger.info({ lab: labId, compare }, 'lab created');
      return { ok: true, data: lab };
    } finally {
      this.creating--;
    }
  }

  private freeId(base: string): string {
    const stem = base.slice(0, 32) || 'lab';
    if (!this.labs.has(stem)) return stem;
    for (let n = 2; ; n++) if (!this.labs.has(`${stem}-${n}`)) return `${stem}-${n}`;
  }

  async remove(id: string): Promise<Res<{ id: string }>> {
    const lab = this.labs.get(id);
    if (!lab) return err('UNKNOWN_LAB', `no lab "${id}"`, 'lab');
    this.labs.delete(id);
    this.lastSnapshot.delete(id);
    for (const fn of this.removedListeners) fn(lab);
    await this.o.store?.remove(id);
    this.o.logger.info({ lab: id }, 'lab deleted');
    return { ok: true, data: { id } };
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

  /** Run every lab up to now, and take the periodic snapshots that are due. */
  pumpAll(): void {
    const now = this.o.clock.now();
    for (const lab of this.labs.values()) {
      lab.pump(now);
      const last = this.lastSnapshot.get(lab.id) ?? now;
      if (this.o.store && now - last >= this.o.snapshotEveryS * 1000) {
        this.lastSnapshot.set(lab.id, now);
        void this.snapshot(lab);
      }
    }
  }

  private snapshot(lab: Lab): Promise<void> {
    if (!this.o.store) return Promise.resolve();
    try {
      return this.o.store.saveSnapshot(lab.id, lab.save());
    } catch (e) {
      this.o.logger.error({ err: e, lab: lab.id }, 'could not snapshot a lab');
      return Promise.resolve();
    }
  }

  /** Snapshot every lab and wait for all writes. */
  async flush(): Promise<void> {
    await Promise.all(this.list().map((lab) => this.snapshot(lab)));
    await this.o.store?.flush();
  }
}

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 32) || 'lab'
  );
}
