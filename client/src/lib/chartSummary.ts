/**
 * A chart's words for a screen reader: what it shows and where it stands at its newest sample
 * (the VPS at each extreme, worst first, or the host's lines), read from the same series the
 * chart draws.
 */
import type { ModeId } from '../../../shared/model.js';
import type { ChartSpec, LineSpec } from './chartData.js';
import { HOST_SERIES, type SeriesTable } from './series.js';
import { clock } from './format.js';

/** A value in the chart's unit, as its hover readout writes it (a score: whole points of 100). */
export function chartValue(v: number, unit: string): string {
  if (!Number.isFinite(v)) return '—';
  if (unit === '/100') return `${Math.round(v)} of 100`;
  const d = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  return `${v.toFixed(d)} ${unit}`;
}

/** Charts where less is worse: their summary names the lowest VPS first. */
const LOW_IS_WORSE = new Set(['health']);

export interface SummaryInput {
  spec: ChartSpec;
  /** The chart's heading (the host chart's depends on the mode). */
  heading: string;
  table: SeriesTable;
  vpsIds: readonly string[];
  mode: ModeId | undefined;
}

/** The summary, or the chart's description alone while it has no sample. */
export function chartSummary({ spec, heading, table, vpsIds, mode }: SummaryInput): string {
  const what = spec.host
    ? `${heading} over simulated time, in ${spec.unit}.`
    : `${heading} of each VPS over simulated time, in ${spec.unit === '/100' ? 'points of 100' : spec.unit}.`;
  const i = table.length - 1;
  if (i < 0) return `${what} No data yet.`;
  const at = `At ${clock(table.timeAt(i))}:`;
  if (spec.host) return `${what} ${at} ${hostNow(spec, table, i, mode)}.`;
  return `${what} ${at} ${vpsNow(spec, table, i, vpsIds)}.`;
}

function hostNow(spec: ChartSpec, table: SeriesTable, i: number, mode: ModeId | undefined): string {
  const parts = spec.lines
    .filter((l) => !l.modes || (mode !== undefined && l.modes.includes(mode)))
    .map(
      (l) =>
        `${l.name ?? l.metric} ${chartValue(table.valueAt(HOST_SERIES, l.metric, i) * l.scale, spec.unit)}`,
    );
  return parts.join(', ');
}

function vpsNow(spec: ChartSpec, table: SeriesTable, i: number, vpsIds: readonly string[]): string {
  const line: LineSpec = spec.lines[0];
  const values: { id: string; v: number }[] = [];
  const idle: string[] = [];
  for (const id of vpsIds) {
    const v = table.valueAt(id, line.metric, i) * line.scale;
    if (!Number.isFinite(v)) continue;
    // A VPS that served nothing (down, rebooting, hung; no disk request) has no latency: said apart.
    if (line.gate !== undefined && !(table.valueAt(id, line.gate, i) > 0)) idle.push(id);
    else values.push({ id, v });
  }
  const out: string[] = [];
  if (values.length) {
    values.sort((a, b) => b.v - a.v || (a.id < b.id ? -1 : 1));
    const high = values[0];
    const low = values[values.length - 1];
    const say = (word: string, x: { id: string; v: number }): string =>
      `${word} ${x.id}, ${chartValue(x.v, spec.unit)}`;
    const same = chartValue(high.v, spec.unit) === chartValue(low.v, spec.unit);
    const ends =
      values.length === 1
        ? [say('only', high)]
        : same
          ? [`all ${values.length} at ${chartValue(high.v, spec.unit)}`]
          : LOW_IS_WORSE.has(spec.kind)
            ? [say('lowest', low), say('highest', high)]
            : [say('highest', high), say('lowest', low)];
    out.push(ends.join('; '));
  }
  if (idle.length)
    out.push(`${spec.kind === 'disk' ? 'no disk I/O' : 'serving nothing'}: ${idle.join(', ')}`);
  const second = spec.lines.find((l) => l.secondary);
  if (second && spec.kind === 'steal') {
    // Throttling is the steal chart's other story (fixed quotas): named when someone is held.
    let top: { id: string; v: number } | null = null;
    for (const id of vpsIds) {
      const v = table.valueAt(id, second.metric, i) * second.scale;
      if (Number.isFinite(v) && v >= 0.5 && (!top || v > top.v)) top = { id, v };
    }
    if (top) out.push(`most throttled ${top.id}, ${chartValue(top.v, spec.unit)}`);
  }
  return out.length ? out.join('; ') : 'no VPS reporting';
}
