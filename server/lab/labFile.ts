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

/** A file larger than its kind may be: refused by its size, before any of it is read. */
export class TooLargeError extends Error {
  constructor(
    readonly size: number,
    readonly cap: number,
  ) {
    super(`${size} bytes, over the cap of ${cap} bytes for this file; not read`);
    this.name = 'TooLargeError';
  }
}

/**
 * The bytes of the regular file `file`, at most `cap` of them (its size is checked first: a larger
 * one is refused with TooLargeError, unread); anything else is refused (EISDIR for a folder, as
 * reading one says).
 */
export async function readRegular(file: string, cap = Infinity): Promise<Buffer> {
  const fh = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = await fh.stat();
    if (st.isDirectory())
      throw Object.assign(new Error('EISDIR: illegal operation on a directory, read'), { code: 'EISDIR' });
    if (!st.isFile()) throw new Error(`not a regular file: ${kindOf(st)}`);
    if (st.size > cap) throw new TooLargeError(st.size, cap);
    // Only the bytes it had when its size was checked (nothing else writes it while the store is locked).
    const data = Buffer.alloc(st.size);
    let at = 0;
    while (at < data.length) {
      const { bytesRead } = await fh.read(data, at, data.length - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return data.subarray(0, at);
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
