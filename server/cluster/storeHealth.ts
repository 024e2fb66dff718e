/**
 * Whether Redis answers this process now. A Redis that is gone (killed, unreachable) or that holds
 * its connection open without answering (frozen, or cut off by a network dropping packets) looks
 * the same from here: nothing comes back. A PING goes out every PROBE_MS (one at a time); once no
 * PING sent within the last QUIET_MS came back, Redis counts as not answering. An answer proves
 * Redis answered after its PING was sent, nothing later: it counts from then, and once Redis went
 * quiet only the answer to a PING sent after that, and within QUIET_MS, ends the quiet (a reply
 * held up in a busy process or network is no sign that Redis answers now; another PING goes out at
 * once). What a viewer connected here is told, and whether a request that needs Redis is tried at
 * all, follow from it.
 */
import type { Redis } from 'ioredis';

/** A PING is sent this often (unless one is still out). */
export const PROBE_MS = 500;
/** Redis counts as not answering once no PING sent within this long came back. */
export const QUIET_MS = 2000;

export class StoreHealth {
  /** When the newest PING that came back was sent (performance.now(), ms). */
  private lastAnswer = performance.now();
  /** Since when Redis counts as not answering; null while it answers. */
  private quietSince: number | null = null;
  private asking = false;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly listeners = new Set<(answering: boolean) => void>();

  constructor(private readonly redis: Redis) {}

  /** Start probing; `answeredAt`: when the PING that Redis answered on connecting was sent. */
  start(answeredAt = performance.now()): void {
    if (this.timer) return;
    this.lastAnswer = Math.max(this.lastAnswer, answeredAt);
    this.timer = setInterval(() => this.probe(), PROBE_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Whether a PING sent within the last QUIET_MS came back (judged now, not at the last probe). */
  answering(): boolean {
    this.judge();
    return this.quietSince === null;
  }

  /** Called with the new value each time `answering()` changes. */
  listen(fn: (answering: boolean) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private probe(): void {
    this.judge();
    if (this.asking) return;
    this.asking = true;
    const sentAt = performance.now();
    this.redis.ping().then(
      () => {
        this.asking = false;
        this.answered(sentAt);
      },
      () => {
        this.asking = false;
      },
    );
  }

  private answered(sentAt: number): void {
    this.lastAnswer = Math.max(this.lastAnswer, sentAt);
    this.judge();
    if (this.quietSince === null) return;
    // Sent before Redis went quiet, or long ago: ask again at once, and let that answer tell.
    if (sentAt < this.quietSince || performance.now() - sentAt > QUIET_MS) return this.probe();
    this.quietSince = null;
    this.tell(true);
  }

  private judge(): void {
    if (this.quietSince !== null) return;
    const now = performance.now();
    if (now - this.lastAnswer <= QUIET_MS) return;
    this.quietSince = now;
    this.tell(false);
  }

  private tell(answering: boolean): void {
    for (const fn of this.listeners) fn(answering);
  }
}
