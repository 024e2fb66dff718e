/**
 * Reading one of a lab's files from DATA_DIR, and saying short why it could not be read. Only a
 * regular file is read: a named pipe would wait for a writer forever (it is opened here without
 * waiting) and a device such as /dev/zero never ends, so either is refused naming what it is; the
 * lab goes to quarantine and the others come back.
 */
import { constants, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';

/** What a file that is not a regular one is, in a reader's words. */
function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a named pipe';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** The bytes of the regular file `file`; anything else is refused (EISDIR for a folder, as reading one says). */
export async function readRegular(file: string): Promise<Buffer> {
  const fh = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = await fh.stat();
    if (st.isDirectory())
      throw Object.assign(new Error('EISDIR: illegal operation on a directory, read'), { code: 'EISDIR' });
    if (!st.isFile()) throw new Error(`not a regular file: ${kindOf(st)}`);
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}

/** Why a file could not be read, short ("EISDIR: illegal operation on a directory"). */
export function readError(e: unknown): string {
  const { code, message } = e as NodeJS.ErrnoException;
  if (!code) return message ?? String(e);
  return `${code}: ${message.replace(/^[A-Z]+: /, '').replace(/, [a-z]+( '.*')?$/, '')}`;
}
