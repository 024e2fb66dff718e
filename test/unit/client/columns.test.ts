import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ColumnCache } from '../../../client/src/lib/columns.js';
import { CoarseHistory } from '../../../client/src/lib/backfill.js';
import { PointBuffer, SeriesTable } from '../../../client/src/lib/series.js';
import { frame, vpsMetrics } from './frames.js';

const same = (v: number): number => v;

function fill(table: SeriesTable, n: number, value: (i: number) => number, from = 0): void {
  for (let i = from; i < from + n; i++) table.append(frame(i, [vpsMetrics('a', { latencyP99Ms: value(i) })]));
}

function points(cache: ColumnCache, j = 0): { x: number; y: number }[] {
  const out = new PointBuffer();
  cache.emit(j, out);
  return out.data.map((p) => ({ x: p.x, y: p.y }));
}

describe('ColumnCache', () => {
  it('draws one point per column and keeps a one-sample spike', () => {
    const t = new SeriesTable(9000);
    fill(t, 9000, (i) => (i === 4321 ? 1000 : i % 7));
    const c = new ColumnCache([{ vps: 'a', metric: 'latencyP99Ms', map: same }]);
    c.update(t, null, 0, 900, 300);
    const pts = points(c);
    expect(pts.length).toBe(300);
    expect(Math.max(...pts.map((p) => p.y))).toBe(1000);
    expect(Math.min(...pts.map((p) => p.y))).toBe(0);
    const xs = pts.map((p) => p.x);
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
  });

  it('extending a sliding window gives the same points as building it afresh', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 20, max: 90 }),
        (steps, columns) => {
          const windowS = 30;
          const quantum = windowS / columns;
          const live = new SeriesTable(2000);
          const cache = new ColumnCache([{ vps: 'a', metric: 'latencyP99Ms', map: same }]);
          let tick = 0;
          const range = (): [number, number] => {
            const latest = live.lastTime();
            if (latest < windowS) return [0, windowS];
            const end = (Math.floor(latest / quantum) + 1) * quantum;
            return [end - windowS, end];
          };
          for (const n of steps) {
            fill(live, n, (i) => Math.sin(i * 0.7) * 50 + 60, tick);
            tick += n;
            const [t0, t1] = range();
            cache.update(live, null, t0, t1, columns);
          }
          const [t0, t1] = range();
          const fresh = new ColumnCache([{ vps: 'a', metric: 'latencyP99Ms', map: same }]);
          fresh.update(live, null, t0, t1, columns);
          expect(points(cache)).toEqual(points(fresh));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('leaves columns without data empty, so the line breaks there', () => {
    const t = new SeriesTable(2000);
    for (let i = 0; i < 2000; i++) {
      const vps =
        i >= 800 && i < 1200 ? [vpsMetrics('b')] : [vpsMetrics('a', { health: 70 }), vpsMetrics('b')];
      t.append(frame(i, vps));
    }
    const c = new ColumnCache([{ vps: 'a', metric: 'health', map: same }]);
    c.update(t, null, 0, 200, 50);
    const pts = points(c);
    expect(pts.every((p) => p.y === 70)).toBe(true);
    const gaps = pts.slice(1).map((p, i) => p.x - pts[i].x);
    expect(Math.max(...gaps)).toBeGreaterThan(30); // 40 s without the VPS
  });

  it('uses the server’s downsampled history only before the live samples', () => {
    const t = new SeriesTable(100);
    fill(t, 100, () => 5, 1000); // ticks 1000..1099: t = 100.1 .. 110
    const coarse = CoarseHistory.parse({
      tickMs: 100,
      bucketTicks: 10,
      toTick: 1099,
      ticks: Array.from({ length: 110 }, (_, i) => i * 10),
      vps: {
        a: { latencyP99Ms: { min: Array(110).fill(1), max: Array(110).fill(9), mean: Array(110).fill(5) } },
      },
    });
    expect(coarse).not.toBeNull();
    const c = new ColumnCache([{ vps: 'a', metric: 'latencyP99Ms', map: same }]);
    c.update(t, coarse, 0, 110, 110);
    const pts = points(c);
    expect(pts.length).toBe(110);
    const before = pts.filter((p) => p.x < 100);
    const after = pts.filter((p) => p.x > 100.5);
    expect(before.every((p) => p.y === 1 || p.y === 9)).toBe(true);
    expect(after.every((p) => p.y === 5)).toBe(true);
  });

  it('leaves out the 0 a gated-out tick gave a downsampled bucket (a VPS going down within it)', () => {
    const t = new SeriesTable(100);
    // Buckets of 10 ticks over 0..99 s: served at 80 ms, down (nothing served, p99 0) from tick 305 to 604.
    const n = 100;
    const up = (b: number) => b < 30 || b > 60;
    const mixed = (b: number) => b === 30 || b === 60;
    const env = (f: (b: number) => number) => Array.from({ length: n }, (_, b) => f(b));
    const coarse = CoarseHistory.parse({
      tickMs: 100,
      bucketTicks: 10,
      toTick: n * 10 - 1,
      ticks: env((b) => b * 10),
      vps: {
        a: {
          latencyP99Ms: {
            min: env((b) => (up(b) ? 80 : 0)),
            max: env((b) => (up(b) || mixed(b) ? 80 : 0)),
            mean: env(() => 40),
          },
          throughputRps: {
            min: env((b) => (up(b) ? 100 : 0)),
            max: env((b) => (up(b) || mixed(b) ? 100 : 0)),
            mean: env(() => 50),
          },
        },
      },
    });
    const floor = (v: number): number => Math.max(0.01, v);
    const c = new ColumnCache([{ vps: 'a', metric: 'latencyP99Ms', map: floor, gate: 'throughputRps' }]);
    c.update(t, coarse, 0, n, n);
    const pts = points(c);
    const drawn = pts.filter((p) => !Number.isNaN(p.y));
    expect(drawn.map((p) => p.y)).toEqual(drawn.map(() => 80));
    expect(pts.filter((p) => Number.isNaN(p.y)).length, 'the buckets down are a gap').toBe(29);
  });

  it('reuses its point objects between redraws', () => {
    const t = new SeriesTable(100);
    fill(t, 50, (i) => i);
    const c = new ColumnCache([{ vps: 'a', metric: 'latencyP99Ms', map: same }]);
    const out = new PointBuffer();
    c.update(t, null, 0, 10, 40);
    c.emit(0, out);
    const arr = out.data;
    const first = out.data[3];
    fill(t, 5, () => 1, 50);
    c.update(t, null, 0, 10, 40);
    c.emit(0, out);
    expect(out.data).toBe(arr);
    expect(out.data[3]).toBe(first);
  });
});

describe('CoarseHistory.parse', () => {
  it('refuses an answer of the wrong shape', () => {
    expect(CoarseHistory.parse(null)).toBeNull();
    expect(CoarseHistory.parse({ tickMs: 100, bucketTicks: 5 })).toBeNull();
    expect(CoarseHistory.parse({ ok: false, error: { code: 'UNKNOWN_LAB' } })).toBeNull();
  });

  it('places each bucket at its middle and keeps missing values as gaps', () => {
    const h = CoarseHistory.parse({
      tickMs: 100,
      bucketTicks: 5,
      toTick: 14,
      ticks: [0, 5, 10],
      vps: { a: { health: { min: [1, null, 3], max: [2, null, 4], mean: [1, null, 3] } } },
    })!;
    expect([...h.times]).toEqual([0.2, 0.7, 1.2].map((x) => expect.closeTo(x, 9)) as unknown as number[]);
    const e = h.envelope('a', 'health')!;
    expect(Number.isNaN(e.min[1])).toBe(true);
    expect(e.max[2]).toBe(4);
    expect(h.envelope('a', 'cpuSteal')).toBeUndefined();
  });
});
