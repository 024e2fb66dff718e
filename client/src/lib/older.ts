/**
 * History older than the live tables hold (after a reload, the charts' window reaches further back
 * than the snapshot): fetched from the server, downsampled, for each mode of a lab.
 */
import { isAnswer } from './api.js';
import { CoarseHistory } from './backfill.js';
import { CHART_METRICS, HOST_CHART_METRICS, type SeriesTable } from './series.js';

/** Fetches the server's downsampled history of one mode of a lab (its raw JSON answer). */
export type HistoryFetcher = (
  lab: string,
  query: { side: number; toTick: number; windowS: number; points: number },
) => Promise<unknown>;

export const fetchHistory: HistoryFetcher = async (lab, q) => {
  const p = new URLSearchParams({
    side: String(q.side),
    to: String(q.toTick),
    windowS: String(q.windowS),
    points: String(q.points),
    metrics: [...CHART_METRICS, ...HOST_CHART_METRICS].join(','),
  });
  const res = await fetch(`/api/labs/${encodeURIComponent(lab)}/history?${p}`, {
    headers: { accept: 'application/json' },
  });
  const answer: unknown = await res.json();
  return isAnswer(answer) && answer.ok ? answer.data : null;
};

/** Downsampled history is asked for in buckets of about this share of the window. */
const HISTORY_BUCKETS_PER_WINDOW = 600;

export class OlderHistory {
  /** Per mode: what the server sent (null until asked). */
  readonly coarse: (CoarseHistory | null)[] = [null, null];
  /** The longest window the charts show, seconds: history is fetched to cover it. */
  private wantS = 60;
  /** What each mode's history was fetched for: the table's first tick and the window. */
  private readonly fetched: ({ firstTick: number; windowS: number } | null)[] = [null, null];

  /** `onFetched`: called when a mode's older history arrived. */
  constructor(
    private readonly labId: string,
    private readonly fetcher: HistoryFetcher,
    private readonly onFetched: () => void,
  ) {}

  /** The charts show the last `windowS` seconds. */
  want(windowS: number): void {
    this.wantS = windowS;
  }

  /** For each of the first `modes` tables: fetch what the window needs before its first tick, once. */
  fetchMissing(tables: readonly SeriesTable[], modes: number): void {
    for (let side = 0; side < modes; side++) {
      const t = tables[side];
      if (!t.length) continue;
      const firstTick = t.tickAt(0);
      const heldS = t.lastTime() - t.firstTime();
      // A sliver of the window missing (a snapshot is one broadcast short of it) is not worth a fetch.
      if (firstTick <= 0 || heldS >= this.wantS * 0.98) continue;
      const f = this.fetched[side];
      if (f && f.firstTick === firstTick && f.windowS >= this.wantS) continue;
      const ask = { firstTick, windowS: this.wantS };
      this.fetched[side] = ask;
      const missingS = this.wantS - heldS;
      const points = Math.min(
        2000,
        Math.max(16, Math.ceil((missingS * HISTORY_BUCKETS_PER_WINDOW) / this.wantS)),
      );
      const query = { side, toTick: firstTick - 1, windowS: Math.ceil(missingS) + 1, points };
      this.fetcher(this.labId, query)
        .then((raw) => {
          if (this.fetched[side] !== ask) return;
          const h = CoarseHistory.parse(raw);
          if (!h) return;
          this.coarse[side] = h;
          this.onFetched();
        })
        .catch(() => {
          // Offline: the live history still draws; the next snapshot asks again.
          if (this.fetched[side] === ask) this.fetched[side] = null;
        });
    }
  }
}
