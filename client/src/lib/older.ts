/**
 * History older than the live tables hold (after a reload, the charts' window reaches further back
 * than the snapshot): fetched from the server, downsampled, for each mode of a lab. It is asked for
 * in no more points than one answer may carry for the lab's VPSs (shared/historyLimit.ts): a big
 * lab gets coarser buckets over the same span. A fetch the server refused for its export budget,
 * or that failed on the way, is tried again (historyRetry.ts says when, and how often); a wait is
 * told, so the charts can say their older part is on its way. A change of window, of the lab's
 * modes or of the live history's start cancels a wait; so does closing the lab, or the page being
 * hidden (left, or put in the back/forward cache: `pause`).
 */
import { maxPoints } from '../../../shared/historyLimit.js';
import { isAnswer } from './api.js';
import { CoarseHistory } from './backfill.js';
import { failureOf, HISTORY_TRIES, retryDelayMs, type HistoryFailure } from './historyRetry.js';
import { CHART_METRICS, HOST_CHART_METRICS, type SeriesTable } from './series.js';

/** A history fetch's outcome: the server's data, or why there is none. */
export type HistoryResult = { ok: true; data: unknown } | { ok: false; failure: HistoryFailure };

/** Fetches the server's downsampled history of one mode of a lab (its raw JSON answer's data). */
export type HistoryFetcher = (
  lab: string,
  query: { side: number; toTick: number; windowS: number; points: number },
) => Promise<HistoryResult>;

const REFUSED_FAILURE: HistoryFailure = { kind: 'refused' };
const UNREACHABLE: HistoryResult = { ok: false, failure: { kind: 'unreachable' } };
const REFUSED: HistoryResult = { ok: false, failure: REFUSED_FAILURE };

/** The most points one history answer may have for a lab of `vps` VPSs, with the charts' metrics. */
export function mostHistoryPoints(vps: number): number {
  return maxPoints(vps, CHART_METRICS.length, HOST_CHART_METRICS.length);
}

export const fetchHistory: HistoryFetcher = async (lab, q) => {
  const p = new URLSearchParams({
    side: String(q.side),
    to: String(q.toTick),
    windowS: String(q.windowS),
    points: String(q.points),
    metrics: [...CHART_METRICS, ...HOST_CHART_METRICS].join(','),
  });
  try {
    const res = await fetch(`/api/labs/${encodeURIComponent(lab)}/history?${p}`, {
      headers: { accept: 'application/json' },
    });
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      return { ok: false, failure: failureOf(res.status, res.headers.get('retry-after'), Date.now()) };
    }
    const answer: unknown = await res.json();
    return isAnswer(answer) && answer.ok ? { ok: true, data: answer.data } : REFUSED;
  } catch {
    // No answer, or one cut short on the way.
    return UNREACHABLE;
  }
};

/** Why a mode's older history is not drawn yet: the page waits to ask again, or has stopped asking. */
export interface OlderWait {
  /**
   * `busy`: the server asked the page to wait; `unreachable`: no answer; `gaveUp`: no more tries
   * (a later visit may fare better); `refused`: the server turned the request down, and would again.
   */
  reason: 'busy' | 'unreachable' | 'gaveUp' | 'refused';
  /** The try that comes next, of how many (after giving up, the tries made). */
  attempt: number;
  of: number;
}

/** Downsampled history is asked for in buckets of about this share of the window. */
const HISTORY_BUCKETS_PER_WINDOW = 600;

/** One mode's history asked for: what it covers, the query, its tries. */
interface Ask {
  firstTick: number;
  windowS: number;
  query: { side: number; toTick: number; windowS: number; points: number };
  tried: number;
  /** Set while waiting to try again. */
  timer?: ReturnType<typeof setTimeout>;
  gaveUp?: boolean;
  /** The history came. */
  done?: boolean;
}

export class OlderHistory {
  /** Per mode: what the server sent (null until asked). */
  readonly coarse: (CoarseHistory | null)[] = [null, null];
  /** The longest window the charts show, seconds: history is fetched to cover it. */
  private wantS = 60;
  /** What each mode's history was asked for (null: nothing asked, or no longer wanted). */
  private readonly asks: (Ask | null)[] = [null, null];

