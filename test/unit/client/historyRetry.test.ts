import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  BACKOFF_FIRST_MS,
  BACKOFF_MAX_MS,
  HISTORY_TRIES,
  RETRY_AFTER_MAX_MS,
  failureOf,
  parseRetryAfter,
  retryDelayMs,
} from '../../../client/src/lib/historyRetry.js';
import { MAX_SERIES_POINTS } from '../../../shared/historyLimit.js';
import {
  mostHistoryPoints,
  OlderHistory,
  type HistoryFetcher,
  type HistoryResult,
  type OlderWait,
} from '../../../client/src/lib/older.js';
import { CHART_METRICS, HOST_CHART_METRICS, type SeriesTable } from '../../../client/src/lib/series.js';
import { BUSY, DOWN, OK } from './historyAnswers.js';

describe('when a history fetch is tried again', () => {
  it('reads Retry-After as seconds or as a date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
  });

  it('tries 429 and 503 again after their wait, other 5xx after a backoff, and no other 4xx', () => {
    expect(failureOf(429, '4', 0)).toEqual({ kind: 'busy', retryAfterMs: 4000 });
    expect(failureOf(503, null, 0)).toEqual({ kind: 'busy', retryAfterMs: null });
    expect(failureOf(502, '4', 0)).toEqual({ kind: 'unreachable' });
    for (const status of [400, 403, 404, 409]) {
      expect(failureOf(status, '1', 0)).toEqual({ kind: 'refused' });
      expect(retryDelayMs(failureOf(status, '1', 0), 1, () => 0)).toBeNull();
    }
  });

  it('never tries before Retry-After, and spreads pages refused at once over up to half the backoff', () => {
    const busy = { kind: 'busy', retryAfterMs: 3000 } as const;
    expect(retryDelayMs(busy, 1, () => 0)).toBe(3000);
    expect(retryDelayMs(busy, 1, () => 0.999)).toBeCloseTo(3000 + BACKOFF_FIRST_MS / 2, -1);
    // A short Retry-After late in the tries still waits the backoff: the budget is shared.
    const short = { kind: 'busy', retryAfterMs: 1000 } as const;
    expect(retryDelayMs(short, 4, () => 0)).toBe((BACKOFF_FIRST_MS * 8) / 2);
    // A wait longer than the page is willing to hold its note is not taken.
    expect(retryDelayMs({ kind: 'busy', retryAfterMs: RETRY_AFTER_MAX_MS + 1 }, 1, () => 0)).toBeNull();
  });

  it('backs off, doubling up to a ceiling, for a bounded number of tries', () => {
    const down = { kind: 'unreachable' } as const;
    const waits = [1, 2, 3, 4, 5].map((tried) => retryDelayMs(down, tried, () => 0));
    expect(waits).toEqual([500, 1000, 2000, 4000, 8000]);
    expect(retryDelayMs(down, 5, () => 0.999)).toBeLessThanOrEqual(BACKOFF_MAX_MS);
    expect(retryDelayMs(down, HISTORY_TRIES, () => 0)).toBeNull();
  });
});

/** A table holding the last minute of a lab 160 s old (ticks of 100 ms). */
const table = {
  length: 600,
  tickAt: () => 1000,
  firstTime: () => 100,
  lastTime: () => 160,
} as unknown as SeriesTable;
const GONE: HistoryResult = { ok: false, failure: { kind: 'refused' } };
/** What a 409 LIMIT_EXCEEDED becomes. */
const TOO_BIG: HistoryResult = { ok: false, failure: failureOf(409, null, 0) };

/** An OlderHistory whose fetches answer `results` in turn; what it asked and the waits it told. */
function older(results: HistoryResult[]) {
  const asked: number[] = [];
  const points: number[] = [];
  const waits: (OlderWait | null)[][] = [[], []];
  let fetched = 0;
  const fetcher: HistoryFetcher = async (_lab, q) => {
    asked.push(q.windowS);
    points.push(q.points);
    return results.shift() ?? OK;
  };
  const h = new OlderHistory(
    'demo',
    fetcher,
    () => fetched++,
    (side, w) => waits[side].push(w),
    () => 0,
  );
  return { h, asked, points, waits, fetched: () => fetched };
}

