/**
 * DATA_DIR/quarantine: where what cannot be used of a lab is kept, never deleted or written over.
 * Each thing kept gets a folder of its own, <id>-<time><suffix> (a number added when that name is
 * taken), with a reason.txt beside it: a whole lab, a damaged part moved out of its way, or bytes
 * cut from its log.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeAtomic } from './atomicFile.js';
import { syncDir } from './fileSwap.js';
import { readError } from './labFile.js';

/** A time stamp that is a file name. */
const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');

/** A new, empty folder DATA_DIR/quarantine/<id>-<time><suffix>[-n]. */
async function freshFolder(dataDir: string, id: string, suffix: string): Promise<string> {
  const qdir = path.join(dataDir, 'quarantine');
  await mkdir(qdir, { recursive: true });
  const base = path.join(qdir, `${id}-${stamp()}${suffix}`);
  for (let n = 1; ; n++) {
    const to = n === 1 ? base : `${base}-${n}`;
    try {
      await mkdir(to);
      return to;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 100) throw e;
    }
  }
}

/** Why a lab's `what` could not be kept in quarantine, with what was wrong with it. */
const notKept = (dataDir: string, id: string, reason: string, what: string, e: unknown) =>
  new Error(
    `lab "${id}": ${reason}; ${what} could not be kept in ${path.join(dataDir, 'quarantine')} (${readError(e)}), so it is left where it is`,
    { cause: e },
  );

/**
 * Move `from` (a lab's folder, or one of its files, kept under its own name) into a quarantine
 * folder with the reason; the folder. When it cannot be moved it stays, and the error says why
 * it was to go.
 */
export async function moveToQuarantine(
  dataDir: string,
  id: string,
  suffix: string,
  from: string,
  reason: string,
): Promise<string> {
  let to: string;
  try {
    to = await freshFolder(dataDir, id, suffix);
    // A folder is renamed over the empty one just made.
    await rename(from, suffix ? path.join(to, path.basename(from)) : to);
  } catch (e) {
    throw notKept(dataDir, id, reason, 'it', e);
  }
  await writeFile(path.join(to, 'reason.txt'), `${reason}\n`).catch((e: unknown) => {
    throw new Error(
      `lab "${id}": ${reason}; moved to ${to}, but its reason.txt could not be written (${readError(e)})`,
      {
        cause: e,
      },
    );
  });
  return to;
}

/** Keep `data` as `name` in a quarantine folder with the reason, on disk before this resolves; the folder. */
export async function keepInQuarantine(
  dataDir: string,
  id: string,
  suffix: string,
  name: string,
  data: Buffer,
  reason: string,
): Promise<string> {
  try {
    const to = await freshFolder(dataDir, id, suffix);
    await writeAtomic(path.join(to, name), data);
    await writeAtomic(path.join(to, 'reason.txt'), `${reason}\n`);
    await syncDir(to);
    await syncDir(path.dirname(to));
    return to;
  } catch (e) {
    throw notKept(dataDir, id, reason, name, e);
  }
}
