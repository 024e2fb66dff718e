/**
 * A lab's clock actions: pause, resume, single-step, speed. They never change the numbers, only
 * their pace, but a lab paused by its teacher must stay paused: the pace an action leaves is
 * recorded in the lab's log like a command (a clock record) and acknowledged once that record is
 * durable, so a restart or a takeover restores it exactly.
 */
import type { ClockAction } from '../../shared/inbound.js';
import type { Ack, ClockResult, LabEvent } from '../../shared/protocol.js';
import { notSaved, type CommandRecord } from './commands.js';

/** The pace a clock action left, as the lab's log records it. */
export interface ClockRecord {
  seq: number;
  tick: number;
  by: string;
  clock: { paused: boolean; speed: number };
  /** The request id it was sent with, and the action: sent again with it, it is not applied twice. */
  rid?: string;
  action?: ClockAction;
}

/** A clock action's request id and what it asked (both recorded, or neither). */
export interface ClockRequest {
  rid: string;
  action: ClockAction;
}

/** One entry of a lab's log: an applied command, or the pace a clock action left. */
export type LogRecord = CommandRecord | ClockRecord;

export const isClockRecord = (rec: LogRecord): rec is ClockRecord => 'clock' in rec;

/** What a clock action needs of its lab. */
export interface ClockTarget {
  readonly tick: number;
  speed: number;
  paused: boolean;
  /** Forget time owed (a resume starts from now, not from when the lab was paused). */
  clearPace(): void;
  /** Run `n` ticks at once and hand on the newest frames. */
  step(n: number): void;
  record(event: LabEvent, withState?: boolean): void;
  /** Record the pace left, with the request it answers (persistence); a promise settles once it is durable. */
  persist(
    tick: number,
    by: string,
    clock: ClockRecord['clock'],
    request?: ClockRequest,
  ): Promise<void> | void;
}

/** Apply `action` (sent with request id `rid`); resolves once the pace it left is saved (or could not be). */
export function runClock(
  lab: ClockTarget,
  action: ClockAction,
  by: string,
  /** Its record could not be saved (`err`): it applied at `tick`, and did `what` (described). */
  onError: (err: unknown, tick: number, what: string) => void,
  rid?: string,
): Promise<Ack<ClockResult>> {
  let message: string;
  switch (action.action) {
    case 'pause':
      lab.paused = true;
      message = 'paused';
      break;
    case 'resume':
      lab.paused = false;
      lab.clearPace();
      message = 'resumed';
      break;
    case 'speed':
      lab.speed = action.speed;
      message = `speed ${action.speed}×`;
      break;
    case 'step': {
      const n = action.ticks ?? 1;
      lab.paused = true;
      lab.step(n);
      message = `stepped ${n} tick${n === 1 ? '' : 's'}`;
      break;
    }
  }
  lab.record({ tick: lab.tick, kind: 'info', by, message }, true);
  const r: Ack<ClockResult> = { ok: true, data: { tick: lab.tick, speed: lab.speed, paused: lab.paused } };
  const pace = { paused: lab.paused, speed: lab.speed };
  const saved = lab.persist(lab.tick, by, pace, rid === undefined ? undefined : { rid, action });
  if (!saved) return Promise.resolve(r);
  return saved.then(
    () => r,
    (err: unknown) => {
      onError(err, r.data.tick, message);
      return notSaved('clock action', r.data.tick, err);
    },
  );
}

/** A lab's pace (read and set through `lab`) with what else a clock action needs of it. */
export function clockTargetOf(
  lab: { readonly tick: number; speed: number; paused: boolean },
  rest: Omit<ClockTarget, 'tick' | 'speed' | 'paused'>,
): ClockTarget {
  return {
    ...rest,
    get tick() {
      return lab.tick;
    },
    get speed() {
      return lab.speed;
    },
    set speed(v) {
      lab.speed = v;
    },
    get paused() {
      return lab.paused;
    },
    set paused(v) {
      lab.paused = v;
    },
  };
}
