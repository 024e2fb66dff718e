/**
 * One live lab: one engine (two in a compare lab, one per mode, fed the same commands), paced in
 * real time by a fixed-timestep accumulator, with a bounded history and event log. Commands wait
 * in a queue and apply at the next tick boundary. The newest frames are handed on at most
 * broadcastHz times a second (ticking.ts; encoding and sending them is the net layer's job). Commands
 * and clock actions go through steering.ts.
 */
import type { Logger } from 'pino';
import type { Command, ModeSpec, Scenario } from '../../shared/commands.js';
import type { ClockAction } from '../../shared/inbound.js';
import type { Frame } from '../../shared/model.js';
import type { Ack, ClockResult, LabEvent, LabState, LabSummary } from '../../shared/protocol.js';
import type { Engine } from '../sim/api.js';
import type { LabSnapshot } from './store.js';
import type { FrameHistory, LabBroadcast } from './history.js';
import { tickEvents } from './events.js';
import type { CommandAck, CommandRecord } from './commands.js';
import { LabLog, type EventListener } from './log.js';
import { Ticking } from './ticking.js';
import { LabFacts } from './state.js';
import type { KeptColors } from './colorBook.js';
import { Holding } from './holding.js';
import type { LabInit, LabLimits } from './labInit.js';
import type { LogRecord } from './clockActions.js';
import { Steering } from './steering.js';

export type { CommandRecord, LabBroadcast, LabInit, LabLimits, LogRecord };
export { MAX_CATCH_UP } from './pace.js';

export class Lab {
  readonly id: string;
  readonly scenario: Scenario;
  readonly compare?: [ModeSpec, ModeSpec];
  readonly engines: Engine[];
  readonly history: FrameHistory;
  speed: number;
  paused: boolean;
  seq: number;
  /** Whether the lab is held (not stepped for now), and why; see `skip`. */
  readonly holding = new Holding();

  private readonly logger: Logger;
  private readonly limits: LabLimits;
  /** Commands and clock actions: queued, applied once per request id, recorded, refused while held. */
  private readonly steering: Steering;
  private readonly log: LabLog;
  /** The pace, the ticks run and the frames handed on. */
  private readonly ticking: Ticking;
  private readonly resetListeners = new Set<() => void>();
  private readonly facts: LabFacts;

  constructor(init: LabInit) {
    this.id = init.id;
    this.scenario = init.scenario;
    this.compare = init.compare;
    this.engines = init.engines;
    this.logger = init.logger.child({ lab: init.id });
    this.limits = init.limits;
    this.speed = init.speed ?? 1;
    this.paused = init.paused ?? false;
    this.seq = init.seq ?? 0;
    this.log = new LabLog(init.events);
    const maxTicks = Math.max(1, Math.ceil((init.limits.historyS * 1000) / this.tickMs));
    this.ticking = new Ticking(
      this,
      { drain: () => this.steering.queue.drain(), recordEngineEvents: () => this.recordEngineEvents() },
      this.log,
      this.logger,
      init.now,
      init.limits.broadcastHz,
      { maxTicks, maxBytes: init.limits.historyBytes },
    );
    this.history = this.ticking.history;
    this.facts = new LabFacts(init.scenario, init.colors, init.name);
    this.steering = new Steering({
      id: this.id,
      engines: this.engines,
      compare: !!this.compare,
      maxVps: this.limits.maxVps,
      holding: this.holding,
      logger: this.logger,
      pace: this,
      nextSeq: () => ++this.seq,
      record: (event, withState) => this.record(event, withState),
      lost: (entry) => (init.tellLost ? init.tellLost(entry, () => this.record(entry)) : this.record(entry)),
      recordEngineEvents: () => this.recordEngineEvents(),
      clearPace: () => this.ticking.clearPace(),
      step: (n) => this.ticking.step(n),
      onCommand: init.onCommand,
      storeAway: init.storeAway,
      requests: init.requests,
    });
  }

  get tick(): number {
    return this.engines[0].tick;
  }

  /** Commands waiting for the next tick boundary. */
  get queued(): number {
    return this.steering.queue.size;
  }

  get tickMs(): number {
    return this.engines[0].tickMs;
  }

  /** Ticks coalesced into one broadcast at the current speed (1 at 1× with 100 ms ticks and 10 Hz). */
  get ticksPerBroadcast(): number {
    return Math.max(1, Math.round((this.speed * 1000) / this.limits.broadcastHz / this.tickMs));
  }

  /** The newest frames (one per mode), at most broadcastHz times a second: what viewers are sent. */
  onFrames(fn: (frames: readonly Frame[]) => void): () => void {
    return this.ticking.onFrames(fn);
  }

  /**
   * The same broadcasts as `onFrames`, for a listener that may want them encoded for the wire
   * only (encoded once, straight from the history's arrays, no frame objects).
   */
  onBroadcast(fn: (b: LabBroadcast) => void): () => void {
    return this.ticking.onBroadcast(fn);
  }

  onEvent(fn: EventListener): () => void {
    return this.log.listen(fn);
  }

