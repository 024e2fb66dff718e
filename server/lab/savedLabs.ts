/**
 * Saved labs coming back into a registry: every lab of the store at start, one after the other,
 * each at the latest tick it reached (within MAX_LABS; the rest stay saved and untouched), and one
 * lab taken over from another process of a cluster. A lab that cannot be restored is quarantined
 * (moved aside with the reason) and the others go on. Each lab is read once: the read that counts
 * the viewers its data names, before any lab is restored, is the one it is restored from.
 */
import type { Logger } from 'pino';
import type { Result } from '../../shared/commands.js';
import { fail, type ApiError } from '../../shared/protocol.js';
import type { Lab } from './lab.js';
import { reviveLab, type ReviveDeps } from './restore.js';
import type { Restoring } from './restoring.js';
import type { LabSaver } from './saving.js';
import type { RawLab, Store } from './store.js';
import { parseStoredLab, type StoredLab } from './stored.js';

/** What bringing saved labs back needs of its registry. */
export interface Reviver {
  readonly logger: Logger;
  readonly saver: LabSaver;
  readonly maxLabs: number;
  readonly maxVps: number;
  readonly restoring: Restoring;
  /** Labs running here. */
  count(): number;
  has(id: string): boolean;
  deps(): ReviveDeps;
  /** Run a restored lab here (`forkedAt`: the tick a fork was made at). */
  add(lab: Lab, forkedAt?: number): void;
}

/**
 * Bring back every lab in the store; `parked` receives the ids left saved past MAX_LABS.
 * Resolves with how many labs the store held.
 */
export async function restoreSaved(r: Reviver, store: Store, parked: Set<string>): Promise<number> {
  const viewersRead = r.restoring.readingViewers();
  let ids: string[];
  let reads: Map<string, Read>;
  try {
    ids = await r.restoring.list(() => store.list());
    // Read first, every log of the labs to restore: a viewer who connects meanwhile is numbered past them.
    const saved = await readSaved(store, ids.slice(0, Math.max(0, r.maxLabs - r.count())));
    reads = saved.reads;
    viewersRead(saved.highest);
  } catch (e) {
    viewersRead(0); // the list could not be read: no lab is restored
    throw e;
  }
  for (const id of ids) {
    // Within MAX_LABS (each lab's history budget assumes it): the rest stay on disk, untouched.
    if (r.count() >= r.maxLabs) {
      parked.add(id);
      r.restoring.settled(id);
      continue;
    }
    const read = reads.get(id);
    reads.delete(id);
    try {
      await restoreOne(r, store, id, read);
    } catch (err) {
      r.logger.error(
        { err, lab: id },
        'a saved lab could not be restored; it is left on disk and not started',
      );
    } finally {
      r.restoring.settled(id);
    }
  }
  if (parked.size)
    r.logger.warn(
      { labs: [...parked], maxLabs: r.maxLabs },
      'the store holds more labs than MAX_LABS; these stay saved and are not started (raise MAX_LABS to start them)',
    );
  return ids.length;
}

/** "by":"viewer 12" (or "viewer 12-<process>") in a saved lab's JSON. */
const VIEWER_BY = /"by"\s*:\s*"viewer (\d+)(?:"|-)/g;

/**
 * Characters of saved labs held from their first read until each is restored, in all: a lab read
 * past them (some very long logs) is not held, and is read again when its turn comes.
 */
const HELD_CHARS = 64 * 2 ** 20;

/** One read of a saved lab: its raw parts (undefined: nothing under that id), or why it failed. */
type Read = { raw: RawLab | undefined } | { error: unknown };

/** Characters of text a raw lab holds. */
function charsOf(raw: RawLab | undefined): number {
  if (!raw) return 0;
  let n = (raw.meta?.length ?? 0) + (raw.snapshot?.length ?? 0) + (raw.progress?.length ?? 0);
  n += raw.start?.length ?? 0;
  for (const line of raw.commands) n += line.length;
  return n;
}

