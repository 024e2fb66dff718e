/**
 * The validation scorecard as the page draws it: per experiment host, a grid of stress tests ×
 * modes; each cell holds our degradation for the well-behaved neighbours ("good") and the
 * misbehaving guest ("bad"), its category, the categories the validation allows, whether it
 * matches, and the published [M07] figures beside it.
 */

export type Category = 'zero' | 'small' | 'large' | 'outage';
export const CATEGORY_LABEL: Record<Category, string> = { zero: '≈0', small: 'small', large: 'large', outage: 'outage' };

type Published = [number | 'DNR', number | 'DNR'];
type System = 'vmware' | 'xen' | 'openvz';

/** Published % degradation (good, bad) from Matthews et al., ExpCS 2007 (validation spec). */
export const PUBLISHED: Record<string, Partial<Record<System, Published>>> = {
  cpu_hog: { vmware: [0, 0], xen: [0.01, 0], openvz: [0, 0] },
  memory_leak: { vmware: [0, 91.3], xen: [0.03, 'DNR'], openvz: [0, 'DNR'] },
  io_storm: { vmware: [0, 39.8], xen: [1.67, 11.53], openvz: [2.52, 2.63] },
  net_flood: { vmware: [0, 52.9], xen: [0, 0.33], openvz: [21.3, 28.97] },
  fork_bomb: { vmware: [0, 'DNR'], xen: [0.04, 'DNR'], openvz: [0.01, 87.8] },
};

/** Which published system stands beside each scorecard column. */
const COLUMN_SYSTEM: Record<string, System> = { hosted: 'vmware', para: 'xen', containerLimits: 'openvz' };
const SYSTEM_LABEL: Record<System, string> = { vmware: 'VMware Workstation', xen: 'Xen 3.0', openvz: 'OpenVZ' };

const COLUMN_LABELS: Record<string, string> = {
  full: 'Full virt. (type-1)',
  hosted: 'Hosted (type-2)',
  para: 'Paravirt. (Xen PV)',
  containerLimits: 'Containers, limits',
  containerNoLimits: 'Containers, no limits',
};

const STRESS_LABELS: Record<string, string> = {
  cpu_hog: 'CPU intensive',
  memory_leak: 'memory bomb',
  io_storm: 'disk intensive',
  net_flood: 'network, server transmits',
  fork_bomb: 'fork bomb',
  kernel_panic: 'kernel panic',
  cache_thrash: 'cache thrash',
  host_os_crash: 'host-OS crash',
  dom0_crash: 'Dom0 crash',
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
  const cat = typeof o.category === 'string' && o.category in CATEGORY_LABEL ? (o.category as Category) : null;
  return { pct, dnr: o.dnr === true, category: cat };
}

function publishedOf(o: Obj, stress: string, column: string): Published | null {
  const p = o.published;
  if (Array.isArray(p) && p.length === 2) return p as Published;
  const sys = COLUMN_SYSTEM[column];
  return (sys && PUBLISHED[stress]?.[sys]) || null;
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
      const cell: ScoreCell = {
        stress,
        column,
        good: side(c.good),
        bad: side(c.bad),
        p99Ratio: typeof good.p99Ratio === 'number' ? good.p99Ratio : null,
        expected: Array.isArray(c.expected) ? (c.expected.filter((x) => typeof x === 'string') as Category[]) : [],
        match: typeof c.matches === 'boolean' ? c.matches : null,
        departure: typeof c.departure === 'string' ? c.departure : null,
        published: publishedOf(c, stress, column),
        system: COLUMN_SYSTEM[column] ? SYSTEM_LABEL[COLUMN_SYSTEM[column]] : null,
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
        system: COLUMN_SYSTEM[id] ? SYSTEM_LABEL[COLUMN_SYSTEM[id]] : null,
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