  /** Called after `reset` (the socket layer asks every browser to join again). */
  onReset(fn: () => void): () => void {
    this.resetListeners.add(fn);
    return () => this.resetListeners.delete(fn);
  }

  /**
   * Advance to wall time `now`: apply queued commands, run the ticks that fell due (at most
   * MAX_CATCH_UP), and hand on the newest frames if the broadcast rate allows. Log entries of
   * this pump go out after its frame: a volatile frame is dropped for a client whose connection
   * is still writing, and an entry written just before would be that write.
   */
  pump(now: number): void {
    this.ticking.pump(now);
  }

  /**
   * Wall time moved on to `now` while the lab may not step (held): that time is not owed, so once
   * it steps again it goes on from where it stood instead of running the held seconds in a burst.
   */
  skip(now: number): void {
    this.ticking.skip(now);
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

  private record(event: LabEvent, withState = false): void {
    this.log.record(event, withState ? this.state() : undefined);
  }

  /** Log an entry another process of a cluster tells of this lab (kept, and sent to its viewers). */
  note(entry: LabEvent): void {
    this.record(entry);
  }

  /**
   * Queue a command (checked at the edge); resolves when it was applied at a tick boundary (or
   * refused). Sent again with the same request id `rid`, it gets the first answer, applied once.
   */
  submit(command: Command, by: string, rid?: string): Promise<CommandAck> {
    return this.steering.submit([command], by, false, rid);
  }

  /**
   * Queue a batch that applies all together at one tick boundary, or not at all: each command is
   * checked against the state the earlier ones leave, before any of them applies. An error names
   * `commands[i].field`.
   */
  submitBatch(commands: readonly Command[], by: string, rid?: string): Promise<CommandAck> {
    return this.steering.submit(commands, by, true, rid);
  }

  /** The lab is deleted: every queued command, and any sent later, answers UNKNOWN_LAB. */
  close(): void {
    this.steering.queue.close();
  }

  /**
   * Pause, resume, single-step or change speed. Never changes the numbers, only their pace; the
   * pace left is recorded with the commands (with its request id `rid`) and the answer given once
   * that record is durable. Sent again with the same `rid`, it gets the first answer and is applied
   * once, also by a process that restored or took the lab over.
   */
  clock(action: ClockAction, by: string, rid?: string): Promise<Ack<ClockResult>> {
    return this.steering.clock(action, by, rid);
  }

  /** What the lab is now: enough to draw every control. */
  state(): LabState {
    return this.facts.state(this);
  }

  /** Each VPS's colour and those of the VPSs removed most recently, as saved (colorBook.ts). */
  colors(): KeptColors {
    return this.facts.kept(this.engines[0].state().vps);
  }

  /** Take saved colours in place of those given (a re-run that landed on its snapshot). */
  setColors(colors: KeptColors): void {
    this.facts.setColors(colors);
  }

  /** The lab in a list; `clients`: how many watch it (the net layer knows). */
  summary(clients: number): LabSummary {
    return this.facts.summary(this, clients);
  }

  /** Recent log entries, oldest first. */
  recentEvents(): LabEvent[] {
    return this.log.recent();
  }

  /**
   * Re-apply recorded commands (and clock records' pace) after a restore: step to each one's
   * tick, apply it, without recording it again. Deterministic engines land exactly where the original run was.
   */
  replay(records: readonly LogRecord[], untilTick = -1): void {
    for (const rec of records) {
      while (this.tick < rec.tick) this.ticking.runTick();
      this.steering.replay(rec);
      this.seq = Math.max(this.seq, rec.seq);
    }
    while (this.tick < untilTick) this.ticking.runTick();
    this.ticking.replayed();
  }

  /** Replace the recent log (a restored lab takes the saved one, not what its replay produced). */
  setEvents(events: readonly LabEvent[]): void {
    this.log.replace(events);
  }

  /** What the store keeps: the engines' saved state, the pace and the recent log. */
  save(): LabSnapshot {
    this.steering.queue.drain();
    const requests = this.steering.saved();
    return {
      ...(requests.length ? { requests } : {}),
      tick: this.tick,
      seq: this.seq,
      engines: this.engines.map((e) => e.save()),
      speed: this.speed,
      paused: this.paused,
      events: this.recentEvents(),
      savedAt: new Date().toISOString(),
      ...this.colors(),
    };
  }

  /**
   * Back to the start: fresh engines (built from the starting scenario) replace the running ones;
   * the history, log and queue are emptied; pace goes back to 1× running. Colours stay.
   */
  reset(engines: Engine[], by: string): void {
    if (engines.length !== this.engines.length) throw new Error('reset needs one engine per mode');
    this.steering.queue.cancel({
      code: 'CONFLICT',
      message: 'the lab was reset before this command applied',
    });
    this.engines.splice(0, this.engines.length, ...engines);
    this.ticking.clear();
    this.seq = 0;
    this.speed = 1;
    this.paused = false;
    this.log.replace([{ tick: 0, kind: 'info', by, message: 'lab reset to its start' }]);
    for (const fn of this.resetListeners) fn();
  }
}
