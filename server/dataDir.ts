/**
 * DATA_DIR made ready before the file store opens it, with a reason a user can act on when it
 * cannot be: a symbolic link to nothing (a disk not mounted) is named with its target, a file is
 * not taken for a folder, and folders are made one at a time (a recursive make under /proc never
 * returns: it finds each parent there, yet cannot make the child).
 */
import { lstat, mkdir, readlink, stat } from 'node:fs/promises';
import path from 'node:path';

const code = (e: unknown) => (e as NodeJS.ErrnoException).code;

/** Make `dir` (and its parents) one folder at a time; a message says "it" of `named` (DATA_DIR), else its path. */
async function makeFolder(dir: string, named: string): Promise<void> {
  const exists = await stat(dir).then(
    (s) => s,
    () => undefined,
  );
  if (exists?.isDirectory()) return;
  if (exists) throw new Error(`${dir} is a file, not a folder`);
  const link = await lstat(dir).then(
    (s) => (s.isSymbolicLink() ? readlink(dir) : undefined),
    () => undefined,
  );
  if (link !== undefined)
    throw new Error(`${dir === named ? 'it' : dir} is a symbolic link to ${link}, which does not exist`);
  const parent = path.dirname(dir);
  if (parent !== dir) await makeFolder(parent, named);
  await mkdir(dir).catch((e: unknown) => {
    if (code(e) !== 'EEXIST') throw new Error(`cannot make ${dir} (${code(e) ?? String(e)})`);
  });
}

/** Make DATA_DIR and its `labs` folder; throws an Error saying why it cannot. */
export async function prepareDataDir(dataDir: string): Promise<void> {
  await makeFolder(dataDir, dataDir);
  await makeFolder(path.join(dataDir, 'labs'), dataDir);
}
