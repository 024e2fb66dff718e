/**
 * The validation scorecard as the page draws it: a grid of stress tests × modes, each cell with
 * our degradation for the well-behaved neighbours ("good") and the misbehaving guest ("bad"),
 * the published figures where there are some, the category and whether it matches.
 */

export interface ScoreCell {
  stress: string;
  mode: string;
  good: number | string | null;
  bad: number | string | null;
  publishedGood: number | string | null;
  publishedBad: number | string | null;
  category: string | null;
  expected: string | null;
  match: boolean | null;
  note: string | null;
}

export interface ScoreGrid {
  stresses: string[];
  modes: string[];
  cells: Map<string, ScoreCell>;
  matched: number;
  total: number;
}

type Obj = Record<string, unknown>;

function pick(o: Obj, names: string[]): unknown {
  for (const n of names) if (o[n] !== undefined) return o[n];
  return undefined;
}

function val(v: unknown): number | string | null {
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (v && typeof v === 'object') {
    const o = v as Obj;
    const inner = pick(o, ['pct', 'percent', 'value', 'degradationPct']);
    if (inner !== undefined) return val(inner);
    if (o.dnr === true) return 'DNR';
  }
  return null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function findCells(data: unknown): Obj[] {
  if (Array.isArray(data)) return data.filter((x): x is Obj => !!x && typeof x === 'object');
  if (data && typeof data === 'object') {
    const o = data as Obj;
    for (const k of ['cells', 'rows', 'table', 'results', 'data']) if (Array.isArray(o[k])) return findCells(o[k]);
  }
  return [];
}

/** Normalise the scorecard JSON into a grid (tolerates field-name variants). */
export function toGrid(data: unknown): ScoreGrid {
  const cells = new Map<string, ScoreCell>();
  const stresses: string[] = [];
  const modes: string[] = [];
  let matched = 0;
  let total = 0;
  for (const o of findCells(data)) {
    const stress = String(pick(o, ['stress', 'test', 'stressTest', 'fault', 'row']) ?? '?');
    const mode = String(pick(o, ['mode', 'column', 'model', 'profile']) ?? '?');
    const ours = (pick(o, ['ours', 'our', 'sim', 'simulated']) as Obj | undefined) ?? o;
    const pub = (pick(o, ['published', 'paper', 'reference']) as Obj | undefined) ?? {};
    const matchRaw = pick(o, ['match', 'matches', 'ok', 'pass']);
    const cell: ScoreCell = {
      stress,
      mode,
      good: val(pick(ours, ['good', 'goodPct', 'goodDegradationPct', 'goodDegradation'])),
      bad: val(pick(ours, ['bad', 'badPct', 'badDegradationPct', 'badDegradation'])),
      publishedGood: val(typeof pub === 'object' ? pick(pub as Obj, ['good', 'goodPct']) : undefined) ?? val(pick(o, ['publishedGood', 'paperGood'])),
      publishedBad: val(typeof pub === 'object' ? pick(pub as Obj, ['bad', 'badPct']) : undefined) ?? val(pick(o, ['publishedBad', 'paperBad'])),
      category: str(pick(ours, ['category', 'goodCategory', 'ourCategory'])) ?? str(pick(o, ['category', 'goodCategory'])),
      expected: str(pick(o, ['expected', 'expectedCategory', 'publishedCategory', 'want'])),
      match: typeof matchRaw === 'boolean' ? matchRaw : null,
      note: str(pick(o, ['note', 'departure', 'comment'])),
    };
    if (!stresses.includes(stress)) stresses.push(stress);
    if (!modes.includes(mode)) modes.push(mode);
    cells.set(`${stress}\u0000${mode}`, cell);
    if (cell.match !== null) {
      total++;
      if (cell.match) matched++;
    }
  }
  return { stresses, modes, cells, matched, total };
}

/** A degradation figure as the table prints it. */
export function fmtDegradation(v: number | string | null): string {
  if (v === null) return '—';
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return 'DNR';
  return `${v < 10 ? v.toFixed(2) : v.toFixed(1)} %`;
}
