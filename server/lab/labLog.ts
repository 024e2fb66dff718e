/**
 * Each lab's command log (commands.ndjson) and progress.json as the file store holds them open:
 * reading a lab's log, writing the records waiting for it in one write and one fdatasync, cutting
 * back a failed write, and closing the files. The store orders the writes (one queue per lab).
 */
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { FolderSync } from './fileSwap.js';
import { readError, readRegular, TooLargeError } from './labFile.js';
import { FILE_CAPS, FILES } from './labParts.js';
import type { RawLab } from './store.js';
import type { WriteFailures } from './writeFailures.js';

/** A lab's open log files and the records waiting to be written to its log. */
export interface LogFile {
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

/**
 * The command log of lab `id` in `labDir` as bytes (a torn write may have cut a character in two);
 * undefined when there is none, or when it cannot be read (said in `unreadable`). A log over its cap
 * is refused with an error: not damaged, only longer than this server reads.
 */
export async function readLog(
  labDir: string,
  id: string,
  unreadable: NonNullable<RawLab['unreadable']>,
): Promise<Buffer | undefined> {
  try {
    return await readRegular(path.join(labDir, FILES.commands), FILE_CAPS.commands);
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
}

/** The open log files of the labs, by lab id. */
export class LabLogs {
  private readonly logs = new Map<string, LogFile>();

  constructor(
    /** The folder of lab `id`. */
    private readonly dir: (id: string) => string,
    private readonly syncDir: FolderSync,
    private readonly failures: WriteFailures,
  ) {}

  /** Lab `id`'s log files if it has any open or waiting. */
  get(id: string): LogFile | undefined {
    return this.logs.get(id);
  }

  /** Lab `id`'s log files, made (none open yet) when it has none. */
  of(id: string): LogFile {
    let log = this.logs.get(id);
    if (!log)
      this.logs.set(
        id,
        (log = { fh: null, progress: null, size: 0, unsaved: [], pending: [], queued: false }),
      );
    return log;
  }

  /** Close lab `id`'s files and forget them (with the records not yet written). */
  async close(id: string): Promise<void> {
    const log = this.logs.get(id);
    this.logs.delete(id);
    await log?.fh?.close().catch(() => undefined);
    await log?.progress?.close().catch(() => undefined);
  }

  /** Close every lab's files, one lab after another. */
  async closeAll(): Promise<void> {
    for (const id of [...this.logs.keys()]) await this.close(id);
  }

  /** Write every record waiting for this lab in one write and one fdatasync, then resolve them all. */
  async writeGroup(id: string, log: LogFile): Promise<void> {
    const dir = this.dir(id);
    log.queued = false;
    const group = log.pending.splice(0);
    if (!group.length && !log.unsaved.length) return;
    const lines = [...log.unsaved, ...group.map((p) => p.line)];
    const data = Buffer.from(lines.join(''));
    try {
      if (!log.fh) {
        log.fh = await open(path.join(dir, 'commands.ndjson'), 'a');
        log.size = (await log.fh.stat()).size;
        // A log just made is found after a power cut only once its folder's entry is on disk too.
        if (log.size === 0) await this.syncDir(dir);
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
      this.failures.failed(id, FILES.commands, err);
      throw err;
    }
    this.failures.wrote(id, FILES.commands);
    log.unsaved = [];
    for (const p of group) p.resolve();
  }
}
