/**
 * CSV export: one row per tick and VPS, written from {@link TickColumns} (the runner reads them from
 * the engine; a kept frame converts to them), so the live download and the runner agree byte for byte.
 */
import type { ModeSpec } from '../../shared/commands.js';
import { HOST_METRICS, VPS_METRICS, VPS_STATES, type Frame } from '../../shared/model.js';
import { TickColumns, frameColumns } from './columns.js';
import { headerCell, unitCell, type UnitsMode } from './units.js';

/** Per-VPS CSV columns after `tick`, `t`, optional `mode` and `vps`: `state` then every VPS metric. */
export const CSV_VPS_COLUMNS: readonly string[] = ['state', ...VPS_METRICS];
/** Host columns, each prefixed `host.`. */
export const CSV_HOST_COLUMNS: readonly string[] = HOST_METRICS.map((m) => `host.${m}`);

/**
 * The CSV header (with a trailing newline). `mode: true` adds a `mode` column after `t`. `units`:
 * `header` (default) names carry their unit where the name does not (`cpuSteal[0-1]`, `t[s]`);
 * `row` keeps the bare names and adds a second line of units; `none` bare names only.
 */
export function csvHeader(options: { mode?: boolean; units?: UnitsMode } = {}): string {
  const units = options.units ?? 'header';
  const cols = [
    'tick',
    't',
    ...(options.mode ? ['mode'] : []),
    'vps',
    ...CSV_VPS_COLUMNS,
    ...CSV_HOST_COLUMNS,
  ];
  const head = cols.map((c) => headerCell(c, units)).join(',') + '\n';
  return units === 'row' ? head + cols.map(unitCell).join(',') + '\n' : head;
}

/**
 * How numbers are printed in CSV: rounded to 6 decimals, shortest round-trip form, `-0` as `0`,
 * non-finite as an empty cell. The same number always prints the same text on every platform.
 */
export function formatNumber(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '';
  const r = Math.round(x * 1e6) / 1e6;
  return r === 0 ? '0' : String(r);
}

/**
 * A mode as one CSV cell: its id, or its JSON form when it carries overrides (read back as a mode
 * spec; shared/events.ts `modeLabel` is the text for people).
 */
export function modeCell(mode: ModeSpec): string {
  return typeof mode === 'string' ? mode : JSON.stringify(mode);
}

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const STATE_TEXT: readonly string[] = Array.from({ length: 256 }, (_, k) => VPS_STATES[k] ?? '');

/** Writes the rows of successive ticks; keeps the quoted id cells while the VPS set is unchanged. */
export class CsvRowWriter {
  private ids: readonly string[] | null = null;
  private idCells: string[] = [];
  private mode: ModeSpec | undefined;
  private modeCell: string;

  /** `mode` fills the mode column (compare runs). */
  constructor(mode?: ModeSpec) {
    this.mode = mode;
    this.modeCell = mode === undefined ? '' : ',' + csvCell(modeCell(mode));
  }

  /** The mode the next rows ran under (the mode column; the writer had one from the start). */
  setMode(mode: ModeSpec): void {
    if (mode === this.mode || this.mode === undefined) return;
    this.mode = mode;
    this.modeCell = ',' + csvCell(modeCell(mode));
  }

  /** The rows of one tick, one per VPS, each ending in a newline. */
  rows(c: TickColumns): string {
    if (c.ids !== this.ids) {
      this.ids = c.ids;
      this.idCells = c.ids.map((id) => ',' + csvCell(id) + ',');
    }
    const head = `${c.tick},${formatNumber(c.t)}${this.modeCell}`;
    let host = '';
    for (let k = 0; k < HOST_METRICS.length; k++) host += ',' + formatNumber(c.host[k]);
    host += '\n';
    const n = c.n;
    const col = c.col;
    const M = VPS_METRICS.length;
    let out = '';
    for (let i = 0; i < n; i++) {
      let row = head + this.idCells[i] + STATE_TEXT[c.state[i]];
      for (let k = 0; k < M; k++) row += ',' + formatNumber(col[k][i]);
      out += row + host;
    }
    return out;
  }
}

const scratch = new TickColumns();

/** The CSV rows of one frame, one per VPS, each ending in a newline. Pass `mode` to fill the mode column. */
export function frameCsvRows(frame: Frame, mode?: ModeSpec): string {
  return new CsvRowWriter(mode).rows(frameColumns(frame, scratch));
}

/** A whole run as CSV: header plus one row per tick and VPS, in tick order then VPS order. */
export function toCsv(
  frames: readonly Frame[],
  options: { mode?: ModeSpec; units?: UnitsMode } = {},
): string {
  const w = new CsvRowWriter(options.mode);
  const cols = new TickColumns();
  let out = csvHeader({ mode: options.mode !== undefined, units: options.units });
  for (const f of frames) out += w.rows(frameColumns(f, cols));
  return out;
}
