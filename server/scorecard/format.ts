/** The scorecard table as text: per stress row and column, ours beside the published figure with the ratio, and the verdicts. */
import { PUBLISHED_SYSTEM_LABEL } from '../../shared/published.js';
import { CATEGORY_LABEL, type CellJson, type TableJson } from '../../shared/scorecard.js';
import { MAGNITUDE, VISIBLE_P99_RATIO, type Figure } from './categories.js';
import { ROWS } from './demands.js';
import { COLUMNS } from './setup.js';

/** A degradation figure. */
export function pct(x: number, dnr: boolean): string {
  return dnr ? 'DNR' : `${x < 10 ? x.toFixed(2) : x.toFixed(1)}`;
}

function fig(f: Figure): string {
  return f === 'DNR' ? 'DNR' : String(f);
}

function ratio(r: number | null): string {
  if (r === null) return '—';
  return `×${r < 10 ? r.toFixed(2) : r.toFixed(0)}`;
}

const mark = (ok: boolean | undefined): string => (ok === undefined ? ' ' : ok ? '✓' : '✗');

function cellLines(c: CellJson, label: string, magnitudes: boolean): string[] {
  if (c.notRun) {
    const pub = c.published
      ? `   published ${PUBLISHED_SYSTEM_LABEL[c.published.system]}: ${fig(c.published.good)} / ${fig(c.published.bad)}`
      : '';
    return [`  ${label.padEnd(21)} not run: ${c.missingMechanism ?? ''}${pub}`];
  }
  const ours = `${pct(c.good.degradationPct, c.good.dnr).padStart(6)} / ${pct(c.bad.degradationPct, c.bad.dnr).padEnd(6)}`;
  const worst = c.good.worstGuest ? ` worst ${pct(c.good.worstPct, c.good.category === 'outage')}` : '';
  const demanded = c.expected
    ? ` [${CATEGORY_LABEL[c.good.category]} → ${c.expected.map((e) => CATEGORY_LABEL[e]).join('|')}${c.p99Up ? ` + p99 ≥×${VISIBLE_P99_RATIO}` : ''} ${mark(c.matches)}]`
    : ` [${CATEGORY_LABEL[c.good.category]}]`;
  const bad = c.badMatches === false ? ' bad ✗ (misbehaving guest unharmed)' : '';
  const p99 = c.stress === 'cpu_hog' || c.p99Up ? `  p99 ×${c.good.p99Ratio.toFixed(2)}` : '';
  const lines = [`  ${label.padEnd(21)} ${ours}${worst.padEnd(13)}${demanded}${p99}${bad}`];
  if (c.published) {
    const p = c.published;
    const holds = magnitudes ? `  ${mark(p.holds.good)} ${mark(p.holds.bad)}` : '';
    lines.push(
      `  ${''.padEnd(21)} published ${PUBLISHED_SYSTEM_LABEL[p.system]}: ${fig(p.good)} / ${fig(p.bad)}   ours÷published ${ratio(p.ratio.good)} / ${ratio(p.ratio.bad)}${holds}`,
    );
  }
  if (c.because) lines.push(`  ${''.padEnd(21)} setup: ${c.because}`);
  if (c.missingMechanism) lines.push(`  ${''.padEnd(21)} missing mechanism: ${c.missingMechanism}`);
  return lines;
}

/** The table as text: one block per row, each column with ours (mean / misbehaving), the worst-off neighbour, category, verdict, and the published figures. */
export function formatScorecard(t: TableJson): string {
  const magnitudes = t.summary.published > 0;
  const lines: string[] = [];
  lines.push(`Isolation scorecard on the ${t.host.label}`);
  lines.push(
    '% fewer good responses than the same guest without the stress: well-behaved mean / misbehaving, the worst-off',
  );
  lines.push(
    'well-behaved guest, its category → what validation.md demands on this setup ✓/✗; the published [M07] figures below.',
  );
  if (magnitudes)
    lines.push(
      `Magnitudes (✓/✗ good, bad): published non-zero within ×${MAGNITUDE.factor} (±${MAGNITUDE.points} points under ${MAGNITUDE.smallBelowPct} %), published zeros under ${MAGNITUDE.zeroBelowPct} %.`,
    );
  for (const row of ROWS) {
    const cells = COLUMNS.map((col) => ({
      col,
      c: t.cells.find((x) => x.column === col.id && x.stress === row.stress),
    })).filter((x) => x.c);
    if (!cells.length) continue;
    lines.push('');
    lines.push(`${row.label} (${row.stress})`);
    for (const { col, c } of cells) lines.push(...cellLines(c!, col.label, magnitudes));
  }
  lines.push('');
  const s = t.summary;
  lines.push(`${s.inCategory}/${s.demanded} demanded cells in their category`);
  if (magnitudes) lines.push(`${s.publishedHolding}/${s.published} published figures matched in magnitude`);
  return lines.join('\n');
}
