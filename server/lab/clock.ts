/**
 * Wall time as a port: the live labs read `now()` and run on `every()` timers, so tests drive them
 * with a ManualClock and never sleep.
 */
export interface Clock {
  /** Monotonic milliseconds. */
  now(): number;
  /** Call `fn` every `ms` milliseconds until the returned function is called. */
  every(ms: number, fn: () => void): () => void;
}

/** The real clock: performance.now() and setInterval (unref'd: timers never keep the process alive). */
export const systemClock: Clock = {
  now: () => performance.now(),
  every(ms, fn) {
    const h = setInterval(fn, ms);
    h.unref?.();
    return () => clearInterval(h);
  },
};

interface Timer {
  ms: number;
  due: number;
  fn: () => void;
  live: boolean;
}

/** A clock that moves only when told to; timers fire in due order as time advances. */
export class ManualClock implements Clock {
  private t: number;
  private timers: Timer[] = [];

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  every(ms: number, fn: () => void): () => void {
    const timer: Timer = { ms: Math.max(1, ms), due: this.t + Math.max(1, ms), fn, live: true };
    this.timers.push(timer);
    return () => {
      timer.live = false;
      this.timers = this.timers.filter((x) => x !== timer);
    };
  }

  /** Move time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let next: Timer | undefined;
      for (const x of this.timers) if (x.live && x.due <= end && (!next || x.due < next.due)) next = x;
      if (!next) break;
      this.t = next.due;
      next.due += next.ms;
      next.fn();
    }
    this.t = end;
  }
}
