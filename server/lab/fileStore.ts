/**
 * The store on disk, one folder per lab under DATA_DIR/labs/<id>/:
 *   meta.json         the starting scenario and modes (written once)
 *   commands.ndjson   every applied command (and the pace each clock action left), one JSON
 *                     record a line, appended and fdatasync'ed
 *   snapshot.json     the engines' saved state at a tick, with pace and recent log (rewritten)
 *   progress.json     the latest tick reached (rewritten every second or so, not flushed)
 *   start.json        a fork's start: a snapshot at the tick it was forked (written once)
 *   start.missing     beside a fork saved before starts were kept: that its start is missing was
 *                     said once (the restores after it do not say it again)
 * Whole files go to a temporary file first and are renamed into place, so a crash leaves the old
 * or the new file, never half of one; a reset replaces the lab's folder whole (fileSwap.ts). A new
 * lab's folder, and its log when first made, have their folder entries flushed too (a power cut
 * can lose a rename or a new file whose folder was not). A torn last write of the log is cut off
 * on load (logTail.ts), kept first in DATA_DIR/quarantine/<id>-<time>-log-tail/ (quarantine.ts).
 * DATA_DIR/server.lock holds the owner's pid (lock.ts); a lab that
 * cannot be restored moves to DATA_DIR/quarantine/<id>-<time>/ with a reason.txt.
 */
