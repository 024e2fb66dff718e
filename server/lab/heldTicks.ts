/**
 * Ticks of a lab's history held for a reader that takes them in pieces while the lab keeps
 * ticking (GET /api/labs/:id/history): the rows as they stood when held, each readable to the end
 * even once the history drops it (server/lab/history.ts refills no dropped tick's arrays while a
 * hold is open). The CSV download reads them the same way.
 */
import type { Frame } from '../../shared/model.js';
import type { Row } from './message.js';
import { unpack } from './packed.js';

export class HeldTicks {
  private released = false;

  constructor(
    private readonly rows: readonly Row[],
    private readonly onRelease: () => void,
  ) {}

  /** How many ticks are held. */
  get count(): number {
    return this.rows.length;
  }

  /** The first and last tick held, or null when none is. */
  span(): { first: number; last: number } | null {
    const n = this.rows.length;
    return n ? { first: this.rows[0].tick, last: this.rows[n - 1].tick } : null;
  }

  /**
   * Held ticks `from` to `to` (indices, `to` excluded) of one engine, oldest first: as
   * FrameHistory.forEach gives them (read the values, never keep them).
   */
  forEach(
    from: number,
    to: number,
    engine: number,
    fn: (tick: number, ids: readonly string[], values: Float64Array) => void,
  ): void {
    if (this.released) throw new Error('held ticks read after their release');
    const end = Math.min(to, this.rows.length);
    for (let i = Math.max(0, from); i < end; i++) {
      const row = this.rows[i];
      const p = row.engines[engine];
      if (p) fn(row.tick, p.ids, p.values);
    }
  }

  /** Held ticks `from` to `to` (indices, `to` excluded) as frames, one per engine, oldest first. */
  frames(from: number, to: number): Frame[][] {
    if (this.released) throw new Error('held ticks read after their release');
    return this.rows
      .slice(Math.max(0, from), Math.min(to, this.rows.length))
      .map((row) => row.engines.map((p) => unpack(row.tick, p)));
  }

  /** Done reading: the history may refill dropped ticks' arrays again (a second call does nothing). */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.onRelease();
  }
}
