/**
 * One live lab: one engine (two in a compare lab, one per mode, fed the same commands), paced in
 * real time by a fixed-timestep accumulator, with a bounded history and event log. Commands wait
 * in a queue and apply at the next tick boundary. Broadcasts are coalesced to a maximum rate.
 */
import type { Logger } from 'pino';
import type { Command, ModeSpec, Scenario } from '../../shared/commands.js';
import type { ClockAction } from '../../shared/inbound.js';
import { VPS_METRICS, type Frame, type VpsMetricName } from '../../shared/model.js';
import {
  fail,
  UPCOMING_MAX,
  type Ack,
  type ApiError,
  type ClockResult,
  type LabEvent,
  type LabState,
  type LabSummary,
  type SnapshotMessage,
} from '../../shared/protocol.js';
import {
  ALL_ROWS,
  decodeHistory,
  encodeFrameMessage,
  type WireFrameMessage,
  type WireHistory,
} from '../../shared/wire.js';
import { assignColors } from '../../shared/colors.js';
import type { Engine } from '../sim/api.js';
import { restoreEngine, scheduleOf } from '../sim/index.js';
import type { LabSnapshot } from './store.js';
import { FrameHistory } from './history.js';
import { commandEvent, tickEvents } from './events.js';

/** Most ticks one pump may run to catch up after a stall; the rest of the backlog is dropped. */
export const MAX_CATCH_UP = 250;
const EVENT_LOG = 200;
/** Broadcasts that may go out back to back after a late tick (the average stays at broadcastHz). */
const BROADCAST_BURST = 2;
/** Snapshot history: at most this many entries, at the live broadcast cadence. */
const SNAPSHOT_ENTRIES = 600;

export interface LabLimits {
  maxVps: number;
  historyS: number;
  historyBytes: number;
  broadcastHz: number;
}

/** A command as applied and recorded: `seq` orders the lab's live commands across restarts. */
export interface CommandRecord {
  seq: number;
  tick: number;
  by: string;
  command: Command;
}

export interface LabInit {
  id: string;
  /** The scenario the lab started from (its events were scheduled into the engines). */
  scenario: Scenario;
  /** The two modes of a compare lab. */
  compare?: [ModeSpec, ModeSpec];
  engines: Engine[];
  now: number;
  logger: Logger;
  limits: LabLimits;
  speed?: number;
  paused?: boolean;
  seq?: number;
  events?: LabEvent[];
  /**
   * Called once per applied command, in order (persistence). When it returns a promise, the
   * command is acknowledged only once that promise settles (once the record is durable).
   */
  onCommand?: (rec: CommandRecord) => Promise<void> | void;
  /** The lab's name when not its engines' scenario name (a fork). */
  name?: string;
  /** Colours already given (a fork keeps its source's). */
  colors?: Record<string, string>;
}

interface Pending {
  /** One command, or a batch applied all together or not at all. */
  commands: Command[];
  by: string;
  /** Sent as an array (even of one): a refusal names `commands[i]`. */
  batch: boolean;
  resolve: (r: Ack<{ tick: number }>) => void;
}

type ClockAck = Ack<ClockResult>;

export class Lab {
  readonly id: string;
  readonly scenario: Scenario;
  readonly compare?: [ModeSpec, ModeSpec];
  readonly engines: Engine[];
  readonly history: FrameHistory;
  /** How many clients watch (kept by the socket layer): no encoding while nobody does. */
  viewers = 0;
  speed: number;
  paused: boolean;
  seq: number;

  private readonly logger: Logger;
  private readonly limits: LabLimits;
  private onCommand?: (rec: CommandRecord) => Promise<void> | void;
  /** Persistence of the commands applied by the current apply() call. */
  private saving: Promise<void>[] = [];
  /** Set once the lab is deleted: queued and later commands answer UNKNOWN_LAB. */
  private closed = false;
  private readonly frameListeners = new Set<(msg: WireFrameMessage) => void>();
  private readonly tickListeners = new Set<(frames: Frame[]) => void>();
  private readonly eventListeners = new Set<(event: LabEvent, state?: LabState) => void>();
  private readonly queue: Pending[] = [];
  private readonly events: LabEvent[];
  private acc = 0;
  private last: number;
  /** Broadcast budget: refills at broadcastHz, holds up to BROADCAST_BURST (a late tick goes out at once). */
  private broadcastTokens = 1;
  /** While set, log entries wait so the frame of the same pump goes out first. */
  private deferred: [LabEvent, LabState | undefined][] | null = null;
  private latest: Frame[] | null = null;
  private broadcastTick = -1;
  private tickErrors = 0;
  private dropped = 0;
  /** Each VPS's colour, given once (removed VPSs keep theirs, so no one else takes it). */
  private readonly colors: Record<string, string>;
  private readonly resetListeners = new Set<() => void>();
  private readonly name?: string;
  /** The scenario's events by tick (what the engines apply by themselves). */
  private readonly schedule: { tick: number; command: Command }[];

