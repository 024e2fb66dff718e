/**
 * The categories of validation.md and the rules that judge a measured cell against them. Every
 * threshold here is written once, from validation.md and the model's acceptance criteria, never from a run.
 */
import type { Category } from '../../shared/scorecard.js';

export type { Category } from '../../shared/scorecard.js';
export { CATEGORY_LABEL } from '../../shared/scorecard.js';

/** validation.md: ≈0 below 1 %, small 1–10 %, large above 10 % while still serving, outage = DNR. */
export const ZERO_BELOW_PCT = 1;
export const SMALL_UP_TO_PCT = 10;

/**
 * "p99 visibly up" (validation.md, cpu_hog under shared scheduling): the neighbours' p99 at least
 * this many times their p99 in the run without the hog. A quarter more is the smallest rise a
 * reader of the p99 chart sees at a glance; [B03] measured ×27 (147 ms vs 5.4 ms).
 */
export const VISIBLE_P99_RATIO = 1.25;

/** The category of a degradation figure. */
export function categoryOf(pct: number, dnr: boolean): Category {
  if (dnr) return 'outage';
  if (pct < ZERO_BELOW_PCT) return 'zero';
  if (pct <= SMALL_UP_TO_PCT) return 'small';
  return 'large';
}

/** What validation.md demands of one cell on one setup: the categories it allows and, where written, a visible p99 rise. */
export interface Demand {
  categories: Category[];
  /** The neighbours' p99 must rise at least VISIBLE_P99_RATIO×. */
  p99Up?: boolean;
  /** Which setup condition chose this demand, in words (empty for an unconditional cell). */
  because: string;
}

/** Whether a measured cell meets its demand. */
export function meets(d: Demand, category: Category, p99Ratio: number): boolean {
  if (!d.categories.includes(category)) return false;
  if (d.p99Up && !(p99Ratio >= VISIBLE_P99_RATIO)) return false;
  return true;
}

/** The magnitude acceptance on the paper's host (validation.md, last section). */
export const MAGNITUDE = {
  /** A published non-zero figure is matched within this factor… */
  factor: 2,
  /** …or within these points where it is under `smallBelowPct`. */
  points: 2,
  smallBelowPct: 4,
  /** A published zero is matched below this. */
  zeroBelowPct: 1,
} as const;

export type Figure = number | 'DNR';

/** Whether our figure matches a published one under the magnitude acceptance. */
export function magnitudeHolds(published: Figure, pct: number, dnr: boolean): boolean {
  if (published === 'DNR') return dnr;
  if (dnr) return false;
  if (published === 0) return pct < MAGNITUDE.zeroBelowPct;
  if (published < MAGNITUDE.smallBelowPct) return Math.abs(pct - published) <= MAGNITUDE.points;
  return pct >= published / MAGNITUDE.factor && pct <= published * MAGNITUDE.factor;
}

/** ours ÷ published, where both are numbers and the published one is not zero. */
export function ratioTo(published: Figure, pct: number, dnr: boolean): number | null {
  if (published === 'DNR' || dnr || published === 0) return null;
  return pct / published;
}

/** The product target for the host family: share of demanded cells in category (the model's robustness acceptance). */
export const ROBUSTNESS_TARGET = 0.98;
