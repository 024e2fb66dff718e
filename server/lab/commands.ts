/**
 * A lab's commands: queued until the next tick boundary, then applied to every engine (a batch all
 * together or not at all), recorded for persistence, and acknowledged once the record is saved.
 */
import type { Logger } from 'pino';
import type { Command } from '../../shared/commands.js';
import { fail, type Ack, type ApiError, type LabEvent } from '../../shared/protocol.js';
import type { Engine } from '../sim/api.js';
import { restoreEngine } from '../sim/index.js';
import { describeCommand } from '../../shared/events.js';
import { commandEvent, commandFacts, lostEvent } from './events.js';
import { SavePending, whenLanded } from './savePending.js';

/** A command as applied and recorded: `seq` orders the lab's live commands across restarts. */
export interface CommandRecord {
  seq: number;
  tick: number;
  by: string;
  command: Command;
  /** The request id it was sent with: a command sent again with it is not applied twice. */
  rid?: string;
  /**
   * Set on each record of a batch of several commands: how many records the batch has (they follow
   * each other in the log). A log torn in the batch's write drops the batch whole (logTail.ts).
   */
  of?: number;
}

export type CommandAck = Ack<{ tick: number }>;

/** What applying commands needs of its lab. */
export interface CommandTarget {
  readonly engines: Engine[];
  readonly compare: boolean;
  readonly maxVps: number;
  /** Log an entry (with the new state when `withState`). */
  record(event: LabEvent, withState?: boolean): void;
  /** Tell the lab's viewers of a record answered as not saved yet and then lost (its log entry). */
  lost(entry: LabEvent): void;
  /** Log what the engines did while applying. */
  recordEngineEvents(): void;
  /** Record an applied command (persistence); a promise settles once it is durable. */
  persist(command: Command, by: string, tick: number, rid?: string, of?: number): Promise<void> | void;
  /** Commands sent with request id `rid` applied at `tick` (and are recorded with it). */
  applied(rid: string, tick: number, commands: readonly Command[]): void;
  /** The records of request `rid`, answered as not saved yet, are saved now. */
  landed?(rid: string): void;
}

interface Pending {
  /** One command, or a batch applied all together or not at all. */
  commands: Command[];
  by: string;
  /** Sent as an array (even of one): a refusal names `commands[i]`. */
  batch: boolean;
  /** Its request id, recorded with each of its commands. */
  rid?: string;
  resolve: (r: CommandAck) => void;
}

export class CommandQueue {
  private readonly pending: Pending[] = [];
  /** Set once the lab is deleted: queued and later commands answer UNKNOWN_LAB. */
  private closed = false;

  constructor(
    private readonly labId: string,
    private readonly target: CommandTarget,
    private readonly logger: Logger,
  ) {}

  /** Commands waiting for the next tick boundary. */
  get size(): number {
    return this.pending.length;
  }

  /** Queue commands (checked at the edge); resolves once they applied at a tick boundary, or were refused. */
  submit(commands: readonly Command[], by: string, batch: boolean, rid?: string): Promise<CommandAck> {
    if (this.closed) return Promise.resolve(this.gone());
    const i = commands.findIndex((c) => c.type === 'setMode');
    if (i >= 0 && this.target.compare)
      return Promise.resolve(
        fail(
          'CONFLICT',
          'a compare lab runs two fixed modes; create another lab to try a third',
          batch ? `commands[${i}].mode` : 'mode',
        ),
      );
    return new Promise((resolve) => this.pending.push({ commands: [...commands], by, batch, rid, resolve }));
  }

  private gone(): { ok: false; error: ApiError } {
    return fail('UNKNOWN_LAB', `lab "${this.labId}" was deleted`, 'lab');
  }

  /** The lab is deleted: every queued command, and any sent later, answers UNKNOWN_LAB. */
  close(): void {
    this.closed = true;
    for (const p of this.pending.splice(0)) p.resolve(this.gone());
  }

  /**
   * Refuse every queued command with `error` (the lab went back to its start, or is held); `forget`
   * is given the request id of each, when its id is not to stay answered so.
   */
  cancel(error: ApiError, forget?: (rid: string) => void): void {
    for (const p of this.pending.splice(0)) {
      if (p.rid !== undefined) forget?.(p.rid);
      p.resolve({ ok: false, error });
    }
  }

  /** Apply queued commands at the current tick boundary; each is acknowledged once it is saved. */
  drain(): void {
    if (!this.pending.length) return;
    for (const p of this.pending.splice(0)) {
      const saving: Promise<void>[] = [];
      let r: CommandAck;
      try {
        r = p.batch
          ? this.applyBatch(p.commands, p.by, saving, p.rid)
          : applyCommand(this.target, p.commands[0], p.by, saving, p.rid);
        if (r.ok && p.rid !== undefined) this.target.applied(p.rid, r.data.tick, p.commands);
      } catch (e) {
        this.logger.error({ err: e, commands: p.commands }, 'error applying a command');
        r = fail('INTERNAL', 'the command could not be applied');
      }
      if (!saving.length) p.resolve(r);
      else
        Promise.all(saving).then(
          () => p.resolve(r),
          (err: unknown) => {
            this.logger.error({ err }, 'an applied command could not be saved');
            p.resolve(r.ok ? notSaved('command', r.data.tick, err) : r);
            if (r.ok && err instanceof SavePending) this.awaitLanding(saving, r.data.tick, p);
          },
        );
    }
  }

