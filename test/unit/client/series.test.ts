import { describe, expect, it } from 'vitest';
import { CHART_METRICS, SeriesTable } from '../../../client/src/lib/series.js';
import { decodeFrameMessage, encodeFrameMessage, frameBlocks } from '../../../shared/wireFrame.js';
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

describe('SeriesTable.appendWire', () => {
  it('holds the same chart values as appending the decoded frame', () => {
    const a = new SeriesTable(10);
    const b = new SeriesTable(10);
    for (let i = 0; i < 4; i++) {
      const f = frame(i, [
        vpsMetrics('web-1', { latencyP99Ms: 12.3 + i, throughputRps: 400 + i, cpuSteal: 0.125, health: 97 }),
        ...(i === 2
          ? []
          : [vpsMetrics('db-1', { demandRps: 50, cpuThrottled: 0.5, latencyP99Ms: Infinity })]),
      ]);
      const wire = encodeFrameMessage('x', [f]);
      a.append(decodeFrameMessage(wire).frames[0]);
      b.appendWire(frameBlocks(wire).frames[0]);
    }
    expect(b.vpsIds()).toEqual(a.vpsIds());
    for (const id of a.vpsIds())
      for (const m of CHART_METRICS) expect(b.toArray(id, m), `${id} ${m}`).toEqual(a.toArray(id, m));
    expect(
      b.appendWire(frameBlocks(encodeFrameMessage('x', [frame(3, [vpsMetrics('web-1')])])).frames[0]),
    ).toBe(false);
  });

  it('finds the first sample after a tick', () => {
    const t = new SeriesTable(5);
    fill(t, 12, (i) => i);
    expect(t.afterTick(6)).toBe(0);
    expect(t.afterTick(8)).toBe(2);
    expect(t.afterTick(11)).toBe(5);
  });
});
