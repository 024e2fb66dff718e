/**
 * Lets a long run hear signals. The runner's loop is synchronous, so a signal's handler could only
 * run once the run is over: every ~50 ms the loop yields to the event loop, and a run stopped by
 * SIGINT, SIGTERM or SIGHUP ends there, so `--out` is dropped cleanly instead of a process killed
 * mid-write leaving its temporary file behind.
 */
import { constants } from 'node:os';

/** Milliseconds on a monotonic clock. */
const now = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Pause every this many milliseconds of running. */
const EVERY_MS = 50;

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** The run was stopped by a signal. */
export class Interrupted extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`stopped by ${signal}`);
  }
  /** The exit code of a process ended by this signal: 128 + its number (130 for SIGINT). */
  get exitCode(): number {
    return 128 + (constants.signals[this.signal] ?? 0);
  }
}

/** Pauses in a synchronous loop, listening for signals while installed. */
export class Breaks {
  private signal: NodeJS.Signals | null = null;
  private next = now() + EVERY_MS;
  private count = 0;
  private readonly onSignal = (s: NodeJS.Signals): void => {
    this.signal ??= s;
  };

  /** Takes over SIGINT, SIGTERM and SIGHUP until `close`. */
  listen(): this {
    for (const s of SIGNALS) process.on(s, this.onSignal);
    return this;
  }

  close(): void {
    for (const s of SIGNALS) process.off(s, this.onSignal);
  }

  /** Whether the loop should `pause` now (checked cheaply after each tick). */
  due(): boolean {
    if ((++this.count & 15) !== 0) return false;
    const t = now();
    if (t < this.next) return false;
    this.next = t + EVERY_MS;
    return true;
  }

  /** Yields to the event loop; rejects with {@link Interrupted} once a signal came. */
  async pause(): Promise<void> {
    await new Promise((ok) => setImmediate(ok));
    this.check();
  }

  /** Throws {@link Interrupted} if a signal came (heard at the last pause). */
  check(): void {
    if (this.signal) throw new Interrupted(this.signal);
  }
}
