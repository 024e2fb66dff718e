/**
 * Loading a saved lab from its folder: each part read as text (a part that is there but cannot be
 * read is reported, not thrown), and a torn last write of the command log cut off, kept first in
 * DATA_DIR/quarantine/<id>-<time>-log-tail/ (quarantine.ts).
 */
import { stat, truncate } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { readError, readRegular } from './labFile.js';
import { readLog } from './labLog.js';
import { FILE_CAPS, FILES, START_MISSING } from './labParts.js';
import { wholeRecords } from './logTail.js';
import { keepInQuarantine } from './quarantine.js';
import type { LabPart, RawLab } from './store.js';

/**
 * Lab `id` as it is saved in `labDir` (its folder under `dataDir`), undefined when the folder holds
 * none of its parts; a log over its cap is refused with an error, the lab left on disk.
 */
export async function loadLab(
  dataDir: string,
  labDir: string,
  id: string,
  logger: Logger,
): Promise<RawLab | undefined> {
  const unreadable: RawLab['unreadable'] = {};
  // A part that is there but cannot be read (a folder, an I/O error) is reported, not thrown:
  // the lab may still be rebuilt from the others.
  const read = async (part: LabPart) => {
    try {
      return (await readRegular(path.join(labDir, FILES[part]), FILE_CAPS[part])).toString('utf8');
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
    readLog(labDir, id, unreadable),
    stat(path.join(labDir, START_MISSING)).then(
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
    await truncate(path.join(labDir, 'commands.ndjson'), bytes);
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
}
