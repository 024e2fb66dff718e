/**
 * A lab's pace in real time: a fixed-timestep accumulator with a cap on catch-up ticks, and the
 * broadcast budget (separate from the tick rate) that coalesces ticks into at most broadcastHz
 * frames a second.
 */

/** Most ticks one pump may run to catch up after a stall; the rest of the backlog is dropped. */
export const MAX_CATCH_UP = 250;
/** Broadcasts that may go out back to back after a late tick (the average stays at broadcastHz). */
const BROADCAST_BURST = 2;

export class Pacer {
  /** Simulated ms owed (wall time × speed) not yet run. */
  private acc = 0;
  private last: number;
  /** Broadcast budget: refills at broadcastHz, holds up to BROADCAST_BURST (a late tick goes out at once). */
  private tokens = 1;
  private run = 0;
  /** Ticks skipped in all, after stalls. */
  dropped = 0;

  constructor(
    now: number,
    private readonly broadcastHz: number,
  ) {
    this.last = now;
  }

  /** Wall time moved on to `now`: owe `speed` × the elapsed time (unless paused), refill the broadcast budget. */
  advance(now: number, speed: number, paused: boolean): void {
    const elapsed = Math.max(0, now - this.last);
    this.last = now;
    this.tokens = Math.min(BROADCAST_BURST, this.tokens + (elapsed * this.broadcastHz) / 1000);
    if (!paused) this.acc += elapsed * speed;
    this.run = 0;
  }

  /** Whether another tick of `tickMs` is due in this pump (counts it as run). */
  nextTick(tickMs: number): boolean {
    if (this.acc < tickMs || this.run >= MAX_CATCH_UP) return false;
    this.acc -= tickMs;
    this.run++;
    return true;
  }

  /** Drop what is still owed past the catch-up cap; returns how many ticks were skipped. */
  dropBacklog(tickMs: number): number {
    if (this.acc < tickMs) return 0;
    const lost = Math.floor(this.acc / tickMs);
    this.dropped += lost;
    this.acc -= lost * tickMs;
    return lost;
  }

  /** Whether a broadcast may go out now; takes it from the budget when so. */
  takeBroadcast(): boolean {
    if (this.tokens < 1 - 1e-9) return false;
    this.tokens -= 1;
    return true;
  }

  /** Forget what is owed (on resume, on reset). */
  clear(): void {
    this.acc = 0;
  }
}
