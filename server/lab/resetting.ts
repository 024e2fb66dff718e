/**
 * A lab's reset (back to its scenario's start) and deletion: the store takes the change first,
 * and only once that held does the running lab change; a refusal changes nothing, stored or
 * running. Meanwhile the lab does not run (the registry skips it), and a command applied to it
 * anyway (a clock step) has its record held: written once the reset failed (the lab goes on from
 * where it was, its log whole), dropped once it held (that past is gone).
 */
import type { Logger } from 'pino';
import type { Result } from '../../shared/commands.js';
import { fail, type ApiError } from '../../shared/protocol.js';
import type { Clock } from './clock.js';
import type { EngineFactory } from './engines.js';
import { changeRefused } from './holding.js';
import type { Lab } from './lab.js';
import { labMeta, type LabSaver } from './saving.js';
import { scenarioEngines } from './starting.js';
import type { LogRecord, Store } from './store.js';

type Res<T> = Result<T, ApiError>;

export class Resets {
  /** Resolves true once the reset held (or the lab is gone), false once it failed. */
  private readonly pending = new Map<string, Promise<boolean>>();

  has(id: string): boolean {
    return this.pending.has(id);
  }

  /**
   * Hold lab `id` while `save` runs: `save` resolves whether the reset held (records held meanwhile
   * are then dropped) or failed (they are written). Only one reset of a lab at a time.
   */
  async hold<T>(id: string, save: () => Promise<{ held: boolean; result: T }>): Promise<T> {
    let settle!: (held: boolean) => void;
    this.pending.set(id, new Promise((ok) => (settle = ok)));
    let held = false;
    try {
      const r = await save();
      held = r.held;
      return r.result;
    } finally {
      this.pending.delete(id);
      settle(held);
    }
  }

  /** Save an applied command's (or clock action's) record, unless a reset of its lab is being saved (see above). */
  persist(store: Store, id: string, rec: LogRecord): Promise<void> {
    const reset = this.pending.get(id);
    if (!reset) return store.append(id, rec);
    return reset.then((held) => (held ? undefined : store.append(id, rec)));
  }
}

/** What resetting and deleting a lab need of its registry. */
export interface Changes {
  readonly engines: EngineFactory;
  readonly logger: Logger;
  readonly saver: LabSaver;
  readonly clock: Clock;
  readonly resets: Resets;
  /** Labs forked from another at a tick (no scenario start to go back to). */
  readonly forks: Map<string, number>;
  get(id: string): Lab | undefined;
  /** What keeps the store from taking a write now, named; null when nothing does. */
  storeAway(): string | null;
  /** The lab's data is deleted: it goes from the registry. */
  deleted(lab: Lab): void;
}

/**
 * Back to the start of its scenario (a fork cannot be: it has no start of its own). The store
 * replaces the lab's data first, and only once that holds does the lab go back to its start: a
 * failed write (a full disk, Redis away) answers an error and changes nothing, stored or running.
 */
export async function resetLab(
  c: Changes,
  id: string,
  by: string,
): Promise<Res<{ id: string; tick: number }>> {
  const lab = c.get(id);
  if (!lab) return fail('UNKNOWN_LAB', `no lab "${id}"`, 'lab');
  const away = changeRefused('nothing was reset', c.storeAway(), lab);
  if (away) return away;
  if (c.forks.has(id))
    return fail(
      'CONFLICT',
      'a compare lab starts where it was forked: fork the original lab again instead',
      'lab',
    );
  const engines = await scenarioEngines(c.engines, lab.scenario, lab.compare);
  if (!engines.ok) return engines;
  if (c.get(id) !== lab) return fail('UNKNOWN_LAB', `lab "${id}" was deleted`, 'lab');
  if (c.resets.has(id)) return fail('CONFLICT', `lab "${id}" is being reset already`, 'lab');
  return c.resets.hold<Res<{ id: string; tick: number }>>(id, async () => {
    // Colours stay through a reset: its meta keeps them, for the lab restored from it, and the lab
    // goes on from what the meta keeps (not from a command applied while it was written, one the
    // reset drops), so both hold the same colours.
    const colors = lab.colors();
    const failed = await c.saver.replace(labMeta(id, lab.scenario, lab.compare, undefined, colors));
    if (failed && !failed.stands) return { held: false, result: failed };
    if (c.get(id) !== lab)
      return { held: true, result: fail('UNKNOWN_LAB', `lab "${id}" was deleted`, 'lab') };
    // A reset the store holds though it could not make it durable runs as it is saved, and says so.
    lab.reset(engines.data, by);
    lab.setColors(colors);
    c.saver.started(id, c.clock.now());
    c.logger.info({ lab: id, by }, 'lab reset to its start');
    if (failed) return { held: true, result: { ok: false, error: failed.error } };
    return { held: true, result: { ok: true, data: { id, tick: lab.tick } } };
  });
}

/** Delete a lab: its data first; only once that held does the lab go (a refusal changes nothing). */
export async function removeLab(c: Changes, id: string): Promise<Res<{ id: string }>> {
  const lab = c.get(id);
  if (!lab) return fail('UNKNOWN_LAB', `no lab "${id}"`, 'lab');
  const away = changeRefused('nothing was deleted', c.storeAway(), lab);
  if (away) return away;
  if (c.resets.has(id)) return fail('CONFLICT', `lab "${id}" is being reset or deleted`, 'lab');
  return c.resets.hold<Res<{ id: string }>>(id, async () => {
    const failed = await c.saver.remove(id);
    if (failed && !failed.stands) return { held: false, result: failed };
    c.saver.forget(id);
    lab.close();
    c.forks.delete(id);
    c.deleted(lab);
    c.logger.info({ lab: id }, 'lab deleted');
    if (failed) return { held: true, result: { ok: false, error: failed.error } };
    return { held: true, result: { ok: true, data: { id } } };
  });
}
