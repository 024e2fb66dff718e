/**
 * DATA_DIR/server.lock: which live server owns a DATA_DIR. It holds the owner's pid and, on Linux,
 * what tells that process apart from a later one given the same pid: the boot it ran in and its
 * start time. A lock is stale, and replaced, when its process is gone, when the machine booted
 * since, or when its pid now names another process (a container restarting its server often gets
 * the very same pid, this process's own). A folder where the lock belongs is refused, left as it is,
 * and so is a regular file that is no lock this server wrote (larger than one, not one's JSON) or
 * that cannot be read (EACCES): it may be someone's data, or another user's server's lock. An empty
 * lock, or one a crash cut short, is stale; so is something holding no data (a named pipe). At
 * shutdown the lock is removed only if it still holds the record written here.
 *
 * Servers starting together may all find the same stale lock: only one may remove it, or one would
 * remove the lock another has just written and both would run. Removing a stale lock is claimed
 * first (lockClaim.ts); a lock is written whole under a temporary name and linked into place, so no
 * starter ever reads a lock half written (and takes it for one a crash cut short). The temporary
 * files of starters killed before linking them are deleted by the next server to take the lock.
 */
import { readFileSync } from 'node:fs';
import { link, lstat, open, readFile, readlink, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { readError, readRegular, TooLargeError } from './labFile.js';
import { dropClaims, removeStale, type Owner } from './lockClaim.js';
import { StoreLockedError } from './store.js';

const LOCK = 'server.lock';
/** The largest a lock may be: the record written is about 150 bytes. */
export const LOCK_CAP = 4096;
/** What to do about a file in the lock's place that is left as it is. */
const MOVE_IT = 'move it out of the way (or remove it if it holds nothing you need), then start again';
/** The DATA_DIRs this process holds the lock of. */
const heldHere = new Set<string>();

interface LockRecord {
  pid?: unknown;
  boot?: unknown;
  start?: unknown;
}

/** This boot's id (Linux), else undefined. */
function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * Process `pid`'s state letter and when it started, in clock ticks since boot (Linux /proc), else
 * undefined.
 */
function statOf(pid: number): { state: string; start: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses): state is field 3, start time 22.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], start: fields[19] };
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the process a record names still runs (and is that process, not a later one with its
 * pid); `holdsHere`: whether this process, when it is the one named, still holds what the record
 * stands for.
 */
function ownerLives(rec: LockRecord, holdsHere: () => boolean): boolean {
  const pid = Number(rec.pid);
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return holdsHere();
  const boot = bootId();
  if (typeof rec.boot === 'string' && boot !== undefined && rec.boot !== boot) return false;
  const stat = statOf(pid);
  if (typeof rec.start === 'string' && stat !== undefined && rec.start !== stat.start) return false;
  // A zombie (killed, its parent never reaping it) or a dead process holds no file and writes nothing.
  if (stat !== undefined && (stat.state === 'Z' || stat.state === 'X')) return false;
  return isAlive(pid);
}

/**
 * What the lock at `file` says: its record ({} when it holds nothing to go by: empty or zeros, cut
 * short by a crash, or no regular file, a named pipe holding no data); 'gone' when it went meanwhile.
 * Throws, naming it and what to do, when it is no lock this server wrote or cannot be read.
 */
async function readLock(file: string, dataDir: string): Promise<{ rec: LockRecord; bytes: Buffer } | 'gone'> {
  let bytes: Buffer;
  try {
    bytes = await readRegular(file, LOCK_CAP);
  } catch (e) {
    if (e instanceof TooLargeError)
      throw new Error(
        `${file} is ${e.size} bytes, no lock file (a server's lock is about 150 bytes): it is left as it is; ${MOVE_IT}`,
        { cause: e },
      );
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      const link = await readlink(file).catch(() => undefined);
      if (link === undefined) return 'gone';
      throw new Error(
        `${file} is a symbolic link to ${link}, which does not exist, not a lock file; ${MOVE_IT}`,
        { cause: e },
      );
    }
    // A named pipe, a device: nothing on disk to lose, and never read (a pipe would wait forever).
    if (code === undefined) return { rec: {}, bytes: Buffer.alloc(0) };
    throw new Error(
      `${file} cannot be read (${readError(e)}), so whether a server holds ${dataDir} cannot be told: it is left as it is; ` +
        `let this user read it, or, if no server uses ${dataDir}, ${MOVE_IT}`,
      { cause: e },
    );
  }
  const text = bytes.toString('utf8');
  if (/^[\s\0]*$/.test(text)) return { rec: {}, bytes };
  try {
    const rec = JSON.parse(text) as unknown;
    if (typeof rec === 'object' && rec !== null && !Array.isArray(rec) && 'pid' in rec)
      return { rec: rec as LockRecord, bytes };
  } catch {
    // A record cut short by a crash (written in one small write, it starts with its pid, whole if a comma follows).
    if (text.startsWith('{"pid":')) return { rec: { pid: /^\{"pid":(\d+),/.exec(text)?.[1] }, bytes };
  }
  throw new Error(
    `${file} is not a lock file this server wrote (${bytes.length} bytes that are not a lock's JSON record with a pid): ` +
      `it is left as it is; ${MOVE_IT}`,
  );
}

