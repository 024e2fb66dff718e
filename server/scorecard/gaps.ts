/**
 * Where a published [M07] figure is out of the model's reach on the paper's host, the mechanism
 * the model lacks, named per stress, column and side. The scorecard prints one only where the
 * figure actually misses; a miss with no entry here prints as unexplained.
 */
import type { ScorecardColumn, ScorecardRow } from '../../shared/scorecard.js';

type Side = 'good' | 'bad';

/** Stresses the engine cannot start yet, and the mechanism that would. */
export const NOT_RUN_MECHANISM: Partial<Record<ScorecardRow, string>> = {
  net_receive: 'mechanism missing: inbound flood (a flood aimed at one guest, received through the shared NIC and, under para, Dom0)',
};

/** Key: `stress/column/side`. */
export const MECHANISM_GAPS: Record<string, string> = {};

/** The named mechanism(s) behind a cell whose published figure(s) miss. */
export function missingMechanismOf(stress: ScorecardRow, column: ScorecardColumn, holds: Record<Side, boolean>): string {
  const sides: Side[] = (['good', 'bad'] as const).filter((s) => !holds[s]);
  return sides.map((s) => `${s}: ${MECHANISM_GAPS[`${stress}/${column}/${s}`] ?? 'unexplained (no mechanism named yet)'}`).join('; ');
}

/**
 * Demanded cells the model misses today on the scorecard's own hosts, each with the mechanism at
 * fault. They print ✗ and count as misses; the scorecard test pins this list, so a model change
 * that fixes or breaks a cell shows (and updates the list in the same commit). Key: `host/column/stress`.
 */
export const KNOWN_MISSES: Record<string, string> = {
  'modern/para/io_storm':
    'Dom0 saturation scales every guest\'s I/O down in proportion; model.md §5 shares Dom0 max-min fairly among the guests\' backends (a neighbour below its fair share is served in full)',
  'modern/containerNoLimits/cpu_hog':
    'scheduler wait counts every vCPU with any demand as a full runnable entity, so the light guests\' baseline already waits and a hog adds little; the wait must follow how busy the run queue is',
};
