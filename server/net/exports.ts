/**
 * What one client address may take out of the labs: values of downsampled history and of CSV
 * rows, per second. Each value costs about a microsecond of the one thread that also steps the
 * labs (a 900-second history of the demo lab's every metric is a million values and a second of
 * work, most of it at once); one client asking again and again, or twenty asking at once, kept
 * every lab's frames from going out for seconds. Past its budget an address's export is refused
 * unread, RATE_LIMITED naming the budget, with Retry-After. An export larger than the burst is
 * charged the whole burst (it needs a full budget, not more than there can ever be). The rate is
 * the server's EXPORT_RATE (a class behind one NAT address shares one budget); the burst is
 * EXPORT_BURST_S seconds of it.
 */
import type { ApiError } from '../../shared/protocol.js';
import { CSV_HOST_COLUMNS, CSV_VPS_COLUMNS } from '../export/csv.js';
import { MAX_SERIES_POINTS } from '../../shared/historyLimit.js';
import { KeyedBuckets } from './rate.js';

/** Values one address may export per second, sustained, by default (about a third of a core). */
export const EXPORT_VALUES_PER_S = 300_000;
/**
 * Seconds of the rate one address may export at once. At the default rate, two of the largest
 * history answers (min, max and mean of each point), so a page asking for its own history just
 * after one is served.
 */
export const EXPORT_BURST_S = (6 * MAX_SERIES_POINTS) / EXPORT_VALUES_PER_S;
/** Values one address may export at once, at the default rate. */
export const EXPORT_VALUES_BURST = EXPORT_BURST_S * EXPORT_VALUES_PER_S;

/** Values of a history answer: min, max and mean of each series point. */
export const historyValues = (points: number, series: number): number => 3 * points * series;

/** Values of a CSV of `rows` rows (one per VPS and tick). */
export const csvValues = (rows: number): number =>
  rows * (CSV_VPS_COLUMNS.length + CSV_HOST_COLUMNS.length + 3);

export class ExportBudget {
  private readonly buckets: KeyedBuckets;
  private readonly burst: number;

  /** `perS`: values per second one address may take, sustained (bursts of EXPORT_BURST_S seconds of it). */
  constructor(private readonly perS = EXPORT_VALUES_PER_S) {
    this.burst = Math.round(perS * EXPORT_BURST_S);
    this.buckets = new KeyedBuckets(perS, this.burst);
  }

  /** Take `values` from `address`'s budget at `now` (ms); the refusal and seconds to wait when it has not that many. */
  take(address: string, now: number, values: number): { error: ApiError; retryS: number } | undefined {
    const cost = Math.min(this.burst, Math.max(1, Math.ceil(values)));
    if (this.buckets.take(address, now, cost)) return undefined;
    const retryS = Math.ceil(cost / this.perS);
    return {
      retryS,
      error: {
        code: 'RATE_LIMITED',
        message:
          `data exported to one address: at most ${this.perS} values a second (bursts of ` +
          `${this.burst}); this one is ${values} values: ask for fewer ticks, points or ` +
          `metrics, or again within ${retryS} s`,
      },
    };
  }
}
