/**
 * The validation scorecard as the page draws it: per experiment host, a grid of stress tests ×
 * modes; each cell holds our degradation for the well-behaved neighbours ("good") and the
 * misbehaving guest ("bad"), its category, the categories the validation allows, whether it
 * matches, and the published [M07] figures beside it: the server's when its answer carries them,
 * else the one shared copy (shared/published.ts).
 */
import {
  PUBLISHED_COLUMN_SYSTEM,
  PUBLISHED_M07,
  PUBLISHED_SYSTEM_LABEL,
  type PublishedPair,
} from '../../../shared/published.js';
import { CATEGORY_LABEL, ROW_LABEL, type Category } from '../../../shared/scorecard.js';

export { CATEGORY_LABEL, type Category };

type Published = PublishedPair;

const COLUMN_LABELS: Record<string, string> = {
  full: 'Full virt. (type-1)',
  hosted: 'Hosted (type-2)',
  para: 'Paravirt. (Xen PV)',
  containerLimits: 'Containers, limits',
  containerNoLimits: 'Containers, no limits',
};

const STRESS_LABELS: Record<string, string> = {
  ...ROW_LABEL,
  cache_thrash: 'cache thrash',
  host_reboot: 'host reboot',
};

export interface Side {
  pct: number | null;
  dnr: boolean;
  category: Category | null;
}

export interface ScoreCell {
  stress: string;
  column: string;
  good: Side;
  bad: Side;
  p99Ratio: number | null;
  expected: Category[];
  match: boolean | null;
  departure: string | null;
  /** A mechanism the model lacks for this cell (a stress it cannot run, or a published figure out of reach). */
  missingMechanism: string | null;
  published: Published | null;
  system: string | null;
}

export interface ScoreTable {
  title: string;
  columns: { id: string; label: string; system: string | null }[];
  rows: { id: string; label: string }[];
  cells: Map<string, ScoreCell>;
  matched: number;
  total: number;
  departures: number;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

function side(v: unknown): Side {
  const o = isObj(v) ? v : {};
  const pct = typeof o.degradationPct === 'number' ? o.degradationPct : null;
  const cat =
    typeof o.category === 'string' && o.category in CATEGORY_LABEL ? (o.category as Category) : null;
  return { pct, dnr: o.dnr === true, category: cat };
}

const isFigure = (v: unknown): v is number | 'DNR' =>
  (typeof v === 'number' && Number.isFinite(v)) || v === 'DNR';

/** Published figures carried by a cell of the server's answer: `[good, bad]` or `{ good, bad }`. */
function carried(p: unknown): Published | null {
  if (Array.isArray(p) && p.length === 2 && isFigure(p[0]) && isFigure(p[1])) return [p[0], p[1]];
  if (isObj(p) && isFigure(p.good) && isFigure(p.bad)) return [p.good, p.bad];
  return null;
}

function publishedOf(o: Obj, stress: string, column: string): Published | null {
  const fromServer = carried(o.published);
  if (fromServer) return fromServer;
  const sys = PUBLISHED_COLUMN_SYSTEM[column];
  return (sys && PUBLISHED_M07[stress]?.[sys]) || null;
}

function systemOf(o: Obj, column: string): string | null {
  const p = o.published;
  if (isObj(p) && typeof p.system === 'string')
    return PUBLISHED_SYSTEM_LABEL[p.system as keyof typeof PUBLISHED_SYSTEM_LABEL] ?? p.system;
  const sys = PUBLISHED_COLUMN_SYSTEM[column];
  return sys ? PUBLISHED_SYSTEM_LABEL[sys] : null;
}

function tablesOf(data: unknown): Obj[] {
  if (Array.isArray(data)) return data.filter(isObj);
  if (isObj(data)) {
    if (Array.isArray(data.tables)) return data.tables.filter(isObj);
    if (Array.isArray(data.cells)) return [data];
  }
  return [];
}

/** Normalise the scorecard JSON (one table per experiment host) for drawing. */
export function toTables(data: unknown): ScoreTable[] {
  return tablesOf(data).map((t, i) => {
    const host = isObj(t.host) ? t.host : {};
    const title = typeof host.label === 'string' ? host.label : `Experiment ${i + 1}`;
    const cells = new Map<string, ScoreCell>();
    const colIds: string[] = [];
    const rowIds: string[] = [];
    let matched = 0;
    let total = 0;
    let departures = 0;
    for (const c of Array.isArray(t.cells) ? t.cells.filter(isObj) : []) {
      const stress = String(c.stress ?? '?');
      const column = String(c.column ?? '?');
      if (!colIds.includes(column)) colIds.push(column);
      if (!rowIds.includes(stress)) rowIds.push(stress);
      const good = isObj(c.good) ? c.good : {};
      // A stress the engine cannot run yet carries no figures.
      const notRun = c.notRun === true;
      const cell: ScoreCell = {
        stress,
        column,
        good: notRun ? { pct: null, dnr: false, category: null } : side(c.good),
        bad: notRun ? { pct: null, dnr: false, category: null } : side(c.bad),
        p99Ratio: typeof good.p99Ratio === 'number' ? good.p99Ratio : null,
        expected: Array.isArray(c.expected)
          ? (c.expected.filter((x) => typeof x === 'string') as Category[])
          : [],
        match: typeof c.matches === 'boolean' ? c.matches : null,
        departure: typeof c.departure === 'string' ? c.departure : null,
        missingMechanism: typeof c.missingMechanism === 'string' ? c.missingMechanism : null,
        published: publishedOf(c, stress, column),
        system: systemOf(c, column),
      };
      cells.set(`${stress}\u0000${column}`, cell);
      if (cell.expected.length && cell.match !== null) {
        total++;
        if (cell.match) matched++;
        else if (cell.departure) departures++;
      }
    }
    return {
      title,
      columns: colIds.map((id) => ({
        id,
        label: COLUMN_LABELS[id] ?? id,
        system: PUBLISHED_COLUMN_SYSTEM[id] ? PUBLISHED_SYSTEM_LABEL[PUBLISHED_COLUMN_SYSTEM[id]] : null,
      })),
      rows: rowIds.map((id) => ({ id, label: STRESS_LABELS[id] ?? id })),
      cells,
      matched,
      total,
      departures,
    };
  });
}

/** A degradation figure as the table prints it. */
export function fmtSide(s: Side): string {
  if (s.dnr) return 'DNR';
  if (s.pct === null) return '—';
  return `${s.pct < 10 ? s.pct.toFixed(2) : s.pct.toFixed(1)} %`;
}

export function fmtPublished(v: number | 'DNR'): string {
  return v === 'DNR' ? 'DNR' : `${v} %`;
}
