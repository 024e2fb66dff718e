/**
 * Replacing one lab's folder under DATA_DIR/labs/ whole (a reset), all or nothing. The new data is
 * written to `.new-<id>/` beside the lab's folder; then the folder moves to `.old-<id>/` and the new
 * one takes its name; then the old one is deleted. A deleted lab's folder moves to `.gone-<id>/`,
 * then is deleted (`deleteFolder`). Names starting with "." are never lab ids, so the store's
 * listing skips them. A crash between two steps is settled when the store next opens
 * (`settleSwaps`): before the new folder took the name, the old data is put back; after, the old is
 * deleted. A failure before the swap deletes only the new folder, leaving the lab as it was. A
 * rename holds only once DATA_DIR/labs is flushed after it: when that flush fails, the rename is
 * undone and the reset or deletion fails, the lab as it was.
 */
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { NotDurableError } from './store.js';

export const NEW = '.new-';
export const OLD = '.old-';
/** A deleted lab's folder, moved out of the labs' names before its files are deleted. */
export const GONE = '.gone-';

/** Flushes a folder's entries (a rename in it) to disk; the file store takes another (a failing one) to be tested. */
export type FolderSync = (dir: string) => Promise<void>;

/** Flush a folder's entries (a rename in it) to disk. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return false;
      throw e;
    },
  );

/**
 * Replace `root/<id>/` by a folder holding what `fill` writes into it. Rejects, with the lab's
 * folder as it was, when `fill` or the swap fails, or when `root` cannot be flushed after the swap
 * (a NotDurableError; the swap undone, or, when it cannot be, standing: the lab's folder holds the
 * new data).
 */
export async function swapFolder(
  root: string,
  id: string,
  fill: (dir: string) => Promise<void>,
  logger: Logger,
  sync: FolderSync = syncDir,
): Promise<void> {
  const live = path.join(root, id);
  const staged = path.join(root, `${NEW}${id}`);
  const old = path.join(root, `${OLD}${id}`);
  await rm(staged, { recursive: true, force: true });
  await rm(old, { recursive: true, force: true });
  let hadLive = true;
  try {
    await mkdir(staged);
    await fill(staged);
    await sync(staged);
    await rename(live, old).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
      hadLive = false;
    });
  } catch (e) {
    await rm(staged, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
  try {
    await rename(staged, live);
  } catch (e) {
    if (hadLive) await rename(old, live);
    await rm(staged, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
  try {
    await sync(root);
  } catch (e) {
    // Acknowledged, a reset must survive a crash; unflushed, it might not: undone, and refused.
    try {
      await rename(live, staged);
    } catch (undo) {
      // The new data is still under the lab's name: the swap stands.
      logger.error(
        { err: undo, lab: id, folder: live, old },
        'a reset whose folder swap could not be flushed could not be undone either; the reset stands',
      );
      // The old data goes, as after a swap that held: it would come back when the lab's folder goes.
      await rm(old, { recursive: true, force: true }).catch(() => undefined);
      throw new NotDurableError(`swapping in the new data of lab "${id}"`, 'DATA_DIR/labs', e, true);
    }
    // The old data back under the lab's name; should the disk refuse that, the next start does it.
    if (hadLive)
      await rename(old, live).catch((err: unknown) =>
        logger.error(
          { err, lab: id, folder: old },
          'the data of a reset undone could not be put back under the lab’s name; the next start puts it back',
        ),
      );
    await sync(root).catch(() => undefined);
    await rm(staged, { recursive: true, force: true }).catch(() => undefined);
    throw new NotDurableError(`swapping in the new data of lab "${id}"`, 'DATA_DIR/labs', e);
  }
  // From here the new data is the lab's; what is left is tidying up.
  if (hadLive)
    await rm(old, { recursive: true, force: true }).catch((err: unknown) =>
      logger.warn({ err, lab: id, folder: old }, 'could not delete the data a reset replaced'),
    );
}

/** Settle the swaps a crash interrupted (see the file's comment), before the labs are listed. */
export async function settleSwaps(
  root: string,
  isId: (id: string) => boolean,
  logger: Logger,
): Promise<void> {
  const names = await readdir(root);
  for (const name of names) {
    if (name.startsWith(GONE) && isId(name.slice(GONE.length))) {
      await dropGone(path.join(root, name), logger);
      continue;
    }
    const prefix = name.startsWith(NEW) ? NEW : name.startsWith(OLD) ? OLD : null;
    const id = prefix && name.slice(prefix.length);
    if (!prefix || !id || !isId(id)) continue;
    const live = path.join(root, id);
    const here = path.join(root, name);
    const liveThere = await exists(live);
    if (prefix === OLD && !liveThere) {
      // The crash came between the two renames: the reset never answered; the old data stays.
      await rename(here, live);
      logger.warn({ lab: id }, 'a reset interrupted by a crash was undone; the lab keeps its data');
    } else {
      await rm(here, { recursive: true, force: true });
      if (prefix === NEW && liveThere) logger.warn({ lab: id }, 'a reset interrupted by a crash was dropped');
    }
  }
}

/**
 * Delete `root/<id>/`: out of the labs' names at once, whole (moved to `.gone-<id>/`, flushed),
 * then deleted, so a failure or a crash in the middle of deleting its files leaves no part of the
 * lab to come back at the next start. Rejects with a NotDurableError when `root` cannot be flushed
 * after the move (the move undone, the lab's folder as it was; or, when it cannot be, standing).
 */
export async function deleteFolder(
  root: string,
  id: string,
  logger: Logger,
  sync: FolderSync = syncDir,
): Promise<void> {
  const live = path.join(root, id);
  const gone = path.join(root, `${GONE}${id}`);
  await rm(gone, { recursive: true, force: true });
  try {
    await rename(live, gone);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  try {
    await sync(root);
  } catch (e) {
    // Unflushed, the deletion might not survive a crash (the lab would come back): undone, refused.
    const what = `moving lab "${id}" out of the labs`;
    try {
      await rename(gone, live);
    } catch (undo) {
      // Out of the labs' names it stays: deleted (the next start deletes what is left of it).
      logger.error(
        { err: undo, lab: id, folder: gone },
        'a deletion whose move could not be flushed could not be undone either; the deletion stands',
      );
      throw new NotDurableError(what, 'DATA_DIR/labs', e, true);
    }
    await sync(root).catch(() => undefined);
    throw new NotDurableError(what, 'DATA_DIR/labs', e);
  }
  await dropGone(gone, logger);
}

/** Delete a deleted lab's moved folder; one that cannot be is said, and tried again at the next start. */
export async function dropGone(folder: string, logger: Logger): Promise<void> {
  await rm(folder, { recursive: true, force: true }).catch((err: unknown) =>
    logger.warn(
      { err, folder },
      'could not delete all of a deleted lab’s data; it is tried again at the next start',
    ),
  );
}
