/**
 * The longest session a scenario file holds. Apart from the schemas (shared/commands.ts re-exports
 * it) so the dashboard reads it without taking zod into its bundle.
 */

/** The longest a scenario runs (its `durationS`): a week of simulated time, in seconds. */
export const MAX_DURATION_S = 7 * 86_400;
