/**
 * A lab's running in real time: the pace (a fixed-timestep accumulator, pace.ts), each tick run on
 * every engine into the bounded history, and the newest frames handed on at most broadcastHz times
 * a second. An unexpected error inside a tick is logged once here and the lab keeps running.
 */
import type { Logger } from 'pino';
import type { Frame } from '../../shared/model.js';
import type { Engine } from '../sim/api.js';
import { FrameHistory, type LabBroadcast } from './history.js';
import type { LabLog } from './log.js';
import { stepOnce } from './packed.js';
import { Pacer } from './pace.js';

/** What running ticks reads of its lab. */
export interface TickingLab {
  readonly id: string;
  readonly engines: Engine[];
  readonly speed: number;
  readonly paused: boolean;
  readonly tickMs: number;
  readonly ticksPerBroadcast: number;
  readonly tick: number;
}

/** What running ticks does to its lab. */
export interface TickHooks {
  /** Apply the commands queued for this tick boundary. */
  drain(): void;
  /** Log what the engines did in the tick just run. */
  recordEngineEvents(): void;
}

export class Ticking {
  readonly history: FrameHistory;
  private readonly pace: Pacer;
  private readonly frameListeners = new Set<(frames: readonly Frame[]) => void>();
  private readonly broadcastListeners = new Set<(b: LabBroadcast) => void>();
  /** The newest tick computed (the history's newest), -1 before the first. */
  private latest = -1;
  private broadcastTick = -1;
  private tickErrors = 0;

  constructor(
    private readonly lab: TickingLab,
    private readonly hooks: TickHooks,
    private readonly log: LabLog,
    private readonly logger: Logger,
    now: number,
    broadcastHz: number,
    history: { maxTicks: number; maxBytes: number },
  ) {
    this.pace = new Pacer(now, broadcastHz);
    this.history = new FrameHistory(history);
  }

  onFrames(fn: (frames: readonly Frame[]) => void): () => void {
    this.frameListeners.add(fn);
    return () => this.frameListeners.delete(fn);
  }

  onBroadcast(fn: (b: LabBroadcast) => void): () => void {
    this.broadcastListeners.add(fn);
    return () => this.broadcastListeners.delete(fn);
  }

  /** See Lab.pump. */
  pump(now: number): void {
    const lab = this.lab;
    this.pace.advance(now, lab.speed, lab.paused);
    this.log.hold();
    try {
      this.hooks.drain();
      while (this.pace.nextTick(lab.tickMs)) this.runTick();
      const lost = this.pace.dropBacklog(lab.tickMs);
      if (lost)
        this.logger.warn(
          { lost, total: this.pace.dropped },
          'lab fell behind real time; skipped the backlog',
        );
      if (this.broadcastDue() && this.pace.takeBroadcast()) this.broadcast();
    } finally {
      this.log.release();
    }
  }

  /** See Lab.skip. */
  skip(now: number): void {
    this.pace.advance(now, this.lab.speed, true);
  }

  /** Forget the time owed (on resume, on reset). */
  clearPace(): void {
    this.pace.clear();
  }

  private broadcastDue(): boolean {
    return this.latest >= 0 && this.latest !== this.broadcastTick;
  }

  private broadcast(): void {
    if (this.latest < 0) return;
    // At 1× every tick is charted: one that a late timer ran without its own broadcast rides along.
    const since = this.lab.ticksPerBroadcast === 1 ? this.broadcastTick : undefined;
    this.broadcastTick = this.latest;
    const b = this.history.broadcast(this.lab.id, since);
    for (const fn of this.frameListeners) fn(b.frames());
    for (const fn of this.broadcastListeners) fn(b);
  }

  /** One tick: apply what is queued, step every engine, record. An unexpected error is logged once here. */
  runTick(): void {
    this.hooks.drain();
    try {
      const ticks = this.lab.engines.map(stepOnce);
      this.history.push(ticks);
      this.latest = this.history.lastTick ?? -1;
      this.hooks.recordEngineEvents();
    } catch (e) {
      this.tickErrors++;
      if (this.tickErrors <= 5 || this.tickErrors % 1000 === 0)
        this.logger.error(
          { err: e, tick: this.lab.tick, count: this.tickErrors },
          'error inside a tick; the lab keeps running',
        );
    }
  }

  /** Run `n` ticks at once (a clock step), their log entries after the frame. */
  step(n: number): void {
    this.log.hold();
    try {
      for (let i = 0; i < n; i++) this.runTick();
      this.broadcast();
    } finally {
      this.log.release();
    }
  }

  /** What was re-run (a replay after a restore) was broadcast by the run that first computed it. */
  replayed(): void {
    this.broadcastTick = this.latest;
  }

  /** Back to no tick at all (a reset): the history emptied, nothing owed. */
  clear(): void {
    this.history.clear();
    this.latest = -1;
    this.broadcastTick = -1;
    this.pace.clear();
  }
}