  constructor(init: LabInit) {
    this.id = init.id;
    this.scenario = init.scenario;
    this.schedule = scheduleOf(init.scenario);
    this.compare = init.compare;
    this.engines = init.engines;
    this.logger = init.logger.child({ lab: init.id });
    this.limits = init.limits;
    this.speed = init.speed ?? 1;
    this.paused = init.paused ?? false;
    this.seq = init.seq ?? 0;
    this.events = init.events?.slice(-EVENT_LOG) ?? [];
    this.onCommand = init.onCommand;
    this.last = init.now;
    const maxTicks = Math.max(1, Math.ceil((init.limits.historyS * 1000) / this.tickMs));
    this.history = new FrameHistory({ maxTicks, maxBytes: init.limits.historyBytes });
    this.name = init.name;
    this.colors = assignColors(
      { ...init.colors },
      init.scenario.vps.map((v) => v.id),
    );
  }

  get tick(): number {
    return this.engines[0].tick;
  }

  /** Commands waiting for the next tick boundary. */
  get queued(): number {
    return this.queue.length;
  }

  get tickMs(): number {
    return this.engines[0].tickMs;
  }

  /** Ticks coalesced into one broadcast at the current speed (1 at 1× with 100 ms ticks and 10 Hz). */
  get ticksPerBroadcast(): number {
    return Math.max(1, Math.round((this.speed * 1000) / this.limits.broadcastHz / this.tickMs));
  }

  onFrame(fn: (msg: WireFrameMessage) => void): () => void {
    this.frameListeners.add(fn);
    return () => this.frameListeners.delete(fn);
  }

  /** Every computed tick, unencoded (tests, export). */
  onTick(fn: (frames: Frame[]) => void): () => void {
    this.tickListeners.add(fn);
    return () => this.tickListeners.delete(fn);
  }

  onEvent(fn: (event: LabEvent, state?: LabState) => void): () => void {
    this.eventListeners.add(fn);
    return () => this.eventListeners.delete(fn);
  }

  /**
   * Advance to wall time `now`: apply queued commands, run the ticks that fell due (at most
   * MAX_CATCH_UP), and broadcast the newest frame if the broadcast rate allows.
   */
  pump(now: number): void {
    const elapsed = Math.max(0, now - this.last);
    this.last = now;
    this.broadcastTokens = Math.min(
      BROADCAST_BURST,
      this.broadcastTokens + (elapsed * this.limits.broadcastHz) / 1000,
    );
    this.deferred = [];
    try {
      this.advance(elapsed);
      if (this.broadcastTokens >= 1 - 1e-9 && this.broadcastDue()) {
        this.broadcastTokens -= 1;
        this.broadcast();
      }
    } finally {
      this.flushEvents();
    }
  }

  /**
   * Log entries of this pump go out after its frame: a volatile frame is dropped for a client
   * whose connection is still writing, and an entry written just before would be that write.
   */
  private flushEvents(): void {
    const pending = this.deferred ?? [];
    this.deferred = null;
    for (const [event, state] of pending) for (const fn of this.eventListeners) fn(event, state);
  }

  private advance(elapsed: number): void {
    this.drain();
    if (!this.paused) {
      this.acc += elapsed * this.speed;
      let n = 0;
      while (this.acc >= this.tickMs && n < MAX_CATCH_UP) {
        this.runTick();
        this.acc -= this.tickMs;
        n++;
      }
      if (this.acc >= this.tickMs) {
        const lost = Math.floor(this.acc / this.tickMs);
        this.dropped += lost;
        this.acc -= lost * this.tickMs;
        this.logger.warn({ lost, total: this.dropped }, 'lab fell behind real time; skipped the backlog');
      }
    }
  }

  private broadcastDue(): boolean {
    return this.latest !== null && this.latest[0].tick !== this.broadcastTick;
  }