  /**
   * `onFetched`: called when a mode's older history arrived. `onWait`: a mode's older history is
   * being waited for, and why (null once it came, `arrived` then, or is no longer wanted).
   * `random`: the jitter's source.
   */
  constructor(
    private readonly labId: string,
    private readonly fetcher: HistoryFetcher,
    private readonly onFetched: () => void,
    private readonly onWait: (side: number, wait: OlderWait | null, arrived?: boolean) => void = () =>
      undefined,
    private readonly random: () => number = Math.random,
  ) {}

  /** The charts show the last `windowS` seconds: a wait to ask for another window again is cancelled. */
  want(windowS: number): void {
    if (windowS !== this.wantS)
      for (let side = 0; side < this.asks.length; side++) {
        const a = this.asks[side];
        if (a && (a.timer !== undefined || a.gaveUp)) this.drop(side);
      }
    this.wantS = windowS;
  }

  /** Nothing more is asked, nor waited for (the lab is closed). */
  close(): void {
    for (let side = 0; side < this.asks.length; side++) this.drop(side);
  }

  /**
   * The page is hidden: every wait to ask again is cancelled and an answer still on its way is
   * dropped; the next `fetchMissing` asks afresh for those. What came is kept, and what was given
   * up on stays so (a refusal is not asked again).
   */
  pause(): void {
    for (let side = 0; side < this.asks.length; side++) {
      const a = this.asks[side];
      if (a && !a.done && !a.gaveUp) this.drop(side);
    }
  }

  /**
   * For each of the first `modes` tables: fetch what the window needs before its first tick, once,
   * in no more points than an answer may carry for `vps` VPSs.
   */
  fetchMissing(tables: readonly SeriesTable[], modes: number, vps: number): void {
    for (let side = 0; side < this.asks.length; side++) {
      const t = tables[side];
      if (side >= modes || !t?.length) {
        this.drop(side);
        continue;
      }
      const firstTick = t.tickAt(0);
      const heldS = t.lastTime() - t.firstTime();
      // A sliver of the window missing (a snapshot is one broadcast short of it) is not worth a fetch.
      if (firstTick <= 0 || heldS >= this.wantS * 0.98) {
        this.drop(side);
        continue;
      }
      const f = this.asks[side];
      if (f && f.firstTick === firstTick && f.windowS >= this.wantS) continue;
      this.drop(side);
      const missingS = this.wantS - heldS;
      const points = Math.max(
        1,
        Math.min(
          mostHistoryPoints(vps),
          Math.max(16, Math.ceil((missingS * HISTORY_BUCKETS_PER_WINDOW) / this.wantS)),
        ),
      );
      const query = { side, toTick: firstTick - 1, windowS: Math.ceil(missingS) + 1, points };
      const ask: Ask = { firstTick, windowS: this.wantS, query, tried: 0 };
      this.asks[side] = ask;
      this.run(side, ask);
    }
  }

  /** Forget what `side` asked for: its wait is cancelled, an answer still on its way is dropped. */
  private drop(side: number): void {
    const a = this.asks[side];
    if (!a) return;
    clearTimeout(a.timer);
    this.asks[side] = null;
    this.onWait(side, null);
  }

  private run(side: number, ask: Ask): void {
    ask.timer = undefined;
    ask.tried++;
    this.fetcher(this.labId, ask.query)
      .catch(() => UNREACHABLE)
      .then((r) => {
        if (this.asks[side] !== ask) return;
        const h = r.ok ? CoarseHistory.parse(r.data) : null;
        if (!h) return this.retry(side, ask, r.ok ? REFUSED_FAILURE : r.failure);
        this.coarse[side] = h;
        ask.done = true;
        this.onWait(side, null, true);
        this.onFetched();
      });
  }

  private retry(side: number, ask: Ask, failure: HistoryFailure): void {
    const wait = retryDelayMs(failure, ask.tried, this.random);
    if (wait === null) {
      ask.gaveUp = true;
      const reason = failure.kind === 'refused' ? 'refused' : 'gaveUp';
      this.onWait(side, { reason, attempt: ask.tried, of: HISTORY_TRIES });
      return;
    }
    ask.timer = setTimeout(() => this.run(side, ask), wait);
    this.onWait(side, {
      reason: failure.kind === 'busy' ? 'busy' : 'unreachable',
      attempt: ask.tried + 1,
      of: HISTORY_TRIES,
    });
  }
}
