import { describe, expect, it } from 'vitest';
import { envelope, PointBuffer, SeriesTable } from '../../../client/src/lib/series.js';
import { frame, vpsMetrics } from './frames.js';

function fill(table: SeriesTable, n: number, value: (i: number) => number, from = 0): void {
  for (let i = from; i < from + n; i++) table.append(frame(i, [vpsMetrics('a', { latencyP99Ms: value(i) })]));
}

describe('SeriesTable', () => {
  it('keeps the newest samples in order once the ring wraps', () => {
    const t = new SeriesTable(5);
    fill(t, 12, (i) => i * 2);
    expect(t.length).toBe(5);
    expect(t.toArray('a', 'latencyP99Ms').v).toEqual([14, 16, 18, 20, 22]);
    expect(t.tickAt(0)).toBe(7);
    expect(t.lastTick).toBe(11);
    expect(t.latest('a', 'latencyP99Ms')).toBe(22);
  });

  it('refuses a frame that is not newer than the last one', () => {
    const t = new SeriesTable(10);
    fill(t, 3, (i) => i);
    expect(t.append(frame(2, [vpsMetrics('a', { latencyP99Ms: 99 })]))).toBe(false);
    expect(t.append(frame(1, [vpsMetrics('a', { latencyP99Ms: 99 })]))).toBe(false);
    expect(t.length).toBe(3);
    expect(t.latest('a', 'latencyP99Ms')).toBe(2);
  });

  it('marks a VPS missing from a frame, and one added later, as gaps', () => {
    const t = new SeriesTable(10);
    t.append(frame(0, [vpsMetrics('a')]));
    t.append(frame(1, [vpsMetrics('a'), vpsMetrics('b', { health: 50 })]));
    t.append(frame(2, [vpsMetrics('b', { health: 40 })]));
    expect(t.vpsIds()).toEqual(['a', 'b']);
    expect(t.toArray('b', 'health').v).toEqual([NaN, 50, 40]);
    expect(t.toArray('a', 'health').v).toEqual([100, 100, NaN]);
  });

  it('finds samples by time', () => {
    const t = new SeriesTable(100);
    fill(t, 50, (i) => i);
    expect(t.lowerBound(1.05)).toBe(10); // t of tick 10 is 1.1
    expect(t.timeAt(t.nearest(1.04))).toBeCloseTo(1.0);
    expect(t.nearest(-5)).toBe(0);
    expect(t.nearest(1e9)).toBe(49);
  });
});

describe('envelope', () => {
  it('copies a short window as it is', () => {
    const t = new SeriesTable(100);
    fill(t, 20, (i) => i);
    const out = new PointBuffer();
    envelope(t, 'a', 'latencyP99Ms', 0.5, 1.5, 100, out);
    const ys = out.data.map((p) => p.y);
    // One sample either side of the window is kept so the line reaches the edges.
    expect(ys[0]).toBe(3);
    expect(ys[ys.length - 1]).toBe(15);
    expect(ys).toEqual([...Array(13).keys()].map((i) => i + 3));
  });

  it('keeps every column’s extremes while drawing at most ~2 points per column', () => {
    const t = new SeriesTable(9000);
    // A sawtooth with one spike: the spike must survive the downsampling.
    fill(t, 9000, (i) => (i === 4321 ? 1000 : i % 7));
    const out = new PointBuffer();
    const columns = 300;
    envelope(t, 'a', 'latencyP99Ms', 0, 900.1, columns, out);
    expect(out.count).toBeLessThanOrEqual(2 * columns + 4);
    const ys = out.data.map((p) => p.y);
    expect(Math.max(...ys)).toBe(1000);
    expect(Math.min(...ys)).toBe(0);
    const xs = out.data.map((p) => p.x);
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
  });

  it('breaks the line over a column with no data', () => {
    const t = new SeriesTable(2000);
    for (let i = 0; i < 2000; i++) {
      const vps = i >= 800 && i < 1200 ? [vpsMetrics('b')] : [vpsMetrics('a', { health: 70 }), vpsMetrics('b')];
      t.append(frame(i, vps));
    }
    const out = new PointBuffer();
    envelope(t, 'a', 'health', 0, 200, 50, out);
    expect(out.data.some((p) => Number.isNaN(p.y))).toBe(true);
    expect(out.data.filter((p) => !Number.isNaN(p.y)).every((p) => p.y === 70)).toBe(true);
  });

  it('reuses its point objects between redraws', () => {
    const t = new SeriesTable(100);
    fill(t, 100, (i) => i);
    const out = new PointBuffer();
    envelope(t, 'a', 'latencyP99Ms', 0, 10, 400, out);
    const first = out.data[5];
    const arr = out.data;
    t.append(frame(100, [vpsMetrics('a', { latencyP99Ms: 5 })]));
    envelope(t, 'a', 'latencyP99Ms', 0.1, 10.1, 400, out);
    expect(out.data).toBe(arr);
    expect(out.data[5]).toBe(first);
    expect(out.data[out.count - 1].y).toBe(5);
  });
});
