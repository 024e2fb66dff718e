/**
 * When a history fetch that did not succeed is tried again. A refusal for the export budget (429)
 * or a server that is briefly not serving (503) names its wait in Retry-After: the page waits at
 * least that long. A network error or another 5xx names none: the page backs off, doubling from
 * BACKOFF_FIRST_MS up to BACKOFF_MAX_MS. Either way a random share of the backoff is added, so a
 * class of pages refused at once (one NAT address, one budget) does not come back at once. Any other
 * 4xx, or an answer that is not history, is not tried again: asking again would get the same answer.
 */

/** Why a history fetch did not bring history. */
export type HistoryFailure =
  /** 429 or 503: the server asked for a wait (ms, when it said how long). */
  | { kind: 'busy'; retryAfterMs: number | null }
  /** No answer, or another 5xx: worth a try after a backoff. */
  | { kind: 'unreachable' }
  /** Any other 4xx, or an answer that is not history: asking again gets the same. */
  | { kind: 'refused' };

/** Tries in all, the first one included. */
export const HISTORY_TRIES = 6;
/** The backoff before the first try again, doubled for each further one. */
export const BACKOFF_FIRST_MS = 1000;
export const BACKOFF_MAX_MS = 16_000;
/** A Retry-After longer than this is not waited for: the page gives up instead. */
export const RETRY_AFTER_MAX_MS = 120_000;

/**
 * Retry-After as milliseconds from `nowMs`: either seconds or an HTTP date (RFC 9110); null when
 * absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
  const v = value?.trim();
  if (!v) return null;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : null;
}

/** What an HTTP status that is not a success means for trying again. */
export function failureOf(status: number, retryAfter: string | null, nowMs: number): HistoryFailure {
  if (status === 429 || status === 503)
    return { kind: 'busy', retryAfterMs: parseRetryAfter(retryAfter, nowMs) };
  if (status >= 500) return { kind: 'unreachable' };
  return { kind: 'refused' };
}

/**
 * How long to wait before try number `tried + 1`, after `tried` tries have failed (the last with
 * `failure`); null when it is not tried again (refused, tries used up, or a wait past
 * RETRY_AFTER_MAX_MS). `random` gives a number in [0, 1).
 */
export function retryDelayMs(
  failure: HistoryFailure,
  tried: number,
  random: () => number = Math.random,
): number | null {
  if (failure.kind === 'refused' || tried >= HISTORY_TRIES) return null;
  const backoff = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.max(0, tried - 1));
  const jitter = (random() * backoff) / 2;
  const asked = failure.kind === 'busy' ? failure.retryAfterMs : null;
  if (asked === null) return Math.round(backoff / 2 + jitter);
  if (asked > RETRY_AFTER_MAX_MS) return null;
  return Math.round(Math.max(asked, backoff / 2) + jitter);
}
