/**
 * Whole files written so that a crash leaves the old file or the new one, never half of one: a
 * temporary file beside it (flushed to disk), renamed into place; and the temporary files of writes
 * a crash interrupted, deleted when the store opens.
 */
import { open, readdir, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';

/** Write `data` to `file` atomically: a temporary file (flushed to disk when `sync`), renamed into place. */
export async function writeAtomic(file: string, data: string | Buffer, sync = true): Promise<void> {
  const tmp = `${file}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    try {
      await fh.writeFile(data);
      if (sync) await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (e) {
    // A full disk must not fill up with half-written temporary files.
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

/** What writeAtomic puts after a file's name to name its temporary file: `.<pid>.<stamp>.tmp`. */
const TEMP_SUFFIX = /^\.\d+\.[0-9a-z]+\.tmp$/;

/**
 * Delete the temporary files of writes a crash interrupted (their rename never happened, so nothing
 * reads them): regular files named as writeAtomic names them, beside one of `owned` (the files
 * written atomically there). Anything else is not this server's and stays, a user's `notes.tmp`
 * or a folder `backup.tmp` among them. Run when the store opens, before this process writes anything.
 */
export async function dropTempFiles(
  root: string,
  isLab: (name: string) => boolean,
  owned: readonly string[],
  logger: Logger,
): Promise<void> {
  const ours = (name: string) =>
    owned.some((f) => name.startsWith(f) && TEMP_SUFFIX.test(name.slice(f.length)));
  for (const lab of await readdir(root, { withFileTypes: true })) {
    if (!lab.isDirectory() || !isLab(lab.name)) continue;
    const entries = await readdir(path.join(root, lab.name), { withFileTypes: true }).catch(() => []);
    const temps = entries.filter((d) => d.isFile() && ours(d.name)).map((d) => d.name);
    for (const n of temps) await unlink(path.join(root, lab.name, n)).catch(() => undefined);
    if (temps.length)
      logger.info({ lab: lab.name, files: temps }, 'deleted temporary files an interrupted write left');
  }
}