  private broadcast(): void {
    if (!this.latest) return;
    this.broadcastTick = this.latest[0].tick;
    if (this.frameListeners.size === 0 || this.viewers === 0) return;
    const msg = encodeFrameMessage(this.id, this.latest);
    for (const fn of this.frameListeners) fn(msg);
  }

  /** One tick: apply what is queued, step every engine, record. An unexpected error is logged once here. */
  private runTick(): void {
    this.drain();
    try {
      const frames = this.engines.map((e) => e.step());
      this.latest = frames;
      this.history.push(frames);
      for (const fn of this.tickListeners) fn(frames);
      this.recordEngineEvents();
    } catch (e) {
      this.tickErrors++;
      if (this.tickErrors <= 5 || this.tickErrors % 1000 === 0)
        this.logger.error(
          { err: e, tick: this.tick, count: this.tickErrors },
          'error inside a tick; the lab keeps running',
        );
    }
  }

  /**
   * Log what the engines did in the tick (or command) just run, drained from each engine so none
   * keeps a growing list; the last entry carries the new state when something changed it.
   */
  private recordEngineEvents(): void {
    const perEngine = this.engines.map((e) => e.takeEvents());
    if (perEngine.every((es) => es.length === 0)) return;
    const { entries, lastChange } = tickEvents(perEngine, !!this.compare);
    entries.forEach((ev, k) => this.record(ev, k === lastChange));
  }

  /** Queue a command (checked at the edge); resolves when it was applied at a tick boundary (or refused). */
  submit(command: Command, by: string): Promise<Ack<{ tick: number }>> {
    return this.submitAll([command], by, false);
  }

  /**
   * Queue a batch that applies all together at one tick boundary, or not at all: each command is
   * checked against the state the earlier ones leave, before any of them applies. An error names
   * `commands[i].field`.
   */
  submitBatch(commands: readonly Command[], by: string): Promise<Ack<{ tick: number }>> {
    return this.submitAll(commands, by, true);
  }

  private submitAll(
    commands: readonly Command[],
    by: string,
    batch: boolean,
  ): Promise<Ack<{ tick: number }>> {
    if (this.closed) return Promise.resolve(this.goneError());
    const i = commands.findIndex((c) => c.type === 'setMode');
    if (i >= 0 && this.compare)
      return Promise.resolve(
        fail(
          'CONFLICT',
          'a compare lab runs two fixed modes; create another lab to try a third',
          batch ? `commands[${i}].mode` : 'mode',
        ),
      );
    return new Promise((resolve) => this.queue.push({ commands: [...commands], by, batch, resolve }));
  }

  private goneError(): { ok: false; error: ApiError } {
    return fail('UNKNOWN_LAB', `lab "${this.id}" was deleted`, 'lab');
  }

  /** The lab is deleted: every queued command, and any sent later, answers UNKNOWN_LAB. */
  close(): void {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.resolve(this.goneError());
  }

  /** Apply queued commands at the current tick boundary; each is acknowledged once it is saved. */
  private drain(): void {
    if (!this.queue.length) return;
    const batch = this.queue.splice(0);
    for (const p of batch) {
      let r: Ack<{ tick: number }>;
      this.saving = [];
      try {
        r = p.batch ? this.applyBatch(p.commands, p.by) : this.apply(p.commands[0], p.by);
      } catch (e) {
        this.logger.error({ err: e, commands: p.commands }, 'error applying a command');
        r = fail('INTERNAL', 'the command could not be applied');
      }
      const saving = this.saving;
      this.saving = [];
      if (!saving.length) p.resolve(r);
      else
        Promise.all(saving).then(
          () => p.resolve(r),
          (err: unknown) => {
            this.logger.error({ err }, 'an applied command could not be saved');
            p.resolve(fail('INTERNAL', 'the command applied but could not be saved to disk'));
          },
        );
    }
  }

  /** A batch: checked in order on a copy of the first engine, then applied only if all pass. */
  private applyBatch(commands: Command[], by: string): Ack<{ tick: number }> {
    const trial = restoreEngine(this.engines[0].save());
    for (const [i, command] of commands.entries()) {
      const refused = this.refuse(trial, command) ?? trial.apply(command);
      if (!refused.ok) {
        const path = `commands[${i}]${refused.error.path ? `.${refused.error.path}` : ''}`;
        return fail(refused.error.code, `${path}: ${refused.error.message}`, path);
      }
    }
    let r: Ack<{ tick: number }> = { ok: true, data: { tick: this.tick } };
    for (const command of commands) {
      const one = this.apply(command, by);
      if (!one.ok) {
        this.logger.error({ command, error: one.error }, 'a checked batch command was refused');
        r = one;
      }
    }
    return r;
  }

