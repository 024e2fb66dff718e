/** History fetch results the page's older-history tests answer with: data, and each way it fails. */
import type { HistoryResult } from '../../../client/src/lib/older.js';

/** 100 buckets of one VPS's p99, ending at tick 999. */
const answer = {
  tickMs: 100,
  bucketTicks: 10,
  toTick: 999,
  ticks: Array.from({ length: 100 }, (_, i) => i * 10),
  vps: { 'web-1': { latencyP99Ms: { min: Array(100).fill(1), max: Array(100).fill(2) } } },
};
export const OK: HistoryResult = { ok: true, data: answer };
/** Refused for the export budget, with a Retry-After of 3 s. */
export const BUSY: HistoryResult = { ok: false, failure: { kind: 'busy', retryAfterMs: 3000 } };
/** No answer. */
export const DOWN: HistoryResult = { ok: false, failure: { kind: 'unreachable' } };
