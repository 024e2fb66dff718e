/** The scorecard as Markdown tables, for README's scorecard section (`npm run scorecard -- --markdown`). */
import { PUBLISHED_SYSTEM_LABEL } from '../../shared/published.js';
import {
  CATEGORY_LABEL,
  COLUMN_LABEL,
  type CellJson,
  type CheckJson,
  type ScorecardColumn,
  type TableJson,
} from '../../shared/scorecard.js';
import type { Figure } from './categories.js';
import { ROWS } from './demands.js';
import { pct } from './format.js';
import type { RobustnessReport } from './robustness.js';
import { COLUMNS } from './setup.js';

const fig = (f: Figure): string => (f === 'DNR' ? 'DNR' : String(f));
const mark = (b: boolean | undefined): string => (b === undefined ? '' : b ? ' ✓' : ' ✗');

function cellText(c: CellJson | undefined): string {
  if (!c) return '';
  if (c.notRun) return 'not run (mechanism missing)';
  const demand = c.expected
    ? `${CATEGORY_LABEL[c.good.category]}${mark(c.matches)}`
    : CATEGORY_LABEL[c.good.category];
  const p99 = c.p99Up || c.stress === 'cpu_hog' ? ` p99×${c.good.p99Ratio.toFixed(1)}` : '';
  return `${pct(c.good.degradationPct, c.good.dnr)} / ${pct(c.bad.degradationPct, c.bad.dnr)} ${demand}${p99}`;
}

/** One host's table: mean good / bad %, category of the worst-off neighbour, ✓/✗ against validation.md. */
export function markdownTable(t: TableJson): string {
  const lines = [
    `**${t.host.label}**: good (well-behaved mean) / bad %, category of the worst-off neighbour, ✓/✗ against validation.md on this setup`,
    '',
    `| stress | ${COLUMNS.map((c) => c.label).join(' | ')} |`,
    `|---|${COLUMNS.map(() => '---').join('|')}|`,
  ];
  for (const row of ROWS) {
    const cells = COLUMNS.map((col) => t.cells.find((c) => c.column === col.id && c.stress === row.stress));
    if (cells.every((c) => !c)) continue;
    lines.push(`| ${row.stress} | ${cells.map(cellText).join(' | ')} |`);
  }
  lines.push('', `${t.summary.inCategory}/${t.summary.demanded} demanded cells in their category.`);
  return lines.join('\n');
}

/** Published beside ours on one host, with ours ÷ published and the magnitude verdicts. */
export function markdownPublished(t: TableJson): string {
  const lines = [
    `**Published [M07] beside ours, ${t.host.label}** (good / bad; ours ÷ published; ✓ within ×2, ±2 points under 4 %, zeros under 1 %)`,
    '',
    '| stress | column | published | ours | ratio | magnitude |',
    '|---|---|---|---|---|---|',
  ];
  for (const c of t.cells.filter((x) => x.published)) {
    const p = c.published!;
    const ratio = (r: number | null) => (r === null ? '—' : `×${r.toFixed(2)}`);
    const ours = c.notRun
      ? 'not run'
      : `${pct(c.good.degradationPct, c.good.dnr)} / ${pct(c.bad.degradationPct, c.bad.dnr)}`;
    lines.push(
      `| ${c.stress} | ${COLUMN_LABEL[c.column]} (${PUBLISHED_SYSTEM_LABEL[p.system]}) | ${fig(p.good)} / ${fig(p.bad)} | ${ours} | ${ratio(p.ratio.good)} / ${ratio(p.ratio.bad)} | ${p.holds.good ? '✓' : '✗'} ${p.holds.bad ? '✓' : '✗'} |`,
    );
  }
  lines.push(
    '',
    `${t.summary.publishedHolding}/${t.summary.published} published figures matched in magnitude.`,
  );
  return lines.join('\n');
}

/** The further published checks. */
export function markdownChecks(checks: CheckJson[]): string {
  const lines = ['| check | published | ours | holds |', '|---|---|---|---|'];
  for (const c of checks)
    lines.push(
      `| ${c.source} ${c.what} | ${c.published} | ${c.ours} | ${c.holds === null ? '–' : c.holds ? '✓' : '✗'} |`,
    );
  return lines.join('\n');
}

/** The robustness grid: share in category per column × stress, and overall. */
export function markdownRobustness(r: RobustnessReport): string {
  const cols = Object.keys(COLUMN_LABEL) as ScorecardColumn[];
  const lines = [
    `| stress | ${cols.map((c) => COLUMN_LABEL[c]).join(' | ')} |`,
    `|---|${cols.map(() => '---').join('|')}|`,
  ];
  const stresses = [...new Set(Object.keys(r.shares).map((k) => k.split('/')[1]))];
  for (const s of ROWS.map((x) => x.stress).filter((x) => stresses.includes(x))) {
    const cells = cols.map((c) => {
      const v = r.shares[`${c}/${s}`];
      return v ? `${((100 * v.inCategory) / v.demanded).toFixed(0)} %` : '';
    });
    lines.push(`| ${s} | ${cells.join(' | ')} |`);
  }
  const o = r.overall;
  lines.push(
    '',
    `Overall ${(100 * o.share).toFixed(1)} % (${o.inCategory}/${o.demanded}) on ${r.hosts.length} hosts; the target is ${(100 * r.target).toFixed(0)} %.`,
  );
  return lines.join('\n');
}
