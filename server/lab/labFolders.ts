/**
 * The lab folders under DATA_DIR/labs/: which names are labs', and what else is there, said and
 * left alone (files where lab folders belong, folders whose names are no lab id, folders holding
 * no lab).
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { GONE, NEW, OLD } from './fileSwap.js';

/** A folder name that can be a lab id (anything else under labs/ is ignored). */
export const LAB_DIR = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;

/** The files that make a folder under labs/ a lab's (progress.json alone does not). */
const LAB_FILES = ['meta.json', 'commands.ndjson', 'snapshot.json'];

/** The ids of the labs under `root` (DATA_DIR/labs), sorted; what else is there is said, and left alone. */
export async function listLabs(root: string, logger: Logger): Promise<string[]> {
  const names = await readdir(root, { withFileTypes: true });
  const odd = names.filter((d) => !d.isDirectory() && LAB_DIR.test(d.name)).map((d) => d.name);
  if (odd.length)
    logger.warn(
      { files: odd.map((n) => path.join(root, n)) },
      'DATA_DIR/labs holds files where lab folders belong; they are left alone, and their names are not free for new labs',
    );
  // A folder whose name is no lab id (a space, an accent, a leading dot or dash, over 40
  // characters) was never made by this server (a reset's swap folders aside): left alone, and
  // said, so a lab copied in under such a name is not passed over without a word.
  const misnamed = names
    .filter(
      (d) =>
        d.isDirectory() &&
        !LAB_DIR.test(d.name) &&
        ![NEW, OLD, GONE].some((prefix) => d.name.startsWith(prefix)),
    )
    .map((d) => d.name);
  if (misnamed.length)
    logger.warn(
      { folders: misnamed.map((n) => path.join(root, n)) },
      'DATA_DIR/labs holds folders whose names are no lab id (letters, digits, - and _, at most 40, starting with a letter or digit); they are left alone, not restored',
    );
  const ids = names.filter((d) => d.isDirectory() && LAB_DIR.test(d.name)).map((d) => d.name);
  // A folder holding none of a lab's files holds no lab (a kill -9 in a new lab's creation, or
  // not this server's): said, left as it is, and not counted (the demo lab is made when no
  // folder holds one). One that cannot be read is listed: restoring it says why.
  const held = await Promise.all(
    ids.map((id) =>
      readdir(path.join(root, id)).then(
        (files) => LAB_FILES.some((f) => files.includes(f)),
        () => true,
      ),
    ),
  );
  const empty = ids.filter((_, i) => !held[i]);
  if (empty.length)
    logger.warn(
      { folders: empty.map((n) => path.join(root, n)) },
      `DATA_DIR/labs holds folders that hold no lab (no ${LAB_FILES.join(', ')}); they are left as they are, not restored`,
    );
  return ids.filter((_, i) => held[i]).sort();
}
