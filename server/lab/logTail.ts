/**
 * What a power cut can leave at the end of a command log, and what of it is whole. Records are
 * appended in groups, each group in one write followed by one fdatasync, and acknowledged only
 * after it: a group acknowledged is on disk whole, so only the last write can be torn, and it was
 * never acknowledged. A torn write is cut short (a last line without its newline), or holds blocks
 * the disk never wrote (zeros, the file's length already set), anywhere in it. A batch's records
 * (applied all together or not at all) are one write and each says how many they are (`of`): a
 * batch at the end with fewer records whole was torn, and goes whole.
 *
 * Every write ends with its newline and holds only whole records: a newline-ended line with no
 * zero byte that is not a record was never torn by a crash. It is damage (a disk's or a hand's),
 * at the end of the log as in its middle: left in place, for the restore to refuse by its line.
 */

/** A newline-ended line a torn write can leave: one holding zeros where blocks were never written. */
const torn = (line: Buffer): boolean => line.includes(0);

/** A line that is not a whole record (torn, or damaged otherwise). */
const damaged = (line: Buffer): boolean => {
  if (torn(line)) return true;
  try {
    const rec = JSON.parse(line.toString('utf8')) as unknown;
    return typeof rec !== 'object' || rec === null || Array.isArray(rec);
  } catch {
    return true;
  }
};

/** A batch record's marks: how many records its batch has, and what they share. */
function batchOf(line: Buffer): { of: number; tick: unknown; rid: unknown } | null {
  if (damaged(line)) return null;
  const rec = JSON.parse(line.toString('utf8')) as { of?: unknown; tick?: unknown; rid?: unknown };
  return typeof rec.of === 'number' && Number.isInteger(rec.of) && rec.of > 1
    ? { of: rec.of, tick: rec.tick, rid: rec.rid }
    : null;
}

/**
 * How many bytes at the head of `log` are whole records, and how many lines after them a torn last
 * write left (dropped: never acknowledged).
 */
export function wholeRecords(log: Buffer): { bytes: number; dropped: number } {
  const whole = log.lastIndexOf(0x0a) + 1;
  const starts: number[] = [];
  for (let at = 0; at < whole; at = log.indexOf(0x0a, at) + 1) starts.push(at);
  const line = (i: number) => log.subarray(starts[i], (starts[i + 1] ?? whole) - 1);
  let n = starts.length;
  for (;;) {
    if (n > 0 && torn(line(n - 1))) {
      n--;
      continue;
    }
    const last = n > 0 ? batchOf(line(n - 1)) : null;
    if (!last) break;
    // The batch records at the end (whole batches of one size, one tick and one id may follow each other).
    let run = 1;
    for (let i = n - 2; i >= 0; i--) {
      const b = batchOf(line(i));
      if (!b || b.of !== last.of || b.tick !== last.tick || b.rid !== last.rid) break;
      run++;
    }
    const partial = run % last.of;
    if (!partial) break;
    // A torn batch goes whole, with the torn line of its first records if the cut left one.
    n -= partial;
    if (n > 0 && torn(line(n - 1))) n--;
  }
  const bytes = n < starts.length ? starts[n] : whole;
  return { bytes, dropped: starts.length - n + (whole < log.length ? 1 : 0) };
}