  /** The lab's own limits on a command (the engine checks the rest). */
  private refuse(engine: Engine, command: Command): { ok: false; error: ApiError } | null {
    if (command.type === 'addVps' && engine.state().vps.length >= this.limits.maxVps)
      return fail('LIMIT_EXCEEDED', `a lab holds at most ${this.limits.maxVps} VPSs`, 'vps');
    return null;
  }

  private apply(command: Command, by: string): Ack<{ tick: number }> {
    const tick = this.tick;
    const refused = this.refuse(this.engines[0], command);
    if (refused) return refused;
    const first = this.engines[0].apply(command);
    if (!first.ok) return { ok: false, error: first.error };
    const refusedBy: LabEvent[] = [];
    for (let i = 1; i < this.engines.length; i++) {
      const r = this.engines[i].apply(command);
      if (!r.ok && this.compare) refusedBy.push(commandEvent(tick, by, command, i, r.error.message));
    }
    const rec: CommandRecord = { seq: ++this.seq, tick, by, command };
    const saving = this.onCommand?.(rec);
    if (saving) this.saving.push(saving);
    for (const ev of refusedBy) this.record(ev);
    this.record(commandEvent(tick, by, command), true);
    this.recordEngineEvents();
    return { ok: true, data: { tick } };
  }

  /** Pause, resume, single-step or change speed. Never changes the numbers, only their pace. */
  clock(action: ClockAction, by: string): ClockAck {
    let message: string;
    switch (action.action) {
      case 'pause':
        this.paused = true;
        message = 'paused';
        break;
      case 'resume':
        this.paused = false;
        this.acc = 0;
        message = 'resumed';
        break;
      case 'speed':
        this.speed = action.speed;
        message = `speed ${action.speed}×`;
        break;
      case 'step': {
        const n = action.ticks ?? 1;
        this.paused = true;
        this.deferred = [];
        try {
          for (let i = 0; i < n; i++) this.runTick();
          this.broadcast();
        } finally {
          this.flushEvents();
        }
        message = `stepped ${n} tick${n === 1 ? '' : 's'}`;
        break;
      }
    }
    this.record({ tick: this.tick, kind: 'info', by, message }, true);
    return { ok: true, data: { tick: this.tick, speed: this.speed, paused: this.paused } };
  }

  private record(event: LabEvent, withState = false): void {
    this.events.push(event);
    if (this.events.length > EVENT_LOG) this.events.splice(0, this.events.length - EVENT_LOG);
    const state = withState ? this.state() : undefined;
    if (this.deferred) this.deferred.push([event, state]);
    else for (const fn of this.eventListeners) fn(event, state);
  }

  /** What the lab is now: enough to draw every control. */
  state(): LabState {
    const s = this.engines[0].state();
    assignColors(
      this.colors,
      s.vps.map((v) => v.id),
    );
    const out: LabState = {
      id: this.id,
      ...s,
      name: this.name ?? s.name,
      speed: this.speed,
      paused: this.paused,
      colors: { ...this.colors },
      viewers: this.viewers,
    };
    if (this.compare) out.compareMode = this.engines[1].state().mode;
    // Events at the engine's current tick are applied by its next step: still ahead.
    const upcoming = this.schedule.filter((e) => e.tick >= s.tick).slice(0, UPCOMING_MAX);
    if (upcoming.length) out.upcoming = upcoming;
    return out;
  }

  summary(clients = this.viewers): LabSummary {
    const s = this.engines[0].state();
    return {
      id: this.id,
      name: this.name ?? s.name,
      mode: s.mode,
      ...(this.compare ? { compareMode: this.engines[1].state().mode } : {}),
      tick: this.tick,
      vpsCount: s.vps.length,
      clients,
    };
  }

  /** Recent log entries, oldest first. */
  recentEvents(): LabEvent[] {
    return this.events.slice();
  }