/**
 * Read labs `ids` once each: the highest viewer number in their snapshots and logs, and each read
 * (failed ones too: the restore says why) held for the restore, up to HELD_CHARS in all.
 */
async function readSaved(
  store: Store,
  ids: readonly string[],
): Promise<{ highest: number; reads: Map<string, Read> }> {
  let highest = 0;
  const scan = (text: string | undefined) => {
    for (const m of text?.matchAll(VIEWER_BY) ?? []) highest = Math.max(highest, Number(m[1]));
  };
  const reads = new Map<string, Read>();
  let held = 0;
  for (const id of ids) {
    let raw: RawLab | undefined;
    try {
      raw = await store.load(id);
    } catch (error) {
      reads.set(id, { error });
      continue;
    }
    scan(raw?.snapshot);
    for (const line of raw?.commands ?? []) scan(line);
    const chars = charsOf(raw);
    if (held + chars > HELD_CHARS) continue;
    held += chars;
    reads.set(id, { raw });
  }
  return { highest, reads };
}

/** Restore lab `id` from its first `read` (read now when there was none, or it was not held). */
async function restoreOne(r: Reviver, store: Store, id: string, read?: Read): Promise<void> {
  if (read && 'error' in read) throw read.error;
  const raw = read ? read.raw : await store.load(id);
  if (!raw) return;
  const parsed = parseStoredLab(id, raw);
  if (!parsed.ok) return store.quarantine(id, parsed.error);
  for (const note of parsed.data.notes) r.logger.warn({ lab: id, note }, 'part of a saved lab not used');
  const revived = await reviveLab(r.deps(), parsed.data);
  if (!revived.ok) return store.quarantine(id, revived.error);
  // A damaged part is moved out of the way, kept, before anything is saved in its place; when it
  // cannot be, the lab is not started (its data stays as it is).
  for (const { part, reason } of parsed.data.setAside) await store.setAside?.(id, part, reason);
  // Said once: the restores after this one know the start is missing (a failure only means it is said again).
  if (parsed.data.startMissing)
    await store
      .startMissing?.(id)
      .catch((err: unknown) =>
        r.logger.warn({ err, lab: id }, 'could not note that the fork’s start is missing'),
      );
  r.add(revived.data, parsed.data.meta.forkedAt);
  overLimit(r, revived.data);
  // A snapshot set aside is replaced at once by a good one.
  if (!parsed.data.snapshot) await r.saver.snapshot(revived.data);
}

/**
 * Bring back one stored lab here (a cluster process taking it over) and run it up to
 * `untilTick` (the tick its previous owner had reached).
 */
export async function adoptLab(
  r: Reviver,
  stored: StoredLab,
  untilTick: number,
): Promise<Result<Lab, ApiError>> {
  const id = stored.meta.id;
  if (r.has(id)) return fail('CONFLICT', `lab "${id}" already runs here`);
  const progress = Math.max(untilTick, stored.progress ?? -1);
  const revived = await reviveLab(r.deps(), progress >= 0 ? { ...stored, progress } : stored);
  if (!revived.ok) return fail('INTERNAL', `lab "${id}" could not be taken over: ${revived.error}`);
  r.add(revived.data, stored.meta.forkedAt);
  overLimit(r, revived.data);
  // A snapshot set aside (kept by the caller) is replaced at once by a good one.
  if (!stored.snapshot) await r.saver.snapshot(revived.data);
  return revived;
}

/** A lab saved under a higher MAX_VPS_PER_LAB runs as it was: said once, as adding VPSs is refused. */
function overLimit(r: Reviver, lab: Lab): void {
  const vps = Math.max(...lab.engines.map((e) => e.state().vps.length));
  if (vps > r.maxVps)
    r.logger.warn(
      { lab: lab.id, vps, maxVps: r.maxVps },
      'a saved lab holds more VPSs than MAX_VPS_PER_LAB; it runs as it was, and adding VPSs is refused until it holds fewer',
    );
}
