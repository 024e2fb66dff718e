/**
 * The rows of a chart's readout at one time: a row per host line (for what its mode has), or a row
 * per VPS. A VPS no longer in the lab is named only where it has a value (its past); after its
 * removal it has none, and a row "batch-1 —" would read as a VPS still there, serving nothing.
 */
import type { ChartSpec } from './chartData.js';
import { chartValue } from './chartSummary.js';
import { HOST_SERIES, type SeriesTable } from './series.js';

export interface ReadoutRow {
  id: string;
  color: string;
  v: string;
}

/** A value in the chart's unit, as the readout writes it (a score: whole points of 100). */
function fmt(spec: ChartSpec, v: number): string {
  return chartValue(v, spec.unit === '/100' ? '' : spec.unit).trim();
}

/** A host chart's rows at index `i`: one per line, a gated line (Dom0, the host OS) only above 0. */
export function hostRows(spec: ChartSpec, table: SeriesTable, i: number): ReadoutRow[] {
  return spec.lines.flatMap((l) => {
    const v = table.valueAt(HOST_SERIES, l.metric, i) * l.scale;
    if (l.gate !== undefined && !(table.valueAt(HOST_SERIES, l.gate, i) > 0)) return [];
    return [
      {
        id: l.name ?? l.metric,
        color: l.color ?? 'currentColor',
        v: Number.isFinite(v) ? fmt(spec, v) : '—',
      },
    ];
  });
}

/**
 * A VPS chart's rows at index `i`, in `vpsIds` order. `inLab`: the VPSs in the lab now (the chart
 * also draws removed ones while their past is in its window); `color`: each VPS's colour.
 */
export function vpsRows(
  spec: ChartSpec,
  table: SeriesTable,
  i: number,
  vpsIds: readonly string[],
  inLab: ReadonlySet<string>,
  color: (id: string) => string,
): ReadoutRow[] {
  const { metric, scale, gate } = spec.lines[0];
  return vpsIds.flatMap((id) => {
    const v = table.valueAt(id, metric, i) * scale;
    if (!Number.isFinite(v) && !inLab.has(id)) return [];
    // A VPS that served nothing (down, rebooting, hung) has no latency to show.
    const served = gate === undefined || table.valueAt(id, gate, i) > 0;
    return [{ id, color: color(id), v: Number.isFinite(v) && served ? fmt(spec, v) : '—' }];
  });
}
