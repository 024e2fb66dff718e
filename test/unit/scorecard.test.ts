import { describe, expect, it } from 'vitest';
import { KNOWN_MISSES } from '../../server/scorecard/gaps.js';
import {
  MODERN_HOST,
  runScorecard,
  SMALL_HOST,
  type ScorecardTable,
} from '../../server/scorecard/experiment.js';
import { formatScorecard } from '../../server/scorecard/format.js';
import { receiveFloodCommand } from '../../server/scorecard/measure.js';
import { VISIBLE_P99_RATIO } from '../../server/scorecard/categories.js';

/** Demanded cells that miss their category (or their p99 demand), as `host/column/stress`. */
function missesOf(t: ScorecardTable): string[] {
  return t.cells
    .filter((c) => c.expected && !c.matches)
    .map((c) => `${t.host.id}/${c.column}/${c.stress}`)
    .sort();
}

/** The misses the model is known to have on a host (each names its mechanism). */
function known(hostId: string): string[] {
  return Object.keys(KNOWN_MISSES)
    .filter((k) => k.startsWith(`${hostId}/`))
    .sort();
}

const cell = (t: ScorecardTable, column: string, stress: string) =>
  t.cells.find((c) => c.column === column && c.stress === stress)!;

/** Checks shared by both hosts. */
function commonChecks(t: ScorecardTable): void {
  // validation.md's table: 32 demanded cells (26 guest stresses × columns, kernel panic, two host faults).
  expect(t.cells.filter((c) => c.expected).length).toBe(32);
  expect(t.summary.demanded).toBe(32);
  // The misbehaving guest itself degrades or is DNR wherever validation.md says so.
  for (const c of t.cells.filter((x) => x.badMatches !== undefined))
    expect(c.badMatches, `${t.host.id}/${c.column}/${c.stress}`).toBe(true);
  // The worst-off neighbour decides: the category is never milder than the worst guest's own.
  for (const c of t.cells.filter((x) => !x.notRun)) {
    const worst = Math.max(...c.guests.slice(0, -1).map((g) => g.degradationPct));
    expect(c.good.worstPct).toBe(worst);
    expect(c.good.worstPct).toBeGreaterThanOrEqual(c.good.degradationPct - 1e-9);
  }
  // Fixed quotas: a hog changes nothing for the neighbours, not even their tail.
  expect(cell(t, 'full', 'cpu_hog').good.p99Ratio).toBeLessThan(1.05);
  // A guest crash under full virtualization stays in that guest; containers share the kernel.
  expect(cell(t, 'full', 'kernel_panic').good.category).toBe('zero');
  expect(cell(t, 'containerNoLimits', 'kernel_panic').good.category).toBe('outage');
}

describe('isolation scorecard (validation.md)', () => {
  it("lands every demanded cell in its category on the paper's host", () => {
    const t = runScorecard(SMALL_HOST);
    expect(missesOf(t)).toEqual(known('paper'));
    expect(missesOf(t)).toEqual([]);
    commonChecks(t);
    // para under a CPU hog on one core: the setup leaves the host short, so p99 must be visibly up.
    const paraHog = cell(t, 'para', 'cpu_hog');
    expect(paraHog.p99Up).toBe(true);
    expect(paraHog.good.p99Ratio).toBeGreaterThanOrEqual(VISIBLE_P99_RATIO);
    const text = formatScorecard(t);
    expect(text).toContain('32/32 demanded cells in their category');
    // Published and ours side by side, with the ratio, for the good and the bad column.
    expect(text).toContain('published Xen 3.0: 1.67 / 11.53');
    expect(text).toMatch(/published OpenVZ: 21\.3 \/ 28\.97 {3}ours÷published ×\d\.\d\d \/ ×\d\.\d\d/);
    expect(t.summary.published).toBeGreaterThan(0);
    // Where a published figure is out of reach, the scorecard names the missing mechanism.
    for (const c of t.cells.filter(
      (x) => x.published && !(x.published.holds.good && x.published.holds.bad),
    )) {
      expect(c.missingMechanism, `${c.column}/${c.stress}`).toBeTruthy();
      expect(c.missingMechanism, `${c.column}/${c.stress}`).not.toMatch(/unexplained/);
    }
  }, 300_000);

  it('judges the modern host under the same scaling rule; its misses are exactly the known ones, each naming its mechanism', () => {
    const t = runScorecard(MODERN_HOST);
    expect(missesOf(t)).toEqual(known('modern'));
    for (const k of known('modern')) {
      const [, column, stress] = k.split('/');
      expect(cell(t, column, stress).missingMechanism).toBe(KNOWN_MISSES[k]);
    }
    commonChecks(t);
    // Magnitudes are the paper host's acceptance only.
    expect(t.summary.published).toBe(0);
    expect(formatScorecard(t)).toContain(
      `${32 - known('modern').length}/32 demanded cells in their category`,
    );
  }, 300_000);

  it('adds the "network, server receives" row: run where the engine has an inbound flood, else marked as a missing mechanism', () => {
    const t = runScorecard(SMALL_HOST, { columns: undefined, rows: undefined });
    const rx = t.cells.filter((c) => c.stress === 'net_receive');
    expect(rx.map((c) => c.column).sort()).toEqual(['containerLimits', 'hosted', 'para']);
    const has = receiveFloodCommand('web-4') !== undefined;
    for (const c of rx) {
      expect(c.notRun ?? false).toBe(!has);
      expect(c.published).toBeDefined();
      if (!has) expect(c.missingMechanism).toMatch(/mechanism missing: inbound flood/);
    }
    expect(formatScorecard(t)).toContain('network, server receives (net_receive)');
  }, 300_000);
});
