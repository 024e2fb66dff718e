/** Where the runner's output goes: stdout, or a temporary file renamed into place only on success. */
import { closeSync, existsSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** The reader of the runner's standard output went away (`sim … | head`): nothing more to write. */
export class OutputClosed extends Error {
  constructor() {
    super('the reader of the output closed it');
  }
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
  constructor(private readonly out?: string) {
    if (out) {
      this.tmp = resolve(dirname(out), `.${process.pid}.sim.tmp`);
      this.fd = openSync(this.tmp, 'w');
    } else this.fd = 1;
  }
  write(s: string): void {
    this.buf += s;
    if (this.buf.length > 1 << 20) this.flush();
  }
  private flush(): void {
    const b = Buffer.from(this.buf, 'utf8');
    this.buf = '';
    writeAll(this.fd, b);
  }
  close(): void {
    this.flush();
    if (this.tmp) {
      closeSync(this.fd);
      renameSync(this.tmp, this.out!);
    }
  }
  abort(): void {
    if (this.tmp) {
      closeSync(this.fd);
      if (existsSync(this.tmp)) unlinkSync(this.tmp);
    }
  }
}
