/**
 * Whether the lab's session still fits a scenario file: past the week of simulated time a scenario
 * holds, the server refuses the export (409 naming `durationS`), so the page says so before the click.
 */
import { MAX_DURATION_S } from '../../../shared/durationLimit.js';

/** Why the lab's scenario cannot be exported, shown on the disabled button. */
export const PAST_A_WEEK = `Past a week of simulated time: a scenario file holds at most ${MAX_DURATION_S / 86_400} days`;

/**
 * The simulated seconds an export of the lab would name as its `durationS`: the end of its newest
 * tick (`tick` -1 before any frame, which the server counts as one tick).
 */
export function exportDurationS(tick: number, tickMs: number): number {
  return ((Math.max(tick, 0) + 1) * tickMs) / 1000;
}

/** The reason the scenario export is refused at `tick`, or null while the session fits a file. */
export function scenarioRefusal(tick: number, tickMs: number): string | null {
  return exportDurationS(tick, tickMs) > MAX_DURATION_S ? PAST_A_WEEK : null;
}
