/**
 * The newest of a burst of values, handed on at most once per interval: at once when the last
 * hand-over is older than the interval, else the newest value when the interval has passed (those
 * in between are never handed on). The lab hands frames to the reactive UI through one, so a burst
 * of frames costs one render.
 */
export class Coalescer<T> {
  private last = -Infinity;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private pending: { value: T } | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly deliver: (value: T) => void,
  ) {}

  push(value: T): void {
    this.pending = { value };
    if (this.timer) return;
    const wait = this.last + this.intervalMs - Date.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Drops the value waiting to be handed on, if any (what replaced it is handed on another way). */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = null;
  }

  private flush(): void {
    this.timer = null;
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    this.last = Date.now();
    this.deliver(p.value);
  }
}
