/**
 * A long window's envelopes, against the plain reading of the frames: over a VPS set that changes
 * (a VPS removed, then back) and a series whose values are not finite for a while (it appears in the
 * answer at its first finite value, after the others), every bucket's min, max and mean and the
 * order of the series are those of the frames themselves.
 */
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../../shared/model.js';
import { FrameHistory } from '../../../server/lab/history.js';
import { downsample, type Envelope } from '../../../server/lab/downsample.js';
import { fakeEngines, fakeScenario } from './fakeEngine.js';

const METRICS = ['latencyP99Ms', 'cpuUtil', 'cpuGranted', 'throughputRps'];

async function changingFrames(n: number): Promise<Frame[]> {
  const r = await fakeEngines.create(fakeScenario(4));
  if (!r.ok) throw new Error(r.error.message);
  return Array.from({ length: n }, (_, t) => {
    const f = structuredClone(r.data.step());
    // vps-1 is gone for ticks 300–599; vps-2's p99 is not finite before tick 400.
    if (t >= 300 && t < 600) f.vps = f.vps.filter((v) => v.id !== 'vps-1');
    for (const v of f.vps) if (v.id === 'vps-2' && t < 400) v.latencyP99Ms = NaN;
    return f;
  });
}

/** The envelopes read straight from the frames, series in the order each first has a finite value. */
function plain(all: Frame[], bucketTicks: number, metrics: string[]) {
  const series = new Map<string, number[][]>();
  const buckets = Math.ceil(all.length / bucketTicks);
  const put = (key: string, tick: number, x: number) => {
    if (!Number.isFinite(x)) return;
    if (!series.has(key))
      series.set(
        key,
        Array.from({ length: buckets }, () => []),
      );
    series.get(key)![Math.floor(tick / bucketTicks)].push(x);
  };
  for (const f of all) {
    for (const m of metrics) if (m in f.host) put(`host ${m}`, f.tick, (f.host as never)[m]);
    for (const v of f.vps) for (const m of metrics) if (m in v) put(`${v.id} ${m}`, f.tick, (v as never)[m]);
  }
  const out: Record<string, Envelope> = {};
  for (const [key, bs] of series)
    out[key] = {
      min: bs.map((xs) => (xs.length ? Math.min(...xs) : null)),
      max: bs.map((xs) => (xs.length ? Math.max(...xs) : null)),
      mean: bs.map((xs) => (xs.length ? xs.reduce((a, x) => a + x, 0) / xs.length : null)),
    };
  return out;
}

describe('a long window of a lab whose VPS set changes', () => {
  it('gives each series the min, max and mean of its own values, in the order they appear', async () => {
    const all = await changingFrames(1000);
    const h = new FrameHistory({ maxTicks: 2000, maxBytes: 1e9 });
    for (const f of all) h.push([f]);
    const d = downsample(h, 0, 999, 100, METRICS);
    expect(d.bucketTicks).toBe(10);
    const got: Record<string, Envelope> = {};
    for (const [m, e] of Object.entries(d.host)) got[`host ${m}`] = e;
    for (const [id, ms] of Object.entries(d.vps))
      for (const [m, e] of Object.entries(ms)) got[`${id} ${m}`] = e;
    const want = plain(all, 10, METRICS);
    expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
    for (const key of Object.keys(want)) {
      expect(got[key].min, key).toEqual(want[key].min);
      expect(got[key].max, key).toEqual(want[key].max);
      got[key].mean.forEach((x, b) =>
        x === null ? expect(want[key].mean[b]).toBeNull() : expect(x).toBeCloseTo(want[key].mean[b]!, 9),
      );
    }
    // vps-1's buckets while it was gone are empty; vps-2's p99 is its last metric, first seen at 400.
    expect(got['vps-1 cpuGranted'].min.slice(30, 60).every((x) => x === null)).toBe(true);
    expect(Object.keys(d.vps['vps-2']).at(-1)).toBe('latencyP99Ms');
    expect(d.vps['vps-2'].latencyP99Ms.min.slice(0, 40).every((x) => x === null)).toBe(true);
  });
});