/** Whether `file` is a regular file holding `record` exactly (read only when its size matches: never a pipe). */
async function holds(file: string, record: string): Promise<boolean> {
  const st = await lstat(file).catch(() => undefined);
  if (!st?.isFile() || st.size !== Buffer.byteLength(record)) return false;
  return (await readFile(file, 'utf8').catch(() => undefined)) === record;
}

/** This process's record: its pid, and what tells it apart from a later process given the same pid. */
const ownRecord = (): Owner & { startedAt: string } => ({
  pid: process.pid,
  startedAt: new Date().toISOString(),
  boot: bootId(),
  start: statOf(process.pid)?.start,
});

/**
 * Make `file` holding `data`, whole, unless something is there already (false then): written to a
 * temporary file, flushed, and linked into place (a link is never made over a file).
 */
async function createWhole(file: string, data: string): Promise<boolean> {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
  const fh = await open(tmp, 'wx');
  makingHere.add(tmp);
  try {
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await link(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await unlink(tmp).catch(() => undefined);
    makingHere.delete(tmp);
  }
}

/** The temporary files this process is making a lock or a claim in. */
const makingHere = new Set<string>();

/**
 * Whether a starter may still link the temporary file `name` of process `pid`: one of this
 * process's own while it makes it (a file under this pid it is not making was left by an earlier
 * process given the same pid), any of a process that lives.
 */
const tempInUse = (dir: string) => (pid: number, name: string) =>
  pid === process.pid ? makingHere.has(path.join(dir, name)) : isAlive(pid);

/** How many times a starter looks at a stale lock another starter is replacing (every 20 ms): 5 s. */
const LOOKS = 250;

/** Take `dataDir`'s lock (a stale one is replaced); returns its release. Rejects with StoreLockedError when a live server holds it. */
export async function lockDataDir(dataDir: string, logger: Logger): Promise<() => Promise<void>> {
  const dir = path.resolve(dataDir);
  const file = path.join(dataDir, LOCK);
  const record = JSON.stringify(ownRecord());
  for (let look = 0; ; look++) {
    if (await createWhole(file, record)) {
      heldHere.add(dir);
      // Claims and temporary files left by starters that crashed in the middle of a takeover.
      await dropClaims(file, tempInUse(dataDir));
      return async () => {
        heldHere.delete(dir);
        // Removed only while it is still the record written here: a lock put in its place since
        // (the file removed by hand and another server started on this DATA_DIR) is that server's.
        if (await holds(file, record)) await unlink(file).catch(() => undefined);
      };
    }
    // A folder is no lock a crash left: it may hold someone's files, so it is neither replaced nor emptied.
    if ((await lstat(file).catch(() => undefined))?.isDirectory())
      throw new Error(`${file} is a folder, not a lock file; ${MOVE_IT}`);
    const read = await readLock(file, dataDir);
    if (read === 'gone') continue;
    if (ownerLives(read.rec, () => heldHere.has(dir)))
      throw new StoreLockedError(
        `${dataDir} is in use by another server (pid ${String(read.rec.pid)}, see ${file}); stop it or use another DATA_DIR`,
      );
    const removed = await removeStale(file, read.bytes, { record, createWhole, lives: ownerLives });
    if (removed === 'removed')
      logger.warn({ file, pid: read.rec.pid }, 'replacing a stale lock left by a server that is gone');
    else if (removed !== 'changed') {
      // Another starter is replacing it: it writes its own lock in a moment.
      if (look >= LOOKS)
        throw new StoreLockedError(
          `${dataDir} is being taken by another server starting (pid ${String(removed.pid)}, see ${removed.claim}), which did not finish within 5 s; stop it or use another DATA_DIR`,
        );
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