import { mkdir, open, readdir, rm, stat, truncate, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { dropTempFiles, writeAtomic } from './atomicFile.js';
import {
  deleteFolder,
  settleSwaps,
  swapFolder,
  syncDir as flushFolder,
  type FolderSync,
} from './fileSwap.js';
import { wholeRecords } from './logTail.js';
import { readError, readRegular, TooLargeError } from './labFile.js';
import { LAB_DIR, listLabs } from './labFolders.js';
import { lockDataDir } from './lock.js';
import { keepInQuarantine, moveToQuarantine } from './quarantine.js';
import { WriteFailures } from './writeFailures.js';
import {
  LabExistsError,
  NotDurableError,
  type LogRecord,
  type LabPart,
  type RawLab,
  type Store,
} from './store.js';

export { writeAtomic, LAB_DIR };

/** progress.json's fixed size (a safe integer tick fits). */
const PROGRESS_BYTES = 40;
const MiB = 1 << 20;
/**
 * The largest each file of a lab may be; its size is checked before it is read, and a larger one
 * is never read (a damaged part, or no lab's). Three times or more what the largest lab makes:
 * - meta.json holds a scenario that came in a request body of at most 1 MB (64 KB on the socket),
 *   validated (defaults filled in: about 1.15 times its size): under 2 MiB; after a reset, also
 *   the colours kept (colorBook.ts: the lab's VPSs, at most 8192, and the 64 removed last, about
 *   60 bytes each): under 0.5 MiB more. Before they were bounded, a colour for every VPS id ever
 *   added could take a meta over its cap.
 * - snapshot.json holds two engines of up to 8192 VPSs (MAX_VPS_PER_LAB's highest) at about 220
 *   bytes each, each with its scenario (under 2 MiB), the event log (1000 entries of up to 4000
 *   characters) and 1000 request ids: under 16 MiB.
 * - progress.json is written PROGRESS_BYTES long.
 * - start.json is a snapshot (a fork's at its first tick): as snapshot.json.
 * - commands.ndjson grows as long as the lab runs; it is held in memory whole (several times over,
 *   as lines and records) to be re-run: 256 MiB is over 1.5 million records, ten commands a second
 *   for two days on end. A longer log is not read; its lab stays on disk, not started.
 */
export const FILE_CAPS: Record<LabPart, number> = {
  meta: 8 * MiB,
  snapshot: 64 * MiB,
  progress: 4096,
  commands: 256 * MiB,
  start: 64 * MiB,
};
/** Each part of a lab, by file. */
const FILES: Record<LabPart, string> = {
  meta: 'meta.json',
  snapshot: 'snapshot.json',
  progress: 'progress.json',
  commands: 'commands.ndjson',
  start: 'start.json',
};
/** Beside a fork saved before starts were kept: its start.json is missing, and that was said. */
const START_MISSING = 'start.missing';

interface LogFile {
  fh: FileHandle | null;
  /** progress.json, kept open: rewritten in place with one small write. */
  progress: FileHandle | null;
  /** The last progress write failed (logged once, not again every second until one succeeds). */
  progressFailing?: boolean;
  /** Bytes known to be whole records; a failed write is cut back to this. */
  size: number;
  /** A failed write could not be cut back: the log is cut to `size` before anything more is written. */
  uncut?: boolean;
  /**
   * Records whose write failed (their commands applied in memory, answered "not saved"): written
   * first, in order, by the next write of the log, so the log never misses a command the lab holds.
   */
  unsaved: string[];
  pending: { line: string; resolve: () => void; reject: (e: unknown) => void }[];
  queued: boolean;
}

/** What the file store does to disk that a test may replace: flushing a folder's entries. */
export interface FileStoreOptions {
  syncDir?: FolderSync;
}

/** Open the store in `dataDir` (created if missing), taking its lock. Rejects with StoreLockedError when another server holds it. */
export async function openFileStore(
  dataDir: string,
  logger: Logger,
  opts: FileStoreOptions = {},
): Promise<Store> {
  const syncDir = opts.syncDir ?? flushFolder;
  const root = path.join(dataDir, 'labs');
  await mkdir(root, { recursive: true });
  const release = await lockDataDir(dataDir, logger);
  try {
    await settleSwaps(root, (id) => LAB_DIR.test(id), logger);
    await dropTempFiles(
      root,
      (name) => LAB_DIR.test(name),
      [FILES.meta, FILES.snapshot, FILES.start, START_MISSING],
      logger,
    );
  } catch (e) {
    await release();
    throw e;
  }
  const chains = new Map<string, Promise<void>>();
  const logs = new Map<string, LogFile>();
  const dir = (id: string) => path.join(root, id);
  /** The log and snapshot writes that keep failing: said when they start failing and when they stop. */
  const failures = new WriteFailures(logger);

  /**
   * Run `job` after the lab's earlier writes; its failure is rethrown to the caller only, and logged
   * unless `quiet` (a job that tells `failures` itself).
   */
  const enqueue = (id: string, job: () => Promise<void>, quiet = false): Promise<void> => {
    const prev = chains.get(id) ?? Promise.resolve();
    const run = prev.then(job);
    const next = run.catch((err: unknown) => {
      if (!quiet) logger.error({ err, lab: id }, 'could not write lab data');
    });
    chains.set(id, next);
    void next.then(() => {
      if (chains.get(id) === next) chains.delete(id);
    });
    return run;
  };

  /** The command log as bytes (a torn write may have cut a character in two); undefined when there is none. */
  const readLog = async (id: string, unreadable: NonNullable<RawLab['unreadable']>) => {
    try {
      return await readRegular(path.join(dir(id), FILES.commands), FILE_CAPS.commands);
    } catch (e) {
      // Not damaged, only longer than this server reads: left as it is, not quarantined.
      if (e instanceof TooLargeError)
        throw new Error(
          `lab "${id}": ${FILES.commands} is ${e.size} bytes, over the cap of ${e.cap} bytes a log is read up to; it is left on disk, not started`,
          { cause: e },
        );
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') unreadable.commands = readError(e);
      return undefined;
    }
  };

  const closeLog = async (id: string) => {
    const log = logs.get(id);
    logs.delete(id);
    await log?.fh?.close().catch(() => undefined);
    await log?.progress?.close().catch(() => undefined);
  };

  /** Write every record waiting for this lab in one write and one fdatasync, then resolve them all. */
  const writeGroup = async (id: string, log: LogFile) => {
    log.queued = false;
    const group = log.pending.splice(0);
    if (!group.length && !log.unsaved.length) return;
    const lines = [...log.unsaved, ...group.map((p) => p.line)];
    const data = Buffer.from(lines.join(''));
    try {
      if (!log.fh) {
        log.fh = await open(path.join(dir(id), 'commands.ndjson'), 'a');
        log.size = (await log.fh.stat()).size;
        // A log just made is found after a power cut only once its folder's entry is on disk too.
        if (log.size === 0) await syncDir(dir(id));
      }
      // Half-written records left by a failed write stay out of the log's middle: cut them first.
      if (log.uncut) {
        await log.fh.truncate(log.size);
        log.uncut = false;
      }
      // One write may take only part of the bytes (a disk filling up): the rest goes after it.
      for (let at = 0; at < data.length;) at += (await log.fh.write(data, at, data.length - at)).bytesWritten;
      await log.fh.datasync();
      log.size += data.length;
    } catch (err) {
      if (log.fh)
        log.uncut = !(await log.fh.truncate(log.size).then(
          () => true,
          () => false,
        ));
      log.unsaved = lines;
      for (const p of group) p.reject(err);
      failures.failed(id, FILES.commands, err);
      throw err;
    }
    failures.wrote(id, FILES.commands);
    log.unsaved = [];
    for (const p of group) p.resolve();
  };

  const logOf = (id: string): LogFile => {
    let log = logs.get(id);
    if (!log)
      logs.set(id, (log = { fh: null, progress: null, size: 0, unsaved: [], pending: [], queued: false }));
    return log;
  };

  let closed = false;
  const store: Store = {
    list() {
      return listLabs(root, logger);
    },
    async load(id) {
      if (!LAB_DIR.test(id)) return undefined;
      const unreadable: RawLab['unreadable'] = {};
      // A part that is there but cannot be read (a folder, an I/O error) is reported, not thrown:
      // the lab may still be rebuilt from the others.
      const read = async (part: LabPart) => {
        try {
          return (await readRegular(path.join(dir(id), FILES[part]), FILE_CAPS[part])).toString('utf8');
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') unreadable[part] = readError(e);
          return undefined;
        }
      };
      const [meta, snapshot, progress, start, log, startMissingKnown] = await Promise.all([
        read('meta'),
        read('snapshot'),
        read('progress'),
        read('start'),
        readLog(id, unreadable),
        stat(path.join(dir(id), START_MISSING)).then(
          (s) => s.isFile(),
          () => false,
        ),
      ]);
      const damaged = Object.keys(unreadable).length > 0;
      if (meta === undefined && snapshot === undefined && log === undefined && !damaged) return undefined;
      // What a power cut left of the last write (never acknowledged) goes, so new records follow whole ones.
      const { bytes, dropped } = wholeRecords(log ?? Buffer.alloc(0));
      if (log && bytes < log.length) {
        // Kept first, whatever its size: a damaged part is never deleted.
        const keptIn = await keepInQuarantine(
          dataDir,
          id,
          '-log-tail',
          'commands.ndjson.tail',
          log.subarray(bytes),
          `commands.ndjson: bytes ${bytes} to ${log.length} (${dropped} line${dropped === 1 ? '' : 's'}) are a torn last write ` +
            '(interrupted by a crash, never acknowledged), cut from the log',
        );
        await truncate(path.join(dir(id), 'commands.ndjson'), bytes);
        logger.warn(
          { lab: id, bytes: log.length - bytes, lines: dropped, keptIn },
          'cut a torn last write from the command log (interrupted by a crash; it was never acknowledged); kept in quarantine',
        );
      }
      const text = log ? log.subarray(0, bytes).toString('utf8') : '';
      const commands = text.split('\n');
      commands.pop();
      return {
        meta,
        snapshot,
        progress,
        start,
        commands,
        ...(startMissingKnown && { startMissingKnown }),
        ...(damaged && { unreadable }),
      } satisfies RawLab;
    },
    create(meta) {
      return enqueue(meta.id, async () => {
        let made = false;
        try {
          await mkdir(dir(meta.id));
          made = true;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
          // A folder holding anything, or a file under that name: never written over.
          const held = await readdir(dir(meta.id)).then(
            (names) => names.length > 0,
            () => true,
          );
          if (held) throw new LabExistsError(meta.id);
        }
        try {
          await writeAtomic(path.join(dir(meta.id), 'meta.json'), JSON.stringify(meta));
          // Acknowledged, the lab must survive a power cut: its folder's entries on disk as well.
          await syncDir(dir(meta.id));
          await syncDir(root);
        } catch (e) {
          // Nothing was created: the id stays free for when the disk takes writes again.
          if (made) await rm(dir(meta.id), { recursive: true, force: true }).catch(() => undefined);
          throw e;
        }
      });
    },
    replace(meta) {
      return enqueue(meta.id, async () => {
        await swapFolder(
          root,
          meta.id,
          (to) => writeAtomic(path.join(to, 'meta.json'), JSON.stringify(meta)),
          logger,
          syncDir,
        ).catch(async (e: unknown) => {
          if (e instanceof NotDurableError && e.stands) await closeLog(meta.id);
          throw e;
        });
        // The handles (and records not yet written) were the old data's.
        await closeLog(meta.id);
      });
    },
    append(id, rec: LogRecord) {
      if (closed) return Promise.reject(new Error('the store is closed'));
      const l = logOf(id);
      const done = new Promise<void>((resolve, reject) =>
        l.pending.push({ line: JSON.stringify(rec) + '\n', resolve, reject }),
      );
      if (!l.queued) {
        l.queued = true;
        enqueue(id, () => writeGroup(id, l), true).catch(() => undefined);
      }
      return done;
    },
    saveSnapshot(id, snapshot) {
      const text = JSON.stringify(snapshot);
      return enqueue(
        id,
        async () => {
          // A snapshot holds every command applied so far: it waits until the log holds them too,
          // or a restart could not re-run the log to it.
          const log = logs.get(id);
          if (log?.unsaved.length) await writeGroup(id, log);
          try {
            await writeAtomic(path.join(dir(id), FILES.snapshot), text);
          } catch (e) {
            failures.failed(id, FILES.snapshot, e);
            throw e;
          }
          failures.wrote(id, FILES.snapshot);
        },
        true,
      );
    },
    saveStart(id, start) {
      const text = JSON.stringify(start);
      return enqueue(id, async () => {
        await writeAtomic(path.join(dir(id), FILES.start), text);
        // A new file: found after a power cut only once its folder's entry is on disk too.
        await syncDir(dir(id));
      });
    },
    startMissing(id) {
      return enqueue(
        id,
        () =>
          writeAtomic(
            path.join(dir(id), START_MISSING),
            'start.json is missing (this fork was saved before its start was kept): it comes back from its snapshot only, without its history before it\n',
          ),
        // Said by the caller, which goes on without it.
        true,
      );
    },
    saveProgress(id, tick) {
      // A fixed-width record written over itself at offset 0: one small write, no fsync (a torn
      // or lost one only means the lab resumes a little earlier; it is validated on load).
      const text = Buffer.from(JSON.stringify({ tick }).padEnd(PROGRESS_BYTES, ' '));
      if (closed) return Promise.resolve();
      const log = logOf(id);
      return enqueue(id, async () => {
        try {
          log.progress ??= await open(path.join(dir(id), 'progress.json'), 'w');
          await log.progress.write(text, 0, text.length, 0);
        } catch (e) {
          // Logged once (by enqueue); the same failure again a second later says nothing new.
          if (log.progressFailing) return;
          log.progressFailing = true;
          throw e;
        }
        if (log.progressFailing) logger.info({ lab: id }, 'progress.json is written again');
        log.progressFailing = false;
      });
    },
    quarantine(id, reason) {
      return enqueue(id, async () => {
        await closeLog(id);
        failures.forget(id);
        const to = await moveToQuarantine(dataDir, id, '', dir(id), reason);
        logger.error({ lab: id, movedTo: to, reason }, 'a saved lab cannot be restored; moved to quarantine');
      });
    },
    setAside(id, part, reason) {
      return enqueue(id, async () => {
        const to = await moveToQuarantine(dataDir, id, `-${part}`, path.join(dir(id), FILES[part]), reason);
        logger.warn(
          { lab: id, movedTo: to, reason },
          `${FILES[part]} of a saved lab is damaged; moved aside, kept whole`,
        );
      });
    },
    remove(id) {
      return enqueue(id, async () => {
        await closeLog(id);
        failures.forget(id);
        await deleteFolder(root, id, logger, syncDir);
      });
    },
    async flush() {
      while (chains.size) await Promise.all([...chains.values()]);
    },
    async close() {
      if (closed) return;
      closed = true;
      await store.flush();
      for (const id of [...logs.keys()]) await closeLog(id);
      await release();
    },
  };
  return store;
}