describe('OlderHistory after a refused or failed fetch', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('asks again after the server’s wait, saying meanwhile that it waits, and stops once the data came', async () => {
    const o = older([BUSY, OK]);
    o.h.want(300);
    o.h.fetchMissing([table, table], 1, 3);
    await vi.advanceTimersByTimeAsync(0);
    expect(o.asked).toHaveLength(1);
    expect(o.waits[0]).toEqual([{ reason: 'busy', attempt: 2, of: HISTORY_TRIES }]);
    await vi.advanceTimersByTimeAsync(2999);
    expect(o.asked).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(o.asked).toHaveLength(2);
    expect(o.h.coarse[0]?.length).toBe(100);
    expect(o.fetched()).toBe(1);
    expect(o.waits[0].at(-1)).toBeNull();
    // Nothing more is asked for the same window and live history.
    o.h.fetchMissing([table, table], 1, 3);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(o.asked).toHaveLength(2);
  });

  it('gives up after its tries, and says so; a refusal other than 429 is not tried again', async () => {
    const o = older(Array(HISTORY_TRIES).fill(DOWN));
    o.h.want(300);
    o.h.fetchMissing([table, table], 1, 3);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(o.asked).toHaveLength(HISTORY_TRIES);
    expect(o.waits[0].at(-1)).toEqual({ reason: 'gaveUp', attempt: HISTORY_TRIES, of: HISTORY_TRIES });
    expect(o.h.coarse[0]).toBeNull();

    const gone = older([GONE]);
    gone.h.want(300);
    gone.h.fetchMissing([table, table], 1, 3);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(gone.asked).toHaveLength(1);
    // Not one that tries ran out on: a reload would get the same answer, and the note says none helps.
    expect(gone.waits[0]).toEqual([{ reason: 'refused', attempt: 1, of: HISTORY_TRIES }]);
  });

  it('asks a big lab for no more points than one answer may carry, over the same span; a 409 is final', async () => {
    const small = older([]);
    small.h.want(900);
    small.h.fetchMissing([table, table], 1, 3);
    await vi.advanceTimersByTimeAsync(0);
    // A small lab: the usual resolution, 600 buckets a window (840 s of 900 missing).
    expect(small.points).toEqual([560]);
    for (const vps of [350, 400, 1000, 8192]) {
      const big = older([]);
      big.h.want(900);
      big.h.fetchMissing([table, table], 1, vps);
      await vi.advanceTimersByTimeAsync(0);
      const [points] = big.points;
      const series = vps * CHART_METRICS.length + HOST_CHART_METRICS.length;
      expect(points * series, `${vps} VPSs`).toBeLessThanOrEqual(MAX_SERIES_POINTS);
      expect(points).toBe(Math.min(560, mostHistoryPoints(vps)));
      expect(big.asked, 'the same span').toEqual(small.asked);
    }
    expect(mostHistoryPoints(400)).toBeLessThan(560);

    // Refused for its size all the same (VPSs added meanwhile): not asked again, no reload promised.
    const o = older([TOO_BIG]);
    o.h.want(900);
    o.h.fetchMissing([table, table], 1, 400);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(o.asked).toHaveLength(1);
    expect(o.waits[0]).toEqual([{ reason: 'refused', attempt: 1, of: HISTORY_TRIES }]);
  });

  it('cancels the wait when the window changes, the mode goes, or the lab is closed', async () => {
    // Another window: the wait is cancelled, the new window asked for at once.
    const w = older([BUSY, BUSY]);
    w.h.want(300);
    w.h.fetchMissing([table, table], 1, 3);
    await vi.advanceTimersByTimeAsync(0);
    w.h.want(900);
    w.h.fetchMissing([table, table], 1, 3);
    await vi.advanceTimersByTimeAsync(0);
    expect(w.asked.map((s) => s > 300)).toEqual([false, true]);
    // The live minute needs nothing: the wait is cancelled, its note gone.
    w.h.want(60);
    w.h.fetchMissing([table, table], 1, 3);
    expect(w.waits[0].at(-1)).toBeNull();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(w.asked).toHaveLength(2);

    // A compare lab's second mode gone.
    const m = older([BUSY, BUSY]);
    m.h.want(300);
    m.h.fetchMissing([table, table], 2, 3);
    await vi.advanceTimersByTimeAsync(0);
    m.h.fetchMissing([table, table], 1, 3);
    expect(m.waits[1].at(-1)).toBeNull();
    await vi.advanceTimersByTimeAsync(3000);
    expect(m.asked).toHaveLength(3);

    // Closed.
    const c = older([BUSY]);
    c.h.want(300);
    c.h.fetchMissing([table, table], 1, 3);
    await vi.advanceTimersByTimeAsync(0);
    c.h.close();
    expect(c.waits[0].at(-1)).toBeNull();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(c.asked).toHaveLength(1);
  });

  it('drops an answer that lands after its ask was cancelled', async () => {
    let land: (r: HistoryResult) => void = () => undefined;
    const h = new OlderHistory(
      'demo',
      () => new Promise<HistoryResult>((r) => (land = r)),
      () => undefined,
    );
    h.want(300);
    h.fetchMissing([table, table], 1, 3);
    h.close();
    land(OK);
    await vi.advanceTimersByTimeAsync(0);
    expect(h.coarse[0]).toBeNull();
  });
});
