/** Where the runner's output goes: stdout, or a temporary file renamed into place only on success. */
import { closeSync, existsSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

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
  const text = String(err?.message ?? e).replace(/^[A-Z]+: /, '').replace(/, \w+( '.*')?$/, '');
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
 * A message on stderr, written straight to its file descriptor: a run that only reports at the
 * end does not pay for building `process.stderr` at start.
 */
export function say(text: string): void {
  try {
    writeAll(2, Buffer.from(text, 'utf8'));
  } catch (e) {
    // Nobody reads the messages any more: the run's outcome is its exit code.
    if (!(e instanceof OutputClosed)) throw e;
  }
}

/** Buffers text and writes it in chunks of about 1 MB, so output streams and memory stays flat. */
export class Sink {
  private fd: number;
  private tmp?: string;
  private buf = '';
  /** Opens the output; an `--out` whose folder cannot take a file throws {@link OutputFailed}. */
  constructor(private readonly out?: string) {
    if (out) {
      this.tmp = resolve(dirname(out), `.${process.pid}.sim.tmp`);
      try {
        this.fd = openSync(this.tmp, 'w');
      } catch (e) {
        throw new OutputFailed(`--out: cannot create a file in ${dirname(resolve(out))}: ${reason(e)}`);
      }
    } else this.fd = 1;
  }
  private get where(): string {
    return this.out ? `--out ${this.out}` : 'the standard output';
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
    } catch (e) {
      if (e instanceof OutputClosed) throw e;
      throw new OutputFailed(`cannot write to ${this.where}: ${reason(e)}`);
    }
  }
  close(): void {
    this.flush();
    if (this.tmp) {
      try {
        closeSync(this.fd);
        renameSync(this.tmp, this.out!);
      } catch (e) {
        throw new OutputFailed(`cannot write to ${this.where}: ${reason(e)}`);
      }
      this.tmp = undefined;
    }
  }
  /** Drops what was written to a temporary file (a failed run leaves no partial `--out`). */
  abort(): void {
    if (this.tmp) {
      try {
        closeSync(this.fd);
      } catch {
        /* already closed */
      }
      if (existsSync(this.tmp)) unlinkSync(this.tmp);
    }
  }
}
