/**
 * Which files of the labs keep failing to be written (a full disk, a folder where the file
 * belongs), so the log says it once when a file starts failing, with the reason, and once when it is
 * written again, instead of at every failed write (a snapshot falls due every few seconds, a command
 * may come every second). Each failure in between is logged at debug level; a warning with the
 * count repeats at most every `remindMs` while it lasts.
 */
import type { Logger } from 'pino';

interface Failing {
  /** Failed writes so far. */
  failures: number;
  since: number;
  /** When it was last said. */
  said: number;
}

/** The default time between two warnings of a file that still cannot be written, ms. */
export const REMIND_MS = 10 * 60_000;

export class WriteFailures {
  private readonly failing = new Map<string, Failing>();

  constructor(
    private readonly logger: Logger,
    private readonly remindMs = REMIND_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** A write of lab `lab`'s `file` failed with `err`. */
  failed(lab: string, file: string, err: unknown): void {
    const key = `${lab}/${file}`;
    const now = this.now();
    const f = this.failing.get(key);
    if (!f) {
      this.failing.set(key, { failures: 1, since: now, said: now });
      this.logger.error({ err, lab, file }, 'could not write lab data');
      return;
    }
    f.failures++;
    const facts = { lab, file, failures: f.failures, failingMs: now - f.since };
    if (now - f.said < this.remindMs) {
      this.logger.debug(
        { ...facts, code: (err as NodeJS.ErrnoException)?.code },
        'lab data still cannot be written',
      );
      return;
    }
    f.said = now;
    this.logger.warn({ err, ...facts }, 'lab data still cannot be written');
  }

  /** A write of lab `lab`'s `file` succeeded. */
  wrote(lab: string, file: string): void {
    const key = `${lab}/${file}`;
    const f = this.failing.get(key);
    if (!f) return;
    this.failing.delete(key);
    this.logger.info(
      { lab, file, failures: f.failures, failingMs: this.now() - f.since },
      'lab data written again',
    );
  }

  /** The lab left the store (deleted, quarantined): what failed of it is no longer awaited. */
  forget(lab: string): void {
    for (const key of this.failing.keys()) if (key.startsWith(`${lab}/`)) this.failing.delete(key);
  }
}
