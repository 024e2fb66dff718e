/** A chart's readout names a VPS removed from the lab only where it has a value (its past). */
import { describe, expect, it } from 'vitest';
import { CHART_SPECS } from '../../../client/src/lib/chartData.js';
import { vpsRows } from '../../../client/src/lib/readoutRows.js';
import { SeriesTable } from '../../../client/src/lib/series.js';
import { frame, vpsMetrics } from './frames.js';

/** web-1 and batch-1 at tick 0; batch-1 removed and web-1 down at tick 1. */
function table(): SeriesTable {
  const t = new SeriesTable(10);
  t.append(
    frame(0, [
      vpsMetrics('web-1', { latencyP99Ms: 20, throughputRps: 100 }),
      vpsMetrics('batch-1', { latencyP99Ms: 50, throughputRps: 10 }),
    ]),
  );
  t.append(frame(1, [vpsMetrics('web-1', { latencyP99Ms: 0, throughputRps: 0, state: 'down' })]));
  return t;
}

const color = () => '#000';
const ids = ['web-1', 'batch-1'];

describe('vpsRows', () => {
  it('names a removed VPS where it has a value', () => {
    const rows = vpsRows(CHART_SPECS.p99, table(), 0, ids, new Set(['web-1']), color);
    expect(rows.map((r) => [r.id, r.v])).toEqual([
      ['web-1', '20.0 ms'],
      ['batch-1', '50.0 ms'],
    ]);
  });

  it('leaves it out after its removal, and keeps a VPS of the lab that serves nothing as "—"', () => {
    const rows = vpsRows(CHART_SPECS.p99, table(), 1, ids, new Set(['web-1']), color);
    expect(rows.map((r) => [r.id, r.v])).toEqual([['web-1', '—']]);
  });
});
