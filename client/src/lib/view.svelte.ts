/// <reference types="svelte" />
/**
 * The time window every chart shares: its length, whether it follows the newest data, the
 * crosshair position and the drag selection. Hover freezes the window until the pointer leaves;
 * a zoom freezes it until "Resume live".
 */
export const WINDOWS_S = [60, 300, 900] as const;

export class TimeView {
  windowS = $state<number>(60);
  /** The window is frozen (hover or zoom): new data does not move it. */
  paused = $state(false);
  zoomed = $state(false);
  /** Frozen window, in simulated seconds (only meaningful while paused). */
  frozen: [number, number] = [0, 0];
  /** Crosshair time shared by every chart (null when the pointer is elsewhere). */
  hoverT: number | null = null;
  /** Drag selection in progress, in simulated seconds. */
  selection: [number, number] | null = null;
  // Plain callbacks, not state: nothing renders from this set.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly listeners = new Set<(dataChanged: boolean) => void>();

  /** Called when the window (true) or only the overlay (false) changed. */
  onChange(fn: (windowChanged: boolean) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(windowChanged: boolean): void {
    for (const fn of this.listeners) fn(windowChanged);
  }

  /**
   * The visible [start, end] given the newest sample's time. With a `quantum` (a chart's column
   * width) the live window moves in whole columns, so columns stay put between steps.
   */
  range(latestT: number, quantum = 0): [number, number] {
    if (this.paused) return this.frozen;
    const latest = Number.isFinite(latestT) ? latestT : 0;
    // A young lab fills a fixed axis from 0 instead of showing negative time.
    if (latest < this.windowS) return [0, this.windowS];
    const end = quantum > 0 ? (Math.floor(latest / quantum) + 1) * quantum : latest;
    return [end - this.windowS, end];
  }

  setWindow(s: number, latestT: number): void {
    this.windowS = s;
    if (this.zoomed || this.paused) {
      const end = this.paused ? this.frozen[1] : latestT;
      this.frozen = [end - s, end];
    }
    this.emit(true);
  }

  hover(t: number | null, latestT: number, quantum = 0): void {
    this.hoverT = t;
    if (t !== null && !this.paused) {
      this.frozen = this.range(latestT, quantum);
      this.paused = true;
      this.emit(true);
      return;
    }
    if (t === null && this.paused && !this.zoomed) {
      this.paused = false;
      this.emit(true);
      return;
    }
    this.emit(false);
  }

  select(sel: [number, number] | null): void {
    this.selection = sel;
    this.emit(false);
  }

  zoom(a: number, b: number): void {
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    if (!(hi - lo > 0)) return;
    this.frozen = [lo, hi];
    this.paused = true;
    this.zoomed = true;
    this.selection = null;
    this.emit(true);
  }

  resume(): void {
    this.paused = false;
    this.zoomed = false;
    this.selection = null;
    this.hoverT = null;
    this.emit(true);
  }
}
