/**
 * The contention engine: `createEngine(scenario)` builds a deterministic simulation of the
 * scenario's VPSs on one host; `restoreEngine(engine.save())` continues it bit-identically.
 */
import type { Command, ModeSpec, Scenario } from '../../shared/commands.js';
import { vpsChange, type EngineEvent } from '../../shared/events.js';
import {
  VPS_STATES,
  type Attribution,
  type Frame,
  type HostMetricName,
  type VpsMetricName,
} from '../../shared/model.js';
import type { ApiError } from '../../shared/protocol.js';
import type { AppliedCommand, Engine, EngineState } from './api.js';
import { applyCommand, cloneCommand } from './commands.js';
import { scheduleOf, validateScenario, type Scheduled } from './schedule.js';
import type { Note } from './faults.js';
import { EdgeQuads, attributeInto } from './attribution.js';
import { buildFrame, copyHost, copyVps } from './frame.js';
import { CommandLog } from './log.js';
import { computeTick } from './step.js';
import { initialState, snapshotOf, stateFromSnapshot, type SimState, type StateSnapshot } from './state.js';
import { Work } from './work.js';

export { resolveMode, builtinProfile, type ModeProfile } from './profiles.js';
export { KNOBS } from './knobs.js';
export {
  DEFAULT_PARAMS,
  PARAM_NAMES,
  PARAM_SPECS,
  scaledParam,
  type ParamName,
  type Params,
} from './params.js';
export type { Engine, EngineState, AppliedCommand } from './api.js';
export { eventTick, scheduleOf, validateScenario } from './schedule.js';

interface EngineSave {
  format: 'contention-lab/engine';
  version: 1;
  state: StateSnapshot;
  scheduled: Scheduled[];
  next: number;
  log: AppliedCommand[];
}

/** The engine with the extras the runner, the bench and the lab use beyond the shared API. */
export interface ContentionEngine extends Engine {
  /** Computes `ticks` ticks (default 1) without building frames. */
  advance(ticks?: number): void;
  /** The frame of the last computed tick (built on demand). */
  frame(): Frame;
  /** Per-VPS values of one metric for the last tick, in `vpsIds()` order (a live view: do not keep it across add/remove). */
  metric(name: VpsMetricName): Float64Array;
  /** One host metric of the last tick. */
  hostMetric(name: HostMetricName): number;
  /** VPS state codes of the last tick (index into VPS_STATES). */
  stateCodes(): Uint8Array;
  /**
   * Copies the last tick's per-VPS metrics into `into`, column by column in `VPS_METRICS` order:
   * metric k of VPS i lands at `k * n + i` (n VPSs, in `vpsIds()` order). `into` needs
   * `VPS_METRICS.length * n` slots. Returns n.
   */
  readVps(into: Float64Array): number;
  /** Copies the last tick's host metrics into `into` in `HOST_METRICS` order. */
  readHost(into: Float64Array): void;
  /** Who hurts whom in the last tick (the frame's `attribution`). */
  attribution(): Attribution[];
  /**
   * The same edges as `[victim, culprit, resource, share]` quads: VPS indices in `vpsIds()` order,
   * the resource's index in RESOURCES. A new array the caller keeps; null when there is none.
   */
  readAttribution(): Float64Array | null;
  /** The VPS ids in order: the same array until a VPS is added or removed. */
  vpsIds(): readonly string[];
  /**
   * The mode the last tick ran under (the engine's own object, not to be changed: a new one after
   * each mode switch).
   */
  mode(): ModeSpec;
}

/** The result of an applied command (shared and frozen: nothing to say beyond ok). */
const APPLIED: { ok: true } = Object.freeze({ ok: true as const });
/** A state code no VPS has: "not seen yet". */
const UNSEEN = 255;

class EngineImpl implements ContentionEngine {
  private st: SimState;
  private work: Work;
  private scratch: Float64Array;
  private readonly edges = new EdgeQuads();
  private scheduled: Scheduled[];
  private next: number;
  private applied: CommandLog;
  private notes: Note[] = [];
  /**
   * Each VPS's state code after the last tick, in `lastIds` order (255: not seen yet): a change is
   * reported as an event. Re-keyed by id only when the VPS list changes.
   */
  private lastCodes = new Uint8Array(0);
  private lastIds: readonly string[] = [];
  private computed = false;
  private ids: readonly string[] | null = null;

  constructor(st: SimState, scheduled: Scheduled[], next: number, log: AppliedCommand[]) {
    this.st = st;
    this.scheduled = scheduled;
    this.next = next;
    this.applied = new CommandLog(log);
    this.work = new Work(st.vps.length);
    this.scratch = new Float64Array(st.vps.length + 1);
  }

  get tick(): number {
    return this.st.tick;
  }

  get tickMs(): number {
    return this.st.tickMs;
  }

  apply(cmd: Command): { ok: true } | { ok: false; error: ApiError } {
    const r = applyCommand(this.st, cmd);
    if (!r.ok) return r;
    if (cmd.type === 'addVps' || cmd.type === 'removeVps') this.ids = null;
    this.applied.push(this.st.tick, cmd);
    const msgs = r.notes;
    const vps = 'vps' in cmd && typeof cmd.vps === 'string' ? cmd.vps : undefined;
    const fault = 'fault' in cmd ? cmd.fault : undefined;
    for (let k = 0; k < msgs.length; k++)
      this.notes.push({ type: 'note', tick: this.st.tick, text: msgs[k], vps, fault });
    return APPLIED;
  }

