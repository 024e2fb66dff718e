import { describe, expect, it } from 'vitest';
import { chartSummary, chartValue } from '../../../client/src/lib/chartSummary.js';
import { CHART_SPECS, type ChartKind } from '../../../client/src/lib/chartData.js';
import { SeriesTable } from '../../../client/src/lib/series.js';
import { frame, hostMetrics, vpsMetrics } from './frames.js';

const IDS = ['web-1', 'db-1', 'batch-1'];

function table(): SeriesTable {
  const t = new SeriesTable(100);
  t.append(
    frame(
      0,
      IDS.map((id) => vpsMetrics(id, { throughputRps: 100 })),
    ),
  );
  t.append(
    frame(
      599,
      [
        vpsMetrics('web-1', { latencyP99Ms: 412.3, throughputRps: 80, health: 41, cpuSteal: 0.3 }),
        vpsMetrics('db-1', { latencyP99Ms: 9, throughputRps: 0, health: 0, cpuThrottled: 0.25 }),
        vpsMetrics('batch-1', {
          latencyP99Ms: 20.04,
          throughputRps: 300,
          health: 97,
          cpuSteal: 0.02,
          diskLatencyMs: 6.1,
        }),
      ],
      { host: hostMetrics({ dom0CpuUtil: 0.345, cpuUtil: 0.63 }) },
    ),
  );
  return t;
}

const say = (kind: ChartKind, t = table()) =>
  chartSummary({
    spec: CHART_SPECS[kind],
    heading: CHART_SPECS[kind].title,
    table: t,
    vpsIds: IDS,
    mode: 'para',
  });

describe('chart summaries', () => {
  it('say what the chart shows, and that there is nothing yet before the first sample', () => {
    expect(say('p99', new SeriesTable(10))).toBe(
      'p99 latency of each VPS over simulated time, in ms. No data yet.',
    );
  });

  it('name the worst VPS first with its value, at the newest sample, leaving out one that served nothing', () => {
    expect(say('p99')).toBe(
      'p99 latency of each VPS over simulated time, in ms. At 1:00: highest web-1, 412 ms; lowest batch-1, 20.0 ms; serving nothing: db-1.',
    );
    expect(say('health')).toBe(
      'Health of each VPS over simulated time, in points of 100. At 1:00: lowest db-1, 0 of 100; highest batch-1, 97 of 100.',
    );
  });

  it('name the most throttled VPS on the steal chart, and the host lines of the mode', () => {
    expect(say('steal')).toBe(
      'CPU steal of each VPS over simulated time, in %. At 1:00: highest web-1, 30.0 %; lowest db-1, 0.00 %; most throttled db-1, 25.0 %.',
    );
    expect(
      chartSummary({
        spec: CHART_SPECS.host,
        heading: 'Dom0 CPU',
        table: table(),
        vpsIds: IDS,
        mode: 'para',
      }),
    ).toBe('Dom0 CPU over simulated time, in %. At 1:00: Dom0 34.5 %, all cores 63.0 %.');
  });

  it('name a VPS with no disk request apart on the disk chart', () => {
    expect(say('disk')).toBe(
      'Disk latency of each VPS over simulated time, in ms. At 1:00: only batch-1, 6.10 ms; no disk I/O: web-1, db-1.',
    );
  });

  it('say so when every VPS stands at one value, instead of naming a highest and a lowest', () => {
    expect(say('steal', new SeriesTable(10))).toMatch(/No data yet/);
    const t = new SeriesTable(10);
    t.append(
      frame(
        9,
        IDS.map((id) => vpsMetrics(id)),
      ),
    );
    expect(say('health', t)).toBe(
      'Health of each VPS over simulated time, in points of 100. At 0:01: all 3 at 100 of 100.',
    );
  });

  it('write values as the hover readout does', () => {
    expect(chartValue(1234.5, 'ms')).toBe('1235 ms');
    expect(chartValue(12.345, 'req/s')).toBe('12.3 req/s');
    expect(chartValue(96.6, '/100')).toBe('97 of 100');
    expect(chartValue(NaN, '%')).toBe('—');
  });
});
