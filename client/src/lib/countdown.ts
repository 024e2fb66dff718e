/**
 * The one "now" every countdown on the page is told from ("▸ stop io_storm on batch-1 in 0:55"):
 * the lab's newest simulated time, in whole seconds. Each chart redraws on its own schedule; telling
 * the time left from its own newest data at its own redraw, two charts said "in 0:55" and "in 0:54"
 * at the same moment. Here the value moves once per whole second, at most every MIN_STEP_MS of
 * wall time (a fast lab would otherwise redraw every chart at each of its seconds), and every
 * chart showing a countdown is told in one animation frame, so all of them redraw together.
 */
import { cancel, schedule } from './scheduler.js';

/** The shared value moves at most this often (wall ms). */
export const MIN_STEP_MS = 250;

const wallNow = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export class Countdown {
  private value = NaN;
  private pending = NaN;
  private lastStep = -Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly step = (): void => {
    this.timer = undefined;
    if (Object.is(this.pending, this.value)) return;
    this.value = this.pending;
    this.lastStep = wallNow();
    for (const fn of this.listeners) fn();
  };

  /** The newest simulated time every countdown is told from, whole seconds (undefined before any). */
  get now(): number | undefined {
    return Number.isNaN(this.value) ? undefined : this.value;
  }

  /** The lab's newest simulated time (s) moved to `t`; NaN when it holds nothing (a reset). */
  set(t: number): void {
    const s = Number.isFinite(t) ? Math.floor(t) : NaN;
    if (Object.is(s, this.pending)) return;
    this.pending = s;
    if (this.timer !== undefined) return;
    // A jump back (a reset, a new snapshot) moves at once; a step forward waits its turn.
    const wait = s < this.value ? 0 : this.lastStep + MIN_STEP_MS - wallNow();
    if (wait <= 0) schedule(this.step);
    else this.timer = setTimeout(() => schedule(this.step), wait);
  }

  /** Call `fn` in the animation frame the shared value moves in; returns the unsubscribe function. */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Nothing more moves (the lab is closed). */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    cancel(this.step);
    this.listeners.clear();
  }
}
