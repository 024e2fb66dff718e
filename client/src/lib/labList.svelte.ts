/**
 * The labs on the server, as the lab menu lists them. Asked for at start, whenever the live link
 * (re)connects, whenever the server says the list changed (a lab created, removed, or back after a
 * restart), and now and then besides.
 */
import type { LabSummary } from '../../../shared/protocol.js';
import { api } from './api.js';

export class LabList {
  labs = $state.raw<LabSummary[]>([]);
  private running: Promise<void> | null = null;
  private again = false;

  /**
   * Ask the server for the list. A call made while an answer is awaited asks once more after it
   * (what it was told may be newer than that answer); resolves once the list is at least that new.
   * An unreachable server leaves the list as it was.
   */
  refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        const r = await api.labs();
        if (r.ok && Array.isArray(r.data)) this.labs = r.data;
      } while (this.again);
      this.running = null;
    })();
    return this.running;
  }
}

/** The page's one list of labs (every live link of the page tells it of changes). */
export const labList = new LabList();
