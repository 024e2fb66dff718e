/**
 * `--robustness`: the experiment over the host family (family.ts), each cell judged against what
 * validation.md demands on that host's setup; the share of demanded cells in category per column ×
 * stress and overall, and every failing (host, cell).
 */
import { CATEGORY_LABEL, COLUMN_LABEL, type Category, type ScorecardColumn } from '../../shared/scorecard.js';
import { ROBUSTNESS_TARGET } from './categories.js';
import { ROWS } from './demands.js';
import { runScorecard } from './experiment.js';
import { TABLE_TIMING, type Timing } from './measure.js';
import { param } from './params.js';
import type { ExperimentHost } from './setup.js';

/**
 * The tables' window: a cell on a family host is measured as the published table measures it (a
 * shorter window would cut off an effect that builds up, such as a neighbour's backlog growing
 * behind a saturated link until its requests pass the SLO).
 */
export const ROBUSTNESS_TIMING: Timing = TABLE_TIMING;

/**
 * The window on one host: at least ROBUSTNESS_TIMING's, and long enough for a memory bomb to fill
 * the host's free RAM and swap at its default rate, the shared kernel's reclaim livelock to run
 * out, and a client to time out (with 10 s to spare), so an outage has the time to happen.
 */
export function timingFor(h: ExperimentHost): Timing {
  const ram = h.host.ramGiB;
  const free = Math.max(0, ram - h.guests * h.ramGiB * h.load.mem) + param('hostSwapRatio') * ram;
  const fillS = free / (param('leakPlanPerS') * h.ramGiB);
  const needS = fillS + param('oomLivelockS') + param('clientTimeoutMs') / 1000 + 10;
  return {
    warmupS: ROBUSTNESS_TIMING.warmupS,
    windowS: Math.max(ROBUSTNESS_TIMING.windowS, Math.ceil(needS / 10) * 10),
  };
}

/** Rows with a category demand (the robustness check has nothing to judge elsewhere). */
export const DEMANDED_ROWS = ROWS.filter((r) => Object.keys(r.rules).length > 0);

export interface Failure {
  host: string;
  hostLabel: string;
  column: ScorecardColumn;
  stress: string;
  got: Category;
  worstPct: number;
  meanPct: number;
  p99Ratio: number;
  expected: Category[];
  p99Up: boolean;
  because?: string;
}

export interface RobustnessReport {
  hosts: { id: string; label: string }[];
  /** Per `column/stress`: demanded cells and those in category. */
  shares: Record<string, { demanded: number; inCategory: number }>;
  overall: { demanded: number; inCategory: number; share: number };
  target: number;
  failures: Failure[];
  /** Cells where the misbehaving guest itself came out unharmed though validation.md says it degrades. */
  badFailures: { host: string; column: ScorecardColumn; stress: string }[];
}

/** Runs the family. `onHost` is told after each host (progress for the CLI). */
export function runRobustness(
  hosts: ExperimentHost[],
  opts: { timing?: Timing; onHost?: (h: ExperimentHost, k: number) => void } = {},
): RobustnessReport {
  const shares: RobustnessReport['shares'] = {};
  const failures: Failure[] = [];
  const badFailures: RobustnessReport['badFailures'] = [];
  hosts.forEach((h, k) => {
    const t = runScorecard(h, {
      timing: opts.timing ?? timingFor(h),
      rows: DEMANDED_ROWS,
      magnitudes: false,
    });
    for (const c of t.cells) {
      if (!c.expected) continue;
      const key = `${c.column}/${c.stress}`;
      const s = (shares[key] ??= { demanded: 0, inCategory: 0 });
      s.demanded++;
      if (c.matches) s.inCategory++;
      else
        failures.push({
          host: h.id,
          hostLabel: h.label,
          column: c.column,
          stress: c.stress,
          got: c.good.category,
          worstPct: c.good.worstPct,
          meanPct: c.good.degradationPct,
          p99Ratio: c.good.p99Ratio,
          expected: c.expected,
          p99Up: !!c.p99Up,
          because: c.because,
        });
      if (c.badMatches === false) badFailures.push({ host: h.id, column: c.column, stress: c.stress });
    }
    opts.onHost?.(h, k);
  });
  const all = Object.values(shares);
  const demanded = all.reduce((a, s) => a + s.demanded, 0);
  const inCategory = all.reduce((a, s) => a + s.inCategory, 0);
  return {
    hosts: hosts.map((h) => ({ id: h.id, label: h.label })),
    shares,
    overall: { demanded, inCategory, share: demanded ? inCategory / demanded : 1 },
    target: ROBUSTNESS_TARGET,
    failures,
    badFailures,
  };
}

const pctOf = (a: number, b: number): string => (b ? `${((100 * a) / b).toFixed(0)} %` : '—');

/** The report as text: a column × stress grid of shares, the overall share against the target, and the failing cells. */
export function formatRobustness(r: RobustnessReport): string {
  const cols = Object.keys(COLUMN_LABEL) as ScorecardColumn[];
  const lines: string[] = [];
  lines.push(
    `Robustness: the [M07] experiment on ${r.hosts.length} hosts; share of demanded cells in category`,
  );
  lines.push('');
  lines.push(`${'stress'.padEnd(16)}${cols.map((c) => COLUMN_LABEL[c].padStart(22)).join('')}`);
  for (const row of DEMANDED_ROWS) {
    const cells = cols.map((c) => {
      const s = r.shares[`${c}/${row.stress}`];
      return (s ? `${pctOf(s.inCategory, s.demanded)} (${s.inCategory}/${s.demanded})` : '').padStart(22);
    });
    lines.push(`${row.stress.padEnd(16)}${cells.join('')}`);
  }
  lines.push('');
  const o = r.overall;
  const verdict = o.share >= r.target ? 'meets' : 'BELOW';
  lines.push(
    `overall: ${(100 * o.share).toFixed(1)} % (${o.inCategory}/${o.demanded}) in category; target ${(100 * r.target).toFixed(0)} %: ${verdict}`,
  );
  if (r.failures.length) {
    lines.push('');
    lines.push(
      `failing cells (${r.failures.length}): host, column, stress: got (worst-off / mean %) → demanded`,
    );
    for (const f of r.failures) {
      const p99 = f.p99Up ? ` p99 ×${f.p99Ratio.toFixed(2)} (needs a visible rise)` : '';
      lines.push(
        `  ${f.host} ${f.column} ${f.stress}: ${CATEGORY_LABEL[f.got]} (${f.worstPct.toFixed(1)} / ${f.meanPct.toFixed(1)})${p99} → ${f.expected.map((e) => CATEGORY_LABEL[e]).join('|')}` +
          (f.because ? `  [${f.because}]` : ''),
      );
    }
    lines.push('');
    lines.push('hosts of the failing cells:');
    for (const id of [...new Set(r.failures.map((f) => f.host))])
      lines.push(`  ${r.failures.find((f) => f.host === id)!.hostLabel}`);
  }
  if (r.badFailures.length) {
    lines.push('');
    lines.push(`misbehaving guest unharmed where validation.md says it degrades (${r.badFailures.length}):`);
    lines.push(`  ${r.badFailures.map((b) => `${b.host} ${b.column} ${b.stress}`).join(', ')}`);
  }
  return lines.join('\n');
}
