/**
 * Keeping running labs saved: a snapshot of each every snapshotEveryS, the latest tick it reached
 * about every second (so a crash resumes there), and all of them on shutdown.
 */
import type { Logger } from 'pino';
import type { ModeSpec, Scenario } from '../../shared/commands.js';
import { fail, type ApiError } from '../../shared/protocol.js';
import type { Lab } from './lab.js';
import { LabExistsError, NotDurableError, type LabMeta, type Store } from './store.js';
import type { KeptColors } from './colorBook.js';

/** A change the store refused, with why; `stands`: the store holds it all the same (see NotDurableError). */
export type Failed = { ok: false; error: ApiError; stands?: true };

/** How often each lab's latest tick is recorded, ms. */
const PROGRESS_MS = 1000;

export class LabSaver {
  private readonly lastSnapshot = new Map<string, number>();
  private readonly lastProgress = new Map<string, { at: number; tick: number }>();

  constructor(
    private readonly store: Store | undefined,
    private readonly logger: Logger,
    private readonly snapshotEveryMs: number,
  ) {}

  /** Save a new lab's meta; a refusal when its id holds another lab's data (never written over). */
  async create(meta: LabMeta): Promise<{ ok: false; error: ApiError } | null> {
    try {
      await this.store?.create(meta);
      return null;
    } catch (e) {
      if (e instanceof LabExistsError)
        return fail('CONFLICT', `"${meta.id}" holds the saved data of another lab; pick another id`, 'id');
      // A cluster's store answers an id another process took with a CONFLICT-coded error.
      if ((e as { code?: unknown }).code === 'CONFLICT') return fail('CONFLICT', (e as Error).message, 'id');
      return notSaved(e);
    }
  }

  /**
   * Replace a lab's saved data by a new start (a reset); a refusal, with the reason, when it cannot
   * be; `stands` when the store holds the new start all the same (see NotDurableError).
   */
  async replace(meta: LabMeta): Promise<Failed | null> {
    try {
      await this.store?.replace(meta);
      return null;
    } catch (e) {
      if (e instanceof NotDurableError && e.stands)
        return {
          ...fail(
            'INTERNAL',
            `the reset is applied, but ${e.message}: after a crash the lab may come back as it was before it`,
          ),
          stands: true,
        };
      this.logger.error({ err: e, lab: meta.id }, 'could not save a reset; the lab goes on as it was');
      const code = (e as NodeJS.ErrnoException)?.code;
      // A cluster's store that does not answer: not a fault of the server, to be sent again.
      if (code === 'UNAVAILABLE')
        return fail(
          'UNAVAILABLE',
          `the reset could not be saved: ${(e as Error).message}; nothing changed, send it again once the store answers`,
        );
      const why = e instanceof NotDurableError || typeof code !== 'string' ? (e as Error)?.message : code;
      return fail('INTERNAL', `the reset could not be saved (${why}); nothing changed`);
    }
  }

  /**
   * Delete a lab's saved data; a refusal when the store cannot take it now (a cluster's Redis that
   * does not answer), or when it failed (a file store's folder that could not be moved out of the
   * labs' names): nothing was deleted, the lab runs on; or `stands`: deleted all the same.
   */
  async remove(id: string): Promise<Failed | null> {
    try {
      await this.store?.remove(id);
      return null;
    } catch (e) {
      if (e instanceof NotDurableError && e.stands)
        return {
          ...fail(
            'INTERNAL',
            `the lab is deleted, but ${e.message}: after a crash it may come back as it was`,
          ),
          stands: true,
        };
      if ((e as NodeJS.ErrnoException)?.code === 'UNAVAILABLE')
        return fail(
          'UNAVAILABLE',
          `the deletion could not be saved: ${(e as Error).message}; nothing was deleted, send it again once the store answers`,
        );
      this.logger.error({ err: e, lab: id }, 'could not delete a lab’s saved data; the lab is not deleted');
      const code = (e as NodeJS.ErrnoException)?.code;
      const why = e instanceof NotDurableError ? e.message : code;
      return fail(
        'INTERNAL',
        `the deletion could not be saved${why ? ` (${why})` : ''}; nothing was deleted`,
      );
    }
  }

  /**
   * A fork's start (what a restart re-runs it from, once) and first snapshot, both what it is now;
   * when either cannot be written the fork is forgotten.
   */
  async forkStart(lab: Lab): Promise<{ ok: false; error: ApiError } | null> {
    try {
      const start = lab.save();
      await this.store?.saveStart(lab.id, start);
      await this.store?.saveSnapshot(lab.id, start);
      return null;
    } catch (e) {
      await this.store?.remove(lab.id).catch(() => undefined);
      return notSaved(e);
    }
  }

  /** A lab's snapshot period starts now (it was added, or went back to its start). */
  started(id: string, now: number): void {
    this.lastSnapshot.set(id, now);
  }

  /** A lab left this process or was deleted. */
  forget(id: string): void {
    this.lastSnapshot.delete(id);
    this.lastProgress.delete(id);
  }

  /** After a pump: take the lab's snapshot and record its tick, when due. */
  due(lab: Lab, now: number): void {
    if (!this.store) return;
    const last = this.lastSnapshot.get(lab.id) ?? now;
    if (now - last >= this.snapshotEveryMs) {
      this.lastSnapshot.set(lab.id, now);
      void this.snapshot(lab);
    }
    const p = this.lastProgress.get(lab.id);
    if (!p || (now - p.at >= PROGRESS_MS && p.tick !== lab.tick)) {
      this.lastProgress.set(lab.id, { at: now, tick: lab.tick });
      this.store.saveProgress(lab.id, lab.tick).catch(() => undefined);
    }
  }

  /** Save a lab's snapshot now (a failed write is logged by the store, never thrown). */
  snapshot(lab: Lab): Promise<void> {
    if (!this.store) return Promise.resolve();
    try {
      return this.store.saveSnapshot(lab.id, lab.save()).catch(() => undefined);
    } catch (e) {
      this.logger.error({ err: e, lab: lab.id }, 'could not snapshot a lab');
      return Promise.resolve();
    }
  }

  /** Snapshot every lab and wait for all writes. */
  async flush(labs: readonly Lab[]): Promise<void> {
    await Promise.all(labs.map((lab) => this.snapshot(lab)));
    await this.store?.flush();
  }
}

/** What the store keeps of a lab's start, stamped now (`forkedAt`: a fork's tick; `colors`: those kept before a reset). */
export function labMeta(
  id: string,
  scenario: Scenario,
  compare: [ModeSpec, ModeSpec] | undefined,
  forkedAt?: number,
  colors?: KeptColors,
): LabMeta {
  const meta: LabMeta = { version: 1, id, scenario, compare, createdAt: new Date().toISOString() };
  if (forkedAt !== undefined) meta.forkedAt = forkedAt;
  if (colors) {
    meta.colors = colors.colors;
    if (colors.removedVps) meta.removedVps = colors.removedVps;
  }
  return meta;
}

/** A new lab that could not be written (a full or read-only disk): nothing was created, and the answer says why. */
function notSaved(e: unknown): { ok: false; error: ApiError } {
  const code = (e as NodeJS.ErrnoException)?.code;
  return fail('INTERNAL', `the lab could not be saved${code ? ` (${code})` : ''}; nothing was created`);
}
