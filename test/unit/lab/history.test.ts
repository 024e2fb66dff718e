import { describe, expect, it } from 'vitest';
import { FrameHistory } from '../../../server/lab/history.js';
import { downsample } from '../../../server/lab/downsample.js';
import { fakeEngines, fakeScenario } from './fakeEngine.js';

async function frames(n: number, vps = 3) {
  const r = await fakeEngines.create(fakeScenario(vps));
  if (!r.ok) throw new Error();
  return Array.from({ length: n }, () => r.data.step());
}

describe('FrameHistory', () => {
  it('keeps at most maxTicks, dropping the oldest, and reads back exact frames', async () => {
    const all = await frames(50);
    const h = new FrameHistory({ maxTicks: 20, maxBytes: 1e9 });
    for (const f of all) h.push([f]);
    expect(h.size).toBe(20);
    expect(h.firstTick).toBe(30);
    expect(h.lastTick).toBe(49);
    expect(h.range(0, 49).map(([f]) => f)).toEqual(all.slice(30));
  });

  it('stays within its byte budget', async () => {
    const all = await frames(500, 16);
    const h = new FrameHistory({ maxTicks: 10_000, maxBytes: 100_000 });
    for (const f of all) h.push([f]);
    expect(h.byteSize).toBeLessThanOrEqual(100_000);
    expect(h.lastTick).toBe(499);
    expect(h.size).toBeLessThan(500);
  });

  it('reads a range with a stride counted back from the newest tick', async () => {
    const h = new FrameHistory({ maxTicks: 100, maxBytes: 1e9 });
    for (const f of await frames(30)) h.push([f]);
    expect(h.range(10, 29, 5).map((x) => x[0].tick)).toEqual([14, 19, 24, 29]);
  });

  it('downsamples into min/max/mean buckets that bound every value', async () => {
    const all = await frames(1000);
    const h = new FrameHistory({ maxTicks: 2000, maxBytes: 1e9 });
    for (const f of all) h.push([f]);
    const d = downsample(h, 0, 999, 100, ['latencyP99Ms', 'cpuUtil']);
    expect(d.bucketTicks).toBe(10);
    expect(d.ticks).toHaveLength(100);
    const s = d.vps['vps-1'].latencyP99Ms;
    for (let b = 0; b < 100; b++) {
      const vals = all.slice(b * 10, b * 10 + 10).map((f) => f.vps[1].latencyP99Ms);
      expect(s.min[b]).toBe(Math.min(...vals));
      expect(s.max[b]).toBe(Math.max(...vals));
      expect(s.mean[b]).toBeCloseTo(vals.reduce((a, x) => a + x, 0) / vals.length, 9);
    }
    expect(d.host.cpuUtil.max).toHaveLength(100);
  });
});
