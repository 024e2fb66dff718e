/**
 * Whether Redis answers this process now. A Redis that is gone (killed, unreachable) or that holds
 * its connection open without answering (frozen, or cut off by a network dropping packets) looks
 * the same from here: nothing comes back. A PING goes out every PROBE_MS (one at a time); once
 * none came back for QUIET_MS, Redis counts as not answering, until the next answer. What a viewer
 * connected here is told, and whether a request that needs Redis is tried at all, follow from it.
 */
import type { Redis } from 'ioredis';

/** A PING is sent this often (unless one is still out). */
export const PROBE_MS = 500;
/** Redis counts as not answering once nothing came back for this long. */
export const QUIET_MS = 2000;

export class StoreHealth {
  private lastAnswer = performance.now();
  private asking = false;
  private answeringNow = true;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly listeners = new Set<(answering: boolean) => void>();

  constructor(private readonly redis: Redis) {}

  /** Start probing (a connected process: Redis answered just now). */
  start(): void {
    if (this.timer) return;
    this.lastAnswer = performance.now();
    this.timer = setInterval(() => this.probe(), PROBE_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Whether Redis answered this process within the last QUIET_MS. */
  answering(): boolean {
    return this.answeringNow;
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
    this.redis.ping().then(
      () => {
        this.asking = false;
        this.lastAnswer = performance.now();
        this.judge();
      },
      () => {
        this.asking = false;
      },
    );
  }

  private judge(): void {
    const now = performance.now() - this.lastAnswer <= QUIET_MS;
    if (now === this.answeringNow) return;
    this.answeringNow = now;
    for (const fn of this.listeners) fn(now);
  }
}
