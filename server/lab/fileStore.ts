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
 * on load (labLoad.ts, logTail.ts), kept first in DATA_DIR/quarantine/<id>-<time>-log-tail/
 * (quarantine.ts). Each part's file and cap are in labParts.ts; the open log files and their
 * writes in labLog.ts. DATA_DIR/server.lock holds the owner's pid (lock.ts); a lab that
 * cannot be restored moves to DATA_DIR/quarantine/<id>-<time>/ with a reason.txt.
 */
import { mkdir, open, readdir, rm } from 'node:fs/promises';
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
import { LAB_DIR, listLabs } from './labFolders.js';
import { loadLab } from './labLoad.js';
import { LabLogs } from './labLog.js';
import { FILE_CAPS, FILES, PROGRESS_BYTES, START_MISSING } from './labParts.js';
import { lockDataDir } from './lock.js';
import { moveToQuarantine } from './quarantine.js';
import { WriteFailures } from './writeFailures.js';
import { LabExistsError, NotDurableError, type LogRecord, type Store } from './store.js';

export { writeAtomic, LAB_DIR, FILE_CAPS };

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
  const dir = (id: string) => path.join(root, id);
  /** The log and snapshot writes that keep failing: said when they start failing and when they stop. */
  const failures = new WriteFailures(logger);
  const logs = new LabLogs(dir, syncDir, failures);

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

  let closed = false;
  const store: Store = {
    list() {
      return listLabs(root, logger);
    },
    async load(id) {
      if (!LAB_DIR.test(id)) return undefined;
      return loadLab(dataDir, dir(id), id, logger);
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
          if (e instanceof NotDurableError && e.stands) await logs.close(meta.id);
          throw e;
        });
        // The handles (and records not yet written) were the old data's.
        await logs.close(meta.id);
      });
    },
    append(id, rec: LogRecord) {
      if (closed) return Promise.reject(new Error('the store is closed'));
      const l = logs.of(id);
      const done = new Promise<void>((resolve, reject) =>
        l.pending.push({ line: JSON.stringify(rec) + '\n', resolve, reject }),
      );
      if (!l.queued) {
        l.queued = true;
        enqueue(id, () => logs.writeGroup(id, l), true).catch(() => undefined);
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
          if (log?.unsaved.length) await logs.writeGroup(id, log);
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
      const log = logs.of(id);
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
        await logs.close(id);
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
        await logs.close(id);
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
      await logs.closeAll();
      await release();
    },
  };
  return store;
}
