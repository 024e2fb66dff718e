import { describe, expect, it } from 'vitest';
import { ChartData, CHART_SPECS, LOG_FLOOR } from '../../../client/src/lib/chartData.js';
import { SeriesTable } from '../../../client/src/lib/series.js';
import { frame, vpsMetrics } from './frames.js';

function table(n: number): SeriesTable {
  const t = new SeriesTable(1000);
  for (let i = 0; i < n; i++)
    t.append(
      frame(i, [
        vpsMetrics('a', { cpuSteal: 0.25, cpuThrottled: 0.5, latencyP99Ms: i === 3 ? 0 : 20 + i }),
        vpsMetrics('b', { cpuSteal: 0, cpuThrottled: 0, latencyP99Ms: 5 }),
      ]),
    );
  return t;
}

describe('ChartData', () => {
  it('prepares one line per VPS and quantity, in percent where the chart says so', () => {
    const d = new ChartData(CHART_SPECS.steal);
    const lines = d.prepare(table(10), ['a', 'b'], 0, 1, 600);
    expect(lines.map((l) => `${l.vps}:${l.line.metric}:${l.line.secondary}`)).toEqual([
      'a:cpuSteal:false',
      'a:cpuThrottled:true',
      'b:cpuSteal:false',
      'b:cpuThrottled:true',
    ]);
    expect(lines[0].data.every((p) => p.y === 25)).toBe(true);
    expect(lines[1].data.every((p) => p.y === 50)).toBe(true);
  });

  it('floors values on the log-scale p99 chart', () => {
    const d = new ChartData(CHART_SPECS.p99);
    const [a] = d.prepare(table(10), ['a'], 0, 1, 600);
    expect(a.data[3].y).toBe(LOG_FLOOR);
    expect(a.data[4].y).toBe(24);
  });

  it('reports the last plotted value of each VPS inside the window', () => {
    const d = new ChartData(CHART_SPECS.p99);
    const t = table(20);
    const lines = d.prepare(t, ['a', 'b'], 0, 1.0, 600);
    const last = d.lastValues(lines, 1.0);
    expect(last.get('a')).toBe(29); // tick 9 ends at t = 1.0
    expect(last.get('b')).toBe(5);
  });
});