  /**
   * What a client gets first on (re)join: state, recent frames at the live cadence (the last
   * `historyS` seconds, at most SNAPSHOT_ENTRIES entries; in columns if asked), the log.
   */
  snapshot(
    canControl: boolean,
    opts: { historyS?: number; form?: 'frames' | 'columns'; metrics?: readonly VpsMetricName[] } = {},
  ): SnapshotMessage {
    const stride = this.ticksPerBroadcast;
    const last = this.history.lastTick ?? -1;
    const entries =
      opts.historyS === undefined
        ? SNAPSHOT_ENTRIES
        : Math.min(SNAPSHOT_ENTRIES, Math.ceil((opts.historyS * 1000) / (stride * this.tickMs)) + 1);
    const form = opts.form ?? 'frames';
    // Clients joining in the same tick (a class opening the page) share one encoding.
    if (this.snapshotCache.last !== last) this.snapshotCache = { last, byKey: new Map() };
    const rows =
      form === 'columns' && opts.metrics
        ? [
            0,
            ...[...new Set(opts.metrics.map((m) => VPS_METRICS.indexOf(m) + 1))]
              .filter((k) => k > 0)
              .sort((a, b) => a - b),
          ]
        : ALL_ROWS;
    const key = `${stride}:${entries}:${form}:${rows.join(',')}`;
    let cached = this.snapshotCache.byKey.get(key);
    if (!cached) {
      const from = Math.max(0, last - stride * (entries - 1));
      // Read straight from the packed history into columns (no frame objects); the frame form
      // is the same entries decoded back, which is several times cheaper than encoding each frame.
      const columns = this.history.columns(this.id, from, last, stride, rows);
      cached = form === 'columns' ? { history: [], columns } : { history: decodeHistory(columns) };
      this.snapshotCache.byKey.set(key, cached);
    }
    return {
      lab: this.id,
      state: this.state(),
      history: cached.history,
      ...(cached.columns ? { historyColumns: cached.columns } : {}),
      events: this.recentEvents(),
      canControl,
    };
  }

  private snapshotCache: {
    last: number;
    byKey: Map<string, { history: WireFrameMessage[]; columns?: WireHistory }>;
  } = { last: -2, byKey: new Map() };

  /**
   * Re-apply recorded commands after a restore: step to each one's tick, apply it, without
   * recording it again. Deterministic engines land exactly where the original run was.
   */
  replay(records: readonly CommandRecord[], untilTick = -1): void {
    for (const rec of records) {
      while (this.tick < rec.tick) this.runTick();
      const onCommand = this.onCommand;
      this.onCommand = undefined;
      try {
        this.apply(rec.command, rec.by);
      } finally {
        this.onCommand = onCommand;
      }
      this.seq = Math.max(this.seq, rec.seq);
    }
    while (this.tick < untilTick) this.runTick();
    // What was re-run was broadcast by the run that first computed it.
    if (this.latest) this.broadcastTick = this.latest[0].tick;
  }

  /** Replace the recent log (a restored lab takes the saved one, not what its replay produced). */
  setEvents(events: readonly LabEvent[]): void {
    this.events.splice(0, this.events.length, ...events.slice(-EVENT_LOG));
  }

  /** What the store keeps: the engines' saved state, the pace and the recent log. */
  save(): LabSnapshot {
    this.drain();
    return {
      tick: this.tick,
      seq: this.seq,
      engines: this.engines.map((e) => e.save()),
      speed: this.speed,
      paused: this.paused,
      events: this.recentEvents(),
      savedAt: new Date().toISOString(),
    };
  }

  /** Called after `reset` (the socket layer asks every browser to join again). */
  onReset(fn: () => void): () => void {
    this.resetListeners.add(fn);
    return () => this.resetListeners.delete(fn);
  }

  /**
   * Back to the start: fresh engines (built from the starting scenario) replace the running ones;
   * the history, log and queue are emptied; pace goes back to 1× running. Colours stay.
   */
  reset(engines: Engine[], by: string): void {
    if (engines.length !== this.engines.length) throw new Error('reset needs one engine per mode');
    for (const p of this.queue.splice(0))
      p.resolve(fail('CONFLICT', 'the lab was reset before this command applied'));
    this.engines.splice(0, this.engines.length, ...engines);
    this.history.clear();
    this.events.splice(0);
    this.latest = null;
    this.broadcastTick = -1;
    this.acc = 0;
    this.seq = 0;
    this.speed = 1;
    this.paused = false;
    this.snapshotCache = { last: -2, byKey: new Map() };
    this.events.push({ tick: 0, kind: 'info', by, message: 'lab reset to its start' });
    for (const fn of this.resetListeners) fn();
  }

  /** Frames of the last computed tick, if any. */
  latestFrames(): Frame[] | null {
    return this.latest;
  }
}
