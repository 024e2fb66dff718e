/** Where the runner's output goes: stdout, or `--out` (see {@link Sink}). */
import {
  closeSync,
  existsSync,
  fchmodSync,
  openSync,
  realpathSync,
  renameSync,
  statfsSync,
  statSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** The reader of the runner's standard output went away (`sim … | head`): nothing more to write. */
export class OutputClosed extends Error {
  constructor() {
    super('the reader of the output closed it');
  }
}

/** The output could not be written (a full disk, a read-only folder, …): `message` says where and why. */
export class OutputFailed extends Error {}

/** `ENOSPC: no space left on device, write` → `no space left on device (ENOSPC)`. */
export function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const text = String(err?.message ?? e)
    .replace(/^[A-Z]+: /, '')
    .replace(/, \w+( '.*')?$/, '');
  return err?.code ? `${text} (${err.code})` : text;
}

/** Writes all of `b` to `fd`, waiting out a non-blocking pipe that is full. */
export function writeAll(fd: number, b: Buffer): void {
  while (b.length) {
    try {
      b = b.subarray(writeSync(fd, b));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') throw new OutputClosed();
      if (code !== 'EAGAIN') throw e;
    }
  }
}

/**
 * Control characters (but the line's end), and those that reverse the text after them, as `\u001b`:
 * a message quotes what a scenario file holds (an unknown field's name), and a terminal would
 * obey them (set its title, its colours, clear the screen) instead of showing them.
 */
// eslint-disable-next-line no-control-regex -- these are what is escaped
const UNSHOWN = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const shown = (text: string): string =>
  text.replace(UNSHOWN, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * A message on stderr, written straight to its file descriptor: a run that only reports at the
 * end does not pay for building `process.stderr` at start.
 */
export function say(text: string): void {
  try {
    writeAll(2, Buffer.from(shown(text), 'utf8'));
  } catch (e) {
    // Nobody reads the messages any more: the run's outcome is its exit code.
    if (!(e instanceof OutputClosed)) throw e;
  }
}

/**
 * Buffers text and writes it in chunks of about 1 MB, so output streams and memory stays flat.
 * An `--out` file is written to a temporary file beside it and renamed into place only on success
 * (its mode kept; through a symbolic link, the link's target is replaced); an `--out` that is a
 * device or a pipe (`/dev/null`, a FIFO) is written straight, never replaced by a file.
 */
export class Sink {
  private fd: number;
  private tmp?: string;
  /** Where the temporary file goes once complete: `--out`, or the file a link of that name points to. */
  private target?: string;
  private buf = '';
  private written = 0;
  /** Opens the output; an `--out` whose folder cannot take a file throws {@link OutputFailed}. */
  constructor(private readonly out?: string) {
    if (!out) {
      this.fd = 1;
      return;
    }
    const existing = statOrNull(out);
    try {
      if (existing && !existing.isFile()) {
        this.fd = openSync(out, 'w');
        return;
      }
      this.target = existing ? realpathSync(out) : resolve(out);
      this.tmp = join(dirname(this.target), `.${basename(this.target)}.${process.pid}.tmp`);
      this.fd = openSync(this.tmp, 'w', existing ? existing.mode & 0o7777 : 0o666);
      if (existing) fchmodSync(this.fd, existing.mode & 0o7777);
    } catch (e) {
      this.tmp = undefined;
      const where = existing ? out : `a file in ${dirname(resolve(out))}`;
      throw new OutputFailed(`--out: cannot create ${where}: ${reason(e)}`);
    }
  }
  private get where(): string {
    return this.out ? `--out ${this.out}` : 'the standard output';
  }
  /** Whether the output is a temporary file renamed into place at the end (an `--out` file). */
  get replaces(): boolean {
    return this.tmp !== undefined;
  }
  /**
   * Refuses (throws {@link OutputFailed}) an `--out` file that would not fit on its disk: what was
   * given so far is `share` of the run's output, the rest is estimated at the same rate.
   */
  plan(share: number): void {
    if (!this.tmp || !(share > 0)) return;
    const total = this.bytes / share;
    let free: number;
    try {
      const fs = statfsSync(dirname(this.tmp));
      free = fs.bavail * fs.bsize;
    } catch {
      return;
    }
    if (total - this.written > free)
      throw new OutputFailed(
        `--out ${this.out}: the run would write about ${bytes(total)}, more than the ${bytes(free)} free ` +
          `on its disk (shorten --duration, or use --format summary)`,
      );
  }
  /** Bytes given so far (written or buffered). */
  private get bytes(): number {
    return this.written + Buffer.byteLength(this.buf, 'utf8');
  }
  write(s: string): void {
    this.buf += s;
    if (this.buf.length > 1 << 20) this.flush();
  }
  private flush(): void {
    const b = Buffer.from(this.buf, 'utf8');
    this.buf = '';
    try {
      writeAll(this.fd, b);
      this.written += b.length;
    } catch (e) {
      if (e instanceof OutputClosed) throw e;
      throw new OutputFailed(`cannot write to ${this.where}: ${reason(e)}`);
    }
  }
  close(): void {
    this.flush();
    if (this.out) {
      try {
        closeSync(this.fd);
        if (this.tmp) renameSync(this.tmp, this.target!);
      } catch (e) {
        throw new OutputFailed(`cannot write to ${this.where}: ${reason(e)}`);
      }
      this.tmp = undefined;
    }
  }
  /** Drops what was written to a temporary file (a failed run leaves no partial `--out`). */
  abort(): void {
    if (!this.out) return;
    try {
      closeSync(this.fd);
    } catch {
      /* already closed */
    }
    if (this.tmp && existsSync(this.tmp)) unlinkSync(this.tmp);
    this.tmp = undefined;
  }
}

/** `3.2 GB`, `410 TB`: decimal units, as disks are sold and `df -H` shows them. */
function bytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  let k = 0;
  while (n >= 1000 && k < units.length - 1) {
    n /= 1000;
    k++;
  }
  return `${n.toFixed(n < 10 && k > 0 ? 1 : 0)} ${units[k]}`;
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}
