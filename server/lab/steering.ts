/**
 * Steering a lab: commands queued for the next tick boundary and clock actions, each applied once
 * per request id (also sent again), recorded with the pace or command it applied, and refused at
 * once, unremembered, while the lab is held or its records cannot be saved.
 */
import type { Logger } from 'pino';
import type { Command } from '../../shared/commands.js';
import type { ClockAction } from '../../shared/inbound.js';
import type { Ack, ApiError, ClockResult, LabEvent } from '../../shared/protocol.js';
import type { Engine } from '../sim/api.js';
import { applyCommand, CommandQueue, type CommandAck, type CommandTarget } from './commands.js';
import { clockTargetOf, isClockRecord, runClock, type ClockTarget, type LogRecord } from './clockActions.js';
import { notNow, type Holding } from './holding.js';
import { lostEvent } from './events.js';
import { digestOf, RequestIds, type SavedRequest } from './requestIds.js';
import { SavePending, whenLanded } from './savePending.js';

/** What steering needs of its lab. */
export interface SteeredLab {
  readonly id: string;
  readonly engines: Engine[];
  readonly compare: boolean;
  readonly maxVps: number;
  readonly holding: Holding;
  readonly logger: Logger;
  /** The pace, read and set by clock actions, and the tick. */
  readonly pace: { readonly tick: number; speed: number; paused: boolean };
  /** The next record's sequence number. */
  nextSeq(): number;
  record(event: LabEvent, withState?: boolean): void;
  /** Tell the lab's viewers of a record answered as not saved yet and then lost (its log entry). */
  lost(entry: LabEvent): void;
  recordEngineEvents(): void;
  clearPace(): void;
  step(n: number): void;
  onCommand?: (rec: LogRecord) => Promise<void> | void;
  storeAway?: () => string | null;
  requests?: readonly SavedRequest[];
}

export class Steering {
  readonly queue: CommandQueue;
  /** The request ids seen, so a command sent again with its id is not applied twice. */
  private readonly ids: RequestIds;
  /** What applying a command touches of the lab. */
  private readonly target: CommandTarget;
  /** What a clock action touches of the lab. */
  private readonly clockTarget: ClockTarget;

  constructor(private readonly lab: SteeredLab) {
    this.ids = new RequestIds(lab.requests);
    this.target = {
      engines: lab.engines,
      compare: lab.compare,
      maxVps: lab.maxVps,
      record: (event, withState) => lab.record(event, withState),
      lost: (entry) => lab.lost(entry),
      recordEngineEvents: () => lab.recordEngineEvents(),
      persist: (command, by, tick, rid, of) =>
        lab.onCommand?.({
          seq: lab.nextSeq(),
          tick,
          by,
          command,
          ...(rid === undefined ? {} : { rid }),
          ...(of === undefined ? {} : { of }),
        }),
      applied: (rid, tick, commands) => this.ids.applied(rid, tick, digestOf(commands)),
      landed: (rid) => this.ids.landed(rid),
    };
    this.queue = new CommandQueue(lab.id, this.target, lab.logger);
    // Held, the lab applies nothing: what waits for the next tick is refused, and may be sent again.
    lab.holding.listen((reason) => {
      if (reason) this.queue.cancel(notNow(lab.id, reason, null).error, (rid) => this.ids.forget(rid));
    });
    this.clockTarget = clockTargetOf(lab.pace, {
      clearPace: () => lab.clearPace(),
      step: (n) => lab.step(n),
      record: (event, withState) => lab.record(event, withState),
      persist: (tick, by, clock, req) => {
        if (req) this.ids.clockApplied(req.rid, tick, digestOf({ clock: req.action }), clock);
        return lab.onCommand?.({ seq: lab.nextSeq(), tick, by, clock, ...req });
      },
    });
  }

  /** See Lab.submit and Lab.submitBatch (`batch`: sent as an array). */
  submit(commands: readonly Command[], by: string, batch: boolean, rid?: string): Promise<CommandAck> {
    // Sent again with its id, it gets the answer it got (held or not): it is never applied twice.
    const refused = this.ids.has(rid) ? null : this.refusal();
    if (refused) return Promise.resolve(refused);
    return this.ids.once(rid, digestOf(commands), () => this.queue.submit(commands, by, batch, rid));
  }

  /** See Lab.clock. */
  clock(action: ClockAction, by: string, rid?: string): Promise<Ack<ClockResult>> {
    const refused = this.ids.has(rid) ? null : this.refusal();
    if (refused) return Promise.resolve(refused);
    return this.ids.onceNow(rid, digestOf({ clock: action }), () =>
      runClock(
        this.clockTarget,
        action,
        by,
        (err, tick, what) => this.notSaved(err, by, tick, what, rid),
        rid,
      ),
    );
  }

  /**
   * An applied clock action's record was not saved (or not yet: then say whether it lands; lost,
   * every viewer is told, as for a command).
   */
  private notSaved(err: unknown, by: string, tick: number, what: string, rid?: string): void {
    const { logger, id } = this.lab;
    logger.error({ err, lab: id, rid }, 'an applied clock action could not be saved');
    if (!(err instanceof SavePending)) return;
    whenLanded(
      [err.later],
      () => {
        logger.info({ lab: id, rid }, 'a clock action answered as not saved yet is saved now');
        if (rid !== undefined) this.ids.landed(rid);
      },
      (lost: unknown) => {
        logger.error({ err: lost, lab: id, rid }, 'a clock action answered as not saved yet was lost');
        this.lab.lost(lostEvent(tick, by, `the clock action "${what}"`, lost));
      },
    );
  }

  /**
   * Why nothing can be applied now (held, or the records cannot be saved), as the answer; null when
   * it can. Not remembered by the request ids: sent again later, it applies.
   */
  private refusal(): { ok: false; error: ApiError } | null {
    // Asked first: a store found silent just now holds the lab (its viewers told) before this reads it.
    const away = this.lab.storeAway?.() ?? null;
    const reason = this.lab.holding.reason;
    return reason || away ? notNow(this.lab.id, reason, reason ? null : away) : null;
  }

  /** Re-apply one recorded command (or a clock record's pace) after a restore, without recording it again. */
  replay(rec: LogRecord): void {
    if (isClockRecord(rec)) {
      this.lab.pace.paused = rec.clock.paused;
      this.lab.pace.speed = rec.clock.speed;
      if (rec.rid !== undefined && rec.action)
        this.ids.replayedClock(rec.rid, rec.tick, digestOf({ clock: rec.action }), rec.clock);
    } else {
      applyCommand(this.target, rec.command, rec.by, null);
      this.ids.replayed(rec.rid, rec.tick, rec.command);
    }
  }

  /** The request ids applied and recorded, for a snapshot. */
  saved(): SavedRequest[] {
    return this.ids.saved();
  }
}
