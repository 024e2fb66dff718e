/**
 * What the owner of a fork keeps to publish it again whole when Redis loses its data: the fork's
 * start (written once, as it is forked) and the log records written since it. A process taking a
 * fork over re-runs it from that start with those records to bring its history back, so both are
 * published again with its meta and snapshot. Kept only for forks: the start is one snapshot, and
 * the records since it hold no more commands than the engines' own logs in every snapshot.
 */
import type { RawLab } from '../lab/store.js';
import type { StoredLab } from '../lab/stored.js';

/** A fork's start and the log records since it, as Redis held them (JSON texts). */
export interface KeptFork {
  start: string;
  records: string[];
}

export class KeptForks {
  private readonly forks = new Map<string, KeptFork>();

  /** The fork `id`'s start was written (it was just forked here): nothing logged since. */
  started(id: string, start: string): void {
    this.forks.set(id, { start, records: [] });
  }

  /** Records of lab `id` were written (kept only when it is a fork kept here). */
  logged(id: string, records: readonly string[]): void {
    this.forks.get(id)?.records.push(...records);
  }

  /**
   * Lab `id` was taken over from `raw` (validated as `stored`): a fork whose start fits its log is
   * kept with the records after its start; any other lab is not.
   */
  tookOver(id: string, raw: RawLab, stored: StoredLab): void {
    const { start } = stored;
    if (stored.meta.forkedAt === undefined || !start || raw.start === undefined) {
      this.forks.delete(id);
      return;
    }
    // One raw record per parsed one, in order (a record that does not parse fails the whole lab).
    const records = raw.commands.filter((_, i) => stored.commands[i].seq > start.seq);
    this.forks.set(id, { start: raw.start, records });
  }

  /** What fork `id` publishes again; undefined for a lab not kept here. */
  get(id: string): KeptFork | undefined {
    return this.forks.get(id);
  }

  /** Lab `id` is no longer a fork run here (reset, deleted, set aside, or run elsewhere now). */
  drop(id: string): void {
    this.forks.delete(id);
  }
}
