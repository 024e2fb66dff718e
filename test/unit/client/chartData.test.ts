import { describe, expect, it } from 'vitest';
import { niceLog, timeStep } from '../../../client/src/lib/chart.js';
import { ChartData, CHART_SPECS, LOG_FLOOR } from '../../../client/src/lib/chartData.js';
import { SeriesTable } from '../../../client/src/lib/series.js';
import { frame, vpsMetrics } from './frames.js';

function table(n: number): SeriesTable {
  const t = new SeriesTable(1000);
  for (let i = 0; i < n; i++)
    t.append(
      frame(i, [
        vpsMetrics('a', {
          cpuSteal: 0.25,
          cpuThrottled: 0.5,
          latencyP99Ms: i === 3 ? 0 : 20 + i,
          throughputRps: 100,
        }),
        vpsMetrics('b', { cpuSteal: 0, cpuThrottled: 0, latencyP99Ms: 5, throughputRps: 100 }),
      ]),
    );
  return t;
}

describe('ChartData', () => {
  it('prepares one line per VPS and quantity, in percent where the chart says so', () => {
    const d = new ChartData(CHART_SPECS.steal, ['a', 'b']);
    const { lines } = d.prepare(table(10), null, 0, 1, 10);
    expect(lines.map((l) => `${l.vps}:${l.line.metric}:${l.line.secondary}`)).toEqual([
      'a:cpuSteal:false',
      'a:cpuThrottled:true',
      'b:cpuSteal:false',
      'b:cpuThrottled:true',
    ]);
    expect(lines[0].data.length).toBeGreaterThan(0);
    expect(lines[0].data.every((p) => p.y === 25)).toBe(true);
    expect(lines[1].data.every((p) => p.y === 50)).toBe(true);
  });

  it('draws the faint second line only for the VPSs it is asked to', () => {
    const d = new ChartData(CHART_SPECS.steal, ['a', 'b'], (vps) => vps === 'b');
    expect(d.lines.map((l) => `${l.vps}:${l.line.metric}`)).toEqual([
      'a:cpuSteal',
      'b:cpuSteal',
      'b:cpuThrottled',
    ]);
  });

  it('floors values on the log-scale p99 chart', () => {
    const d = new ChartData(CHART_SPECS.p99, ['a']);
    // Ten columns over one second, each centred on a sample.
    const { lines } = d.prepare(table(10), null, 0.05, 1.05, 10);
    const ys = lines[0].data.map((p) => p.y);
    expect(ys).toHaveLength(10);
    expect(Math.min(...ys)).toBeCloseTo(LOG_FLOOR, 6);
    expect(ys).toContain(24);
  });

  it('breaks the p99 line where a VPS served nothing, and keeps throughput and health at their true 0', () => {
    // Ticks 3-6: down (nothing served, p99 0); tick 8: up but idle-free again.
    const t = new SeriesTable(1000);
    for (let i = 0; i < 10; i++) {
      const down = i >= 3 && i <= 6;
      t.append(
        frame(i, [
          vpsMetrics('a', {
            state: down ? 'down' : 'running',
            latencyP99Ms: down ? 0 : 30,
            throughputRps: down ? 0 : 100,
            demandRps: 100,
            health: down ? 0 : 100,
          }),
        ]),
      );
    }
    const p99 = new ChartData(CHART_SPECS.p99, ['a']).prepare(t, null, 0.05, 1.05, 10).lines[0].data;
    expect(p99).toHaveLength(10);
    const ys = p99.map((p) => p.y);
    expect(ys.slice(0, 3)).toEqual([30, 30, 30]);
    expect(ys.slice(3, 7).every((y) => Number.isNaN(y))).toBe(true);
    expect(ys.slice(7)).toEqual([30, 30, 30]);
    expect(ys).not.toContain(LOG_FLOOR);
    const tp = new ChartData(CHART_SPECS.throughput, ['a']).prepare(t, null, 0.05, 1.05, 10).lines[0].data;
    expect(tp.map((p) => p.y)).toEqual([100, 100, 100, 0, 0, 0, 0, 100, 100, 100]);
    const health = new ChartData(CHART_SPECS.health, ['a']).prepare(t, null, 0.05, 1.05, 10).lines[0].data;
    expect(health.filter((p) => p.y === 0)).toHaveLength(4);
  });

  it('keeps a column where the VPS served part of the time, and does not redraw for a gap that stays', () => {
    const t = new SeriesTable(1000);
    // Two samples per column: the second one of column 1 is down.
    for (let i = 0; i < 8; i++)
      t.append(
        frame(i, [vpsMetrics('a', { latencyP99Ms: i === 3 ? 0 : 40, throughputRps: i === 3 ? 0 : 50 })]),
      );
    const d = new ChartData(CHART_SPECS.p99, ['a']);
    const first = d.prepare(t, null, 0.05, 0.85, 4);
    expect(first.lines[0].data.map((p) => p.y)).toEqual([40, 40, 40, 40]);
    const t2 = new SeriesTable(1000);
    for (let i = 0; i < 8; i++)
      t2.append(frame(i, [vpsMetrics('a', { latencyP99Ms: 0, throughputRps: i < 4 ? 0 : 50 })]));
    const d2 = new ChartData(CHART_SPECS.p99, ['a']);
    expect(d2.prepare(t2, null, 0.05, 0.85, 4).lines[0].data.map((p) => Number.isNaN(p.y))).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(d2.prepare(t2, null, 0.05, 0.85, 4).changed).toBe(false);
  });

  it('reports the newest value of each VPS inside the window', () => {
    const d = new ChartData(CHART_SPECS.p99, ['a', 'b']);
    const t = table(20);
    const last = d.lastValues(t, 1.0);
    expect(last.get('a')).toBe(29); // tick 9 ends at t = 1.0
    expect(last.get('b')).toBe(5);
  });

  it('reports no value where the newest sample is a gap (a VPS that served nothing has no p99)', () => {
    const t = new SeriesTable(1000);
    for (let i = 0; i < 8; i++)
      t.append(frame(i, [vpsMetrics('a', { latencyP99Ms: 40, throughputRps: i < 6 ? 50 : 0 })]));
    const d = new ChartData(CHART_SPECS.p99, ['a']);
    expect(d.lastValues(t, 0.55).get('a')).toBe(40);
    expect(d.lastValues(t, 0.85).get('a')).toBeNaN();
  });

  it('says a redraw is needed only when a point moves more than half a pixel or the window moves', () => {
    const d = new ChartData(CHART_SPECS.health, ['a']);
    const t = new SeriesTable(1000);
    const add = (tick: number, health: number): void =>
      void t.append(frame(tick, [vpsMetrics('a', { health })]));
    for (let i = 0; i < 5; i++) add(i, 80);
    const tol = { unitsPerPx: 0.5, log: false }; // 100 units over 200 px
    expect(d.prepare(t, null, 0.05, 10.05, 100, tol).changed).toBe(true); // first time
    add(5, 80.1); // a new column, same height
    expect(d.prepare(t, null, 0.05, 10.05, 100, tol).changed).toBe(true);
    expect(d.prepare(t, null, 0.05, 10.05, 100, tol).changed).toBe(false);
    add(6, 80);
    add(7, 80.2);
    expect(d.prepare(t, null, 0.05, 10.05, 100, tol).changed).toBe(true);
    const e = new ChartData(CHART_SPECS.health, ['a']);
    const u = new SeriesTable(1000);
    for (let i = 0; i < 20; i++) u.append(frame(i, [vpsMetrics('a', { health: 80 })]));
    // One column for the whole window: samples that move its extreme by less than half a pixel do not count.
    expect(e.prepare(u, null, 0.05, 10.05, 1, tol).changed).toBe(true);
    u.append(frame(20, [vpsMetrics('a', { health: 80.1 })]));
    expect(e.prepare(u, null, 0.05, 10.05, 1, tol).changed).toBe(false);
    u.append(frame(21, [vpsMetrics('a', { health: 99 })]));
    expect(e.prepare(u, null, 0.05, 10.05, 1, tol).changed).toBe(true);
  });
});

describe('niceLog', () => {
  it('bounds a log axis by 1-2-5 steps around the data', () => {
    expect(niceLog(116.3, false)).toBe(100);
    expect(niceLog(123.8, true)).toBe(200);
    expect(niceLog(0.01, false)).toBe(0.01);
    expect(niceLog(450, true)).toBe(500);
    expect(niceLog(5000, true)).toBe(5000);
    expect(niceLog(7, false)).toBe(5);
    expect(niceLog(9.9, true)).toBe(10);
  });
});

describe('timeStep', () => {
  it('picks clock-friendly steps that keep labels apart', () => {
    expect(timeStep(60, 700)).toBe(10);
    expect(timeStep(300, 700)).toBe(30);
    expect(timeStep(900, 700)).toBe(120);
    expect(timeStep(300, 330)).toBe(60);
    expect(timeStep(15, 330)).toBe(5);
  });
});
