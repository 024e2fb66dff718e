/**
 * The isolation experiment of [M07] (validation.md) on one setup: per column and stress row, each
 * well-behaved guest's drop in good responses against the same guest in the run without the
 * stress; the worst-off one decides the cell's category (the mean is the [M07] figure), judged
 * against validation.md's demand for this setup (demands.ts), with the published figures beside.
 */
import type { Scenario } from '../../shared/commands.js';
import type { CellJson, GuestJson, TableJson } from '../../shared/scorecard.js';
import { categoryOf, magnitudeHolds, meets, ratioTo } from './categories.js';
import { demandOf, ROWS, type Row } from './demands.js';
import { KNOWN_MISSES, missingMechanismOf, NOT_RUN_MECHANISM } from './gaps.js';
import { withParams, type Params } from './params.js';
import { compareRuns, run, stressCommand, TABLE_TIMING, type RunStats, type Timing } from './measure.js';
import { COLUMNS, experimentScenario, guestIds, type Column, type ExperimentHost } from './setup.js';

export { COLUMNS, MODERN_HOST, SMALL_HOST, type ExperimentHost } from './setup.js';
export { ROWS } from './demands.js';

export interface RunOptions {
  timing?: Timing;
  columns?: Column[];
  rows?: Row[];
  /** Whether the magnitude acceptance (validation.md) applies (the paper's host). Default: the paper's host only. */
  magnitudes?: boolean;
  /** Model parameter overrides: every run carries them, and the setup conditions read them. */
  params?: Params;
}

export type ScorecardTable = TableJson;
export type Cell = CellJson;

function side(gs: GuestJson[]): { degradationPct: number; dnr: boolean; worst: GuestJson } {
  let worst = gs[0];
  for (const g of gs)
    if ((g.dnr && !worst.dnr) || (g.dnr === worst.dnr && g.degradationPct > worst.degradationPct)) worst = g;
  return {
    degradationPct: gs.reduce((a, g) => a + g.degradationPct, 0) / gs.length,
    dnr: gs.some((g) => g.dnr),
    worst,
  };
}

/** One cell from its guests' results (the last guest misbehaves), judged against validation.md's demand on this setup. */
export function cellOf(
  h: ExperimentHost,
  column: Column,
  row: Row,
  guests: GuestJson[],
  magnitudes: boolean,
  pr?: Params,
): CellJson {
  const well = guests.slice(0, -1);
  const g = side(well);
  const b = side(guests.slice(-1));
  const p99Ratio = well.reduce((a, x) => a + x.p99Ms / Math.max(1e-9, x.baselineP99Ms), 0) / well.length;
  const goodCat = categoryOf(g.worst.degradationPct, g.worst.dnr);
  const cell: CellJson = {
    column: column.id,
    stress: row.stress,
    good: {
      degradationPct: g.degradationPct,
      dnr: g.dnr,
      category: goodCat,
      worstPct: g.worst.degradationPct,
      worstGuest: g.worst.id,
      p99Ratio,
    },
    bad: { degradationPct: b.degradationPct, dnr: b.dnr, category: categoryOf(b.degradationPct, b.dnr) },
    guests,
  };
  const demand = demandOf(row, column, h, pr);
  if (demand) {
    cell.expected = demand.categories;
    if (demand.p99Up) cell.p99Up = true;
    if (demand.because) cell.because = demand.because;
    cell.matches = meets(demand, goodCat, p99Ratio);
    const known = KNOWN_MISSES[`${h.id}/${column.id}/${row.stress}`];
    if (!cell.matches && known) cell.missingMechanism = known;
  }
  if (row.badDegrades && demand) cell.badMatches = cell.bad.category !== 'zero';
  const pub = column.published && row.published?.[column.published];
  if (pub && column.published) {
    // [M07] reports the mean of the three well-behaved guests.
    cell.published = {
      system: column.published,
      good: pub[0],
      bad: pub[1],
      ratio: {
        good: ratioTo(pub[0], g.degradationPct, g.dnr),
        bad: ratioTo(pub[1], b.degradationPct, b.dnr),
      },
      holds: {
        good: magnitudeHolds(pub[0], g.degradationPct, g.dnr),
        bad: magnitudeHolds(pub[1], b.degradationPct, b.dnr),
      },
    };
    if (magnitudes && !(cell.published.holds.good && cell.published.holds.bad)) {
      const gap = missingMechanismOf(row.stress, column.id, cell.published.holds);
      cell.missingMechanism = cell.missingMechanism ? `${cell.missingMechanism}; ${gap}` : gap;
    }
  }
  return cell;
}

/** Runs the whole table on one setup. */
export function runScorecard(h: ExperimentHost, opts: RunOptions = {}): ScorecardTable {
  const timing = opts.timing ?? TABLE_TIMING;
  const magnitudes = opts.magnitudes ?? h.id === 'paper';
  const pr = opts.params;
  const transform = (s: Scenario): Scenario => (pr ? withParams(s, pr) : s);
  const ids = guestIds(h);
  const badId = ids[ids.length - 1];
  const cells: CellJson[] = [];
  for (const column of opts.columns ?? COLUMNS) {
    const scenario = transform(experimentScenario(h, column));
    let base: RunStats | undefined;
    for (const row of opts.rows ?? ROWS) {
      const demanded = row.rules[column.id] !== undefined;
      if (row.hostFault && !demanded) continue;
      if (!demanded && !(column.published && row.published?.[column.published])) continue;
      const command = stressCommand(row.stress, badId);
      if (!command) {
        cells.push(notRunCell(column, row, h, pr));
        continue;
      }
      base ??= run(scenario, undefined, timing);
      cells.push(
        cellOf(
          h,
          column,
          row,
          compareRuns(ids, base, run(scenario, command, timing), scenario),
          magnitudes,
          pr,
        ),
      );
    }
  }
  return { host: { id: h.id, label: h.label }, cells, summary: summaryOf(cells, magnitudes) };
}

function notRunCell(column: Column, row: Row, h: ExperimentHost, pr?: Params): CellJson {
  const pub = column.published && row.published?.[column.published];
  const none = { degradationPct: 0, dnr: false, category: 'zero' as const };
  const cell: CellJson = {
    column: column.id,
    stress: row.stress,
    good: { ...none, worstPct: 0, worstGuest: '', p99Ratio: 1 },
    bad: none,
    notRun: true,
    missingMechanism: NOT_RUN_MECHANISM[row.stress] ?? `the engine cannot start ${row.stress}`,
    guests: [],
  };
  const demand = demandOf(row, column, h, pr);
  if (demand) {
    cell.expected = demand.categories;
    cell.matches = false;
  }
  if (pub && column.published) {
    cell.published = {
      system: column.published,
      good: pub[0],
      bad: pub[1],
      ratio: { good: null, bad: null },
      holds: { good: false, bad: false },
    };
  }
  return cell;
}

function summaryOf(cells: CellJson[], magnitudes: boolean): TableJson['summary'] {
  const demanded = cells.filter((c) => c.expected);
  const pubs = magnitudes ? cells.filter((c) => c.published) : [];
  return {
    demanded: demanded.length,
    inCategory: demanded.filter((c) => c.matches).length,
    published: pubs.length * 2,
    publishedHolding: pubs.reduce(
      (a, c) => a + (c.published!.holds.good ? 1 : 0) + (c.published!.holds.bad ? 1 : 0),
      0,
    ),
  };
}
