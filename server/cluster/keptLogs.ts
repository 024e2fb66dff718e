/**
 * What the owner of a lab keeps to publish it again whole when Redis loses its data: where a
 * re-run of it starts (a fork's start, written once as it is forked; any other lab's scenario at
 * tick 0, in its meta) and the log records written since. A process taking the lab over re-runs it
 * from there with those records to bring its history back, so they are published again with its
 * meta and snapshot.
 *
 * Bounded by what a restore re-runs: a lab whose snapshot is more than `rebuildTicks` ticks past
 * its start comes back from its snapshot alone (restore.ts), so once a record is logged past that
 * tick, nothing more is kept for it. A lab holds here at most the records of its first
 * `rebuildTicks` ticks (and a fork's start): no more than its engines' own logs of those ticks,
 * which every snapshot carries, and the clock actions of those ticks.
 */
import type { RawLab } from '../lab/store.js';
import type { StoredLab } from '../lab/stored.js';

/** Where a re-run of a lab starts (a fork's start, JSON text; none: tick 0) and the records since it. */
export interface KeptLog {
  start?: string;
  records: string[];
}

interface Kept extends KeptLog {
  /** The last tick a record may be logged at for the lab to be kept. */
  until: number;
}

export class KeptLogs {
  private readonly labs = new Map<string, Kept>();

  /** `rebuildTicks`: how far past its start a lab is still re-run from it by a restore. */
  constructor(private readonly rebuildTicks: number) {}

  /** Lab `id` (not a fork) starts at tick 0 here: created, or reset. Nothing logged yet. */
  begun(id: string): void {
    this.labs.set(id, { records: [], until: this.rebuildTicks });
  }

  /** The fork `id`'s start (at tick `tick`) was written: it was just forked here. Nothing logged since. */
  started(id: string, start: string, tick: number): void {
    this.labs.set(id, { start, records: [], until: tick + this.rebuildTicks });
  }

  /**
   * Records of lab `id` were written, the last at tick `tick`: kept, unless the lab is past what a
   * restore re-runs from its start (then nothing more is kept for it).
   */
  logged(id: string, records: readonly string[], tick: number): void {
    const kept = this.labs.get(id);
    if (!kept) return;
    if (tick > kept.until) this.labs.delete(id);
    else kept.records.push(...records);
  }

  /**
   * Lab `id` was taken over from `raw` (validated as `stored`): kept with the records after where
   * its re-run starts, when Redis held them all (a fork's start that fits its log; any other lab's
   * log from its first record) and the lab is not past what a restore re-runs.
   */
  tookOver(id: string, raw: RawLab, stored: StoredLab): void {
    this.labs.delete(id);
    const { start, meta, commands, snapshot } = stored;
    const fork = meta.forkedAt !== undefined;
    if (fork && (!start || raw.start === undefined)) return;
    const from = start?.seq ?? 0;
    const until = (start?.tick ?? 0) + this.rebuildTicks;
    // One raw record per parsed one, in order (a record that does not parse fails the whole lab).
    const since = commands.flatMap((c, i) => (c.seq > from ? [{ c, raw: raw.commands[i] }] : []));
    // After a fork's start, its log follows on without a gap (checked as it was read); any other
    // lab's must begin at its first record, and reach its snapshot (a log begun again after it does not).
    const whole =
      since.every(({ c }, i) => c.seq === from + 1 + i) && since.length >= (snapshot?.seq ?? 0) - from;
    const past = (snapshot?.tick ?? 0) > until || since.some(({ c }) => c.tick > until);
    if (!whole || past) return;
    this.labs.set(id, { start: raw.start, records: since.map((s) => s.raw), until });
  }

  /** What lab `id` publishes again with its meta and snapshot; undefined for a lab not kept here. */
  get(id: string): KeptLog | undefined {
    return this.labs.get(id);
  }

  /** Lab `id` is no longer run here, or no longer from that start (deleted, set aside, run elsewhere now, reset). */
  drop(id: string): void {
    this.labs.delete(id);
  }
}