  /**
   * Commands answered as not saved yet, applied at `tick`: say whether their records landed. Lost
   * (another process took the lab over first), every viewer of the lab is told, naming them: the
   * answer said they would be saved.
   */
  private awaitLanding(saving: Promise<void>[], tick: number, p: Pending): void {
    const { rid, commands, by } = p;
    whenLanded(
      saving,
      () => {
        this.logger.info({ lab: this.labId, tick, rid }, 'a command answered as not saved yet is saved now');
        if (rid !== undefined) this.target.landed?.(rid);
      },
      (err: unknown) => {
        this.logger.error(
          { err, lab: this.labId, tick, rid },
          'a command answered as not saved yet was lost: its record never reached the store',
        );
        const what = commands.map((c) => describeCommand(c)).join('; ');
        const facts = commands.length === 1 ? commandFacts(commands[0]) : {};
        this.target.lost(lostEvent(tick, by, what, err, facts));
      },
    );
  }

  /** A batch: checked in order on a copy of the first engine, then applied only if all pass. */
  private applyBatch(commands: Command[], by: string, saving: Promise<void>[], rid?: string): CommandAck {
    const trial = restoreEngine(this.target.engines[0].save());
    for (const [i, command] of commands.entries()) {
      const refused = refuse(trial, command, this.target.maxVps) ?? trial.apply(command);
      if (!refused.ok) {
        const path = `commands[${i}]${refused.error.path ? `.${refused.error.path}` : ''}`;
        return fail(refused.error.code, `${path}: ${refused.error.message}`, path);
      }
    }
    let r: CommandAck = { ok: true, data: { tick: this.target.engines[0].tick } };
    const of = commands.length > 1 ? commands.length : undefined;
    for (const command of commands) {
      const one = applyCommand(this.target, command, by, saving, rid, of);
      if (!one.ok) {
        this.logger.error({ command, error: one.error }, 'a checked batch command was refused');
        r = one;
      }
    }
    return r;
  }
}

/**
 * The answer to a command or clock action that applied at `tick` but whose record could not be
 * saved (`err`, a full disk): it runs in the lab, and is saved with the next write that succeeds.
 */
export function notSaved(what: string, tick: number, err: unknown): { ok: false; error: ApiError } {
  // In a cluster: another process owns the lab now (its lease moved); this process drops it.
  if ((err as Error)?.name === 'LeaseLost')
    return fail('UNAVAILABLE', `the ${what} was not saved: another process runs the lab now; send it again`);
  if (err instanceof SavePending)
    return fail(
      'NOT_SAVED',
      `the ${what} applied at tick ${tick} and runs in the lab, but is not saved yet: ${err.message}; ` +
        'it is saved once the store answers (its write waits for it), and lost if this server stops ' +
        'or another server takes the lab over before (the lab’s viewers are then told). Sent again with its ' +
        'request id, it is not applied again',
    );
  const code = (err as NodeJS.ErrnoException)?.code;
  return fail(
    'NOT_SAVED',
    `the ${what} applied at tick ${tick} and runs in the lab, but could not be saved` +
      `${code ? ` (${code})` : ''}; it is saved with the next write that succeeds, ` +
      'and lost if the server stops before',
  );
}

/** The lab's own limits on a command (the engine checks the rest). */
function refuse(engine: Engine, command: Command, maxVps: number): { ok: false; error: ApiError } | null {
  if (command.type !== 'addVps') return null;
  const count = engine.state().vps.length;
  if (count >= maxVps)
    return fail(
      'LIMIT_EXCEEDED',
      `a lab holds at most ${maxVps} VPSs${count > maxVps ? ` (this one has ${count}: remove some first)` : ''}`,
      'vps',
    );
  return null;
}

/**
 * Apply one command to every engine of the lab at the current tick, log it (and, in a compare lab,
 * a side that refused it), and record it; its record's save joins `saving`. `saving` null is a
 * replay of the lab's log: what it holds was accepted under the limits of its time (a lab saved
 * with more VPSs than a lowered MAX_VPS_PER_LAB comes back as it was), so only the engine judges.
 */
export function applyCommand(
  lab: CommandTarget,
  command: Command,
  by: string,
  saving: Promise<void>[] | null,
  rid?: string,
  of?: number,
): CommandAck {
  const [first, ...others] = lab.engines;
  const tick = first.tick;
  const refused = saving ? refuse(first, command, lab.maxVps) : null;
  if (refused) return refused;
  const applied = first.apply(command);
  if (!applied.ok) return { ok: false, error: applied.error };
  const refusedBy: LabEvent[] = [];
  others.forEach((engine, k) => {
    const r = engine.apply(command);
    if (!r.ok && lab.compare) refusedBy.push(commandEvent(tick, by, command, k + 1, r.error.message));
  });
  if (saving) {
    const saved = lab.persist(command, by, tick, rid, of);
    if (saved) saving.push(saved);
  }
  for (const ev of refusedBy) lab.record(ev);
  // Its entry carries the new state, live and in a replay alike: computing it brings the lab's
  // colours up to date with this command (colorBook.ts), so they follow the lab's history.
  lab.record(commandEvent(tick, by, command), true);
  lab.recordEngineEvents();
  return { ok: true, data: { tick } };
}
