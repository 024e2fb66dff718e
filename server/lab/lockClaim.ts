/**
 * Removing a stale DATA_DIR/server.lock when several servers start at once and all find it stale:
 * one alone may remove it. Each claims the removal first with a file of its own record,
 * `server.lock.takeover-<hash of the stale lock>-<n>`, made whole and only where none is (linked
 * into place). The starter whose claim is made removes the lock, if it still is the stale one, and
 * its claim; the others wait while its process lives, and then find its lock (or, when it was quick
 * enough, none, and make their own first: the one whose lock is made holds the DATA_DIR, the others
 * are refused). A claim whose process is gone (a crash in the middle of a takeover) is passed
 * over to the next n; whoever takes the lock deletes the claims left.
 */
import { createHash } from 'node:crypto';
import { readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { readRegular, TooLargeError } from './labFile.js';

/** What a lock or a claim says of the process that wrote it. */
export interface Owner {
  pid: number;
  boot?: string;
  start?: string;
}

/** What removing a stale lock came to: another starter's claim when one is replacing it. */
export type Removal = 'removed' | 'changed' | { pid: unknown; claim: string };

/** The ports of a removal: writing a file whole where none is, and telling a live owner. */
export interface ClaimPorts {
  /** This process's record, written in each claim. */
  record: string;
  /** Make `file` holding `data`, whole, unless something is there (false then). */
  createWhole(file: string, data: string): Promise<boolean>;
  /** Whether the process a record names lives; `holdsHere` when it is this process. */
  lives(rec: { pid?: unknown }, holdsHere: () => boolean): boolean;
}

const TAKEOVER = '.takeover-';
/** Claims this process has made and not yet deleted (a claim naming this pid lives while in here). */
const claimsHere = new Set<string>();

/** A claim not made for an error: no longer held here, and the error goes on. */
function fail(claim: string, e: unknown): never {
  claimsHere.delete(claim);
  throw e;
}

/** The record a claim holds ({} when it cannot be read or is no record: its writer is taken as gone). */
async function readClaim(claim: string): Promise<{ pid?: unknown } | 'gone'> {
  try {
    const rec = JSON.parse((await readRegular(claim, 4096)).toString('utf8')) as unknown;
    return typeof rec === 'object' && rec !== null ? rec : {};
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : {};
  }
}

/**
 * Remove the lock `file`, stale and holding `stale`, once this process alone claimed its removal.
 * 'removed'; 'changed' when the lock is no longer that stale one (another starter replaced it);
 * or the claim of a live starter replacing it (look again in a moment).
 */
export async function removeStale(file: string, stale: Buffer, ports: ClaimPorts): Promise<Removal> {
  const key = createHash('sha256').update(stale).digest('hex').slice(0, 16);
  for (let n = 1; ; n++) {
    const claim = `${file}${TAKEOVER}${key}-${n}`;
    // Held here from before it is made: a starter of this process finding it made sees it live.
    claimsHere.add(claim);
    if (!(await ports.createWhole(claim, ports.record).catch((e: unknown) => fail(claim, e)))) {
      claimsHere.delete(claim);
      const theirs = await readClaim(claim);
      if (theirs === 'gone') return 'changed'; // its starter is done: look at the lock again
      if (ports.lives(theirs, () => claimsHere.has(claim))) return { pid: theirs.pid, claim };
      continue;
    }
    try {
      // Read as readLock reads it: a named pipe or a device holds nothing (and is never waited on).
      const now = await readRegular(file, stale.length + 1).catch((e: unknown) =>
        (e as NodeJS.ErrnoException).code === undefined && !(e instanceof TooLargeError)
          ? Buffer.alloc(0)
          : undefined,
      );
      if (!now?.equals(stale)) return 'changed';
      await unlink(file);
      return 'removed';
    } finally {
      await unlink(claim).catch(() => undefined);
      claimsHere.delete(claim);
    }
  }
}

/** A temporary file a starter writes a lock or a claim to before linking it: `<name>.<pid>.<random>.tmp`. */
const TEMP = /^(?:|\.takeover-[0-9a-f]{16}-\d+)\.(\d+)\.[0-9a-z]{1,8}\.tmp$/;

/**
 * Delete the claims next to `file` (their starters are gone, or done: this process holds the
 * lock), and the temporary files of starters killed while making a lock or a claim. `inUse` tells
 * a temporary file a starter still makes (it may yet be linked, and is deleted by its maker).
 */
export async function dropClaims(file: string, inUse: (pid: number, name: string) => boolean): Promise<void> {
  const base = path.basename(file);
  const prefix = `${base}${TAKEOVER}`;
  const names = await readdir(path.dirname(file)).catch(() => [] as string[]);
  for (const name of names) {
    const claim = name.startsWith(prefix) && /^[0-9a-f]{16}-\d+$/.test(name.slice(prefix.length));
    const pid = name.startsWith(base) ? TEMP.exec(name.slice(base.length))?.[1] : undefined;
    const left = pid !== undefined && !inUse(Number(pid), name);
    if (claim || left) await unlink(path.join(path.dirname(file), name)).catch(() => undefined);
  }
}