  private applyDue(): void {
    const t = this.st.tick;
    while (this.next < this.scheduled.length && this.scheduled[this.next].tick <= t) {
      const { command } = this.scheduled[this.next++];
      const at = this.notes.length;
      const r = this.apply(command);
      this.notes.splice(at, 0, {
        type: 'scheduled',
        tick: t,
        command,
        ...(r.ok ? {} : { refused: r.error.message }),
      });
    }
  }

  advance(ticks = 1): void {
    for (let k = 0; k < ticks; k++) {
      this.applyDue();
      const n = this.st.vps.length;
      if (this.work.size !== n) {
        this.work = new Work(n);
        this.scratch = new Float64Array(n + 1);
      }
      computeTick(this.st, this.work, this.notes);
      this.computed = true;
      this.noteStateChanges();
    }
  }

  /** VPSs whose state changed in the tick just computed (down, back up, hung, …). */
  private noteStateChanges(): void {
    const ids = this.vpsIds();
    if (ids !== this.lastIds) this.rekeyLastCodes(ids);
    const last = this.lastCodes;
    const codes = this.work.stateCode;
    const tick = this.st.tick - 1;
    for (let i = 0; i < ids.length; i++) {
      const before = last[i];
      const now = codes[i];
      if (before === now) continue;
      last[i] = now;
      if (before === UNSEEN) continue;
      const change = vpsChange(VPS_STATES[before], VPS_STATES[now]);
      if (change) this.notes.push({ type: 'vps', tick, vps: ids[i], change });
    }
  }

  /** Carries each kept VPS's last state code over to a new VPS list (a VPS that left is forgotten). */
  private rekeyLastCodes(ids: readonly string[]): void {
    const before = new Map<string, number>();
    for (let i = 0; i < this.lastIds.length; i++)
      if (this.lastCodes[i] !== UNSEEN) before.set(this.lastIds[i], this.lastCodes[i]);
    const next = new Uint8Array(ids.length).fill(UNSEEN);
    for (let i = 0; i < ids.length; i++) next[i] = before.get(ids[i]) ?? UNSEEN;
    this.lastCodes = next;
    this.lastIds = ids;
  }

  step(): Frame {
    this.advance(1);
    return this.frame();
  }

  frame(): Frame {
    if (!this.computed) throw new Error('no tick computed yet: call step() or advance() first');
    return buildFrame(this.st, this.work, this.scratch);
  }

  metric(name: VpsMetricName): Float64Array {
    return this.work.m[name];
  }

  hostMetric(name: HostMetricName): number {
    return this.work.host[name];
  }

  stateCodes(): Uint8Array {
    return this.work.stateCode;
  }

  readVps(into: Float64Array): number {
    return copyVps(this.work, into);
  }

  readHost(into: Float64Array): void {
    copyHost(this.work, into);
  }

  attribution(): Attribution[] {
    attributeInto(this.st, this.work, this.scratch, this.edges);
    return this.edges.toList(this.st);
  }

  readAttribution(): Float64Array | null {
    const q = this.edges;
    attributeInto(this.st, this.work, this.scratch, q);
    return q.count ? q.data.slice(0, q.count * 4) : null;
  }

  vpsIds(): readonly string[] {
    return (this.ids ??= this.st.vps.map((v) => v.id));
  }

  mode(): ModeSpec {
    return this.st.modeSpec;
  }

  takeEvents(): EngineEvent[] {
    const out = this.notes;
    this.notes = [];
    return out;
  }

  state(): EngineState {
    const st = this.st;
    return structuredClone({
      name: st.name,
      tick: st.tick,
      tickMs: st.tickMs,
      mode: st.modeSpec,
      host: st.host,
      vps: st.vps,
      faults: st.faults,
      hostFaults: st.hostFaults,
    });
  }

  log(): readonly AppliedCommand[] {
    return this.applied.all();
  }

  save(): unknown {
    const out: EngineSave = {
      format: 'contention-lab/engine',
      version: 1,
      state: snapshotOf(this.st),
      scheduled: this.scheduled.map((e) => ({ tick: e.tick, command: cloneCommand(e.command) })),
      next: this.next,
      log: this.applied.all().map((e) => ({ tick: e.tick, command: cloneCommand(e.command) })),
    };
    return out;
  }
}

/**
 * Builds an engine for a schema-valid scenario (`parseScenario`), optionally under another mode.
 * Throws if the scenario's plans do not fit the host under that mode; call `validateScenario`
 * first to get the refusal as a result naming the JSON path.
 */
export function createEngine(scenario: Scenario, opts: { mode?: ModeSpec } = {}): ContentionEngine {
  const v = validateScenario({ ...scenario, events: [] }, opts.mode);
  if (!v.ok) throw new Error(v.error.message);
  return new EngineImpl(initialState(scenario, opts.mode), scheduleOf(scenario), 0, []);
}

/** Rebuilds an engine from `engine.save()`; it continues bit-identically. */
export function restoreEngine(snapshot: unknown): ContentionEngine {
  const s = snapshot as Partial<EngineSave> | null;
  if (
    !s ||
    s.format !== 'contention-lab/engine' ||
    s.version !== 1 ||
    !s.state ||
    !Array.isArray(s.scheduled) ||
    !Array.isArray(s.log)
  )
    throw new Error('not an engine snapshot (format contention-lab/engine, version 1)');
  const st = stateFromSnapshot(structuredClone(s.state));
  return new EngineImpl(st, structuredClone(s.scheduled), s.next ?? 0, structuredClone(s.log));
}
