/** Where the runner's output goes: stdout, or a temporary file renamed into place only on success. */
import { closeSync, existsSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

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
    let b = Buffer.from(this.buf, 'utf8');
    this.buf = '';
    while (b.length) {
      try {
        b = b.subarray(writeSync(this.fd, b));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      }
    }
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
