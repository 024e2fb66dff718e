/**
 * Whole files written so that a crash leaves the old file or the new one, never half of one: a
 * temporary file beside it (flushed to disk), renamed into place; and the temporary files of writes
 * a crash interrupted, deleted when the store opens.
 */
import { open, readdir, rename, rm, unlink } from 'node:fs/promises';
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

/**
 * Delete the temporary files of writes a crash interrupted (their rename never happened, so nothing
 * reads them). Run when the store opens, before this process writes anything.
 */
export async function dropTempFiles(
  root: string,
  isLab: (name: string) => boolean,
  logger: Logger,
): Promise<void> {
  for (const lab of await readdir(root, { withFileTypes: true })) {
    if (!lab.isDirectory() || !isLab(lab.name)) continue;
    const names = await readdir(path.join(root, lab.name)).catch(() => [] as string[]);
    const temps = names.filter((n) => n.endsWith('.tmp'));
    for (const n of temps) await rm(path.join(root, lab.name, n), { recursive: true, force: true });
    if (temps.length)
      logger.info({ lab: lab.name, files: temps }, 'deleted temporary files an interrupted write left');
  }
}
