import { describe, expect, it } from 'vitest';
import {
  DEPARTURES,
  formatScorecard,
  MODERN_HOST,
  runScorecard,
  SMALL_HOST,
  type ScorecardTable,
} from '../../server/scorecard/experiment.js';

/** Demanded cells that miss their category, as `host/column/stress`. */
function missesOf(t: ScorecardTable): string[] {
  return t.cells
    .filter((c) => c.expected && !c.matches)
    .map((c) => `${t.host.id}/${c.column}/${c.stress}`)
    .sort();
}

/** The argued departures documented for a host (the misses must be exactly these). */
function documented(hostId: string): string[] {
  return Object.keys(DEPARTURES)
    .filter((k) => k.startsWith(`${hostId}/`))
    .sort();
}

/** Checks shared by both hosts: the misbehaving guest suffers, and a hog that fills the host shows in tail latency. */
function commonChecks(t: ScorecardTable): void {
  expect(t.cells.filter((c) => c.expected).length).toBe(32);
  // The misbehaving guest itself degrades or is DNR wherever it breaks something (not for a CPU hog: [M07] measured 0).
  for (const c of t.cells.filter(
    (x) => x.stress !== 'cpu_hog' && x.stress !== 'dom0_crash' && x.stress !== 'host_os_crash',
  ))
    expect(c.bad.category, `${t.host.id}/${c.column}/${c.stress}`).not.toBe('zero');
  // Fixed quotas: a hog changes nothing for the neighbours, not even their tail.
  const fullHog = t.cells.find((c) => c.column === 'full' && c.stress === 'cpu_hog')!;
  expect(fullHog.good.p99Ratio).toBeLessThan(1.05);
  // Shared CPU: the hog (as many vCPUs as the host has cores) leaves the host short, so waits show in p99.
  const noLimitsHog = t.cells.find((c) => c.column === 'containerNoLimits' && c.stress === 'cpu_hog')!;
  expect(noLimitsHog.good.p99Ratio).toBeGreaterThan(1.02);
}

describe('isolation scorecard (validation.md)', () => {
  it("lands every demanded cell in its category on the paper's host", () => {
    const t = runScorecard(SMALL_HOST);
    expect(missesOf(t)).toEqual([]);
    expect(documented('paper')).toEqual([]);
    commonChecks(t);
    // para under a CPU hog: throughput intact but p99 visibly up (the host is short of CPU).
    const paraHog = t.cells.find((c) => c.column === 'para' && c.stress === 'cpu_hog')!;
    expect(paraHog.good.p99Ratio).toBeGreaterThan(1.5);
    expect(formatScorecard(t)).toContain('32/32');
  });

  it('lands every demanded cell on the modern host too, under the same scaling rule', () => {
    const t = runScorecard(MODERN_HOST);
    expect(missesOf(t)).toEqual(documented('modern'));
    expect(missesOf(t)).toEqual([]);
    commonChecks(t);
    const paraHog = t.cells.find((c) => c.column === 'para' && c.stress === 'cpu_hog')!;
    expect(paraHog.good.p99Ratio).toBeGreaterThan(1.3);
    expect(formatScorecard(t)).toContain('32/32');
  });
});
