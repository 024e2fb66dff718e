/**
 * The history answer made in pieces is, joined, byte for byte the JSON of `{ ok: true, data }` with
 * the whole downsample, for each shape an answer takes; and it reads the ticks held at its start
 * to the end, however many ticks the history takes (and drops, refilling their arrays) meanwhile.
 */
import { describe, expect, it } from 'vitest';
import { HOST_METRICS, VPS_METRICS, type Frame } from '../../../shared/model.js';
import { FrameHistory } from '../../../server/lab/history.js';
import { downsample } from '../../../server/lab/downsample.js';
import { historyAnswer, type HistoryAsk, type PieceSizes } from '../../../server/net/historyAnswer.js';
import { fakeEngines, fakeScenario } from './fakeEngine.js';

const ALL = [...VPS_METRICS, ...HOST_METRICS];
const SMALL: PieceSizes = { values: 7, chars: 100 };

/** `n` frames of a lab of `vps` VPSs, each changed by `edit` (a copy, free to change). */
async function frames(n: number, vps: number, edit: (f: Frame) => void = () => {}): Promise<Frame[]> {
  const r = await fakeEngines.create(fakeScenario(vps));
  if (!r.ok) throw new Error(r.error.message);
  return Array.from({ length: n }, () => {
    const f = structuredClone(r.data.step());
    edit(f);
    return f;
  });
}

/** What the route sent before it was made in pieces: the whole answer at once. */
function whole(h: FrameHistory, ask: HistoryAsk): string {
  const { lab, side, tickMs, fromTick, toTick, points, metrics } = ask;
  const data = { lab, side, tickMs, ...downsample(h, fromTick, toTick, points, metrics, side) };
  return JSON.stringify({ ok: true, data });
}

function pieced(h: FrameHistory, ask: HistoryAsk, sizes?: PieceSizes): { text: string; pieces: number } {
  const all = [...historyAnswer(h, ask, sizes)];
  return { text: all.join(''), pieces: all.length };
}

const ask = (over: Partial<HistoryAsk>): HistoryAsk => ({
  lab: 'lab-1',
  side: 0,
  tickMs: 100,
  fromTick: 0,
  toTick: 999,
  points: 300,
  metrics: ALL,
  ...over,
});

/** The answer for `a`, in small pieces and in the default ones, against the whole answer. */
function expectSame(h: FrameHistory, a: HistoryAsk): string {
  const want = whole(h, a);
  const small = pieced(h, a, SMALL);
  expect(small.text).toBe(want);
  expect(small.pieces).toBeGreaterThan(1);
  expect(pieced(h, a).text).toBe(want);
  expect(h.held).toBe(0);
  return want;
}

describe('the history answer in pieces', () => {
  it("is a compare lab's side 1 byte for byte, each side its own VPSs", async () => {
    const a = await frames(200, 3);
    const b = await frames(200, 5);
    const h = new FrameHistory({ maxTicks: 1000, maxBytes: 1e9 });
    for (let i = 0; i < a.length; i++) h.push([a[i], b[i]]);
    const one = expectSame(h, ask({ side: 1, points: 40 }));
    expect(Object.keys(JSON.parse(one).data.vps)).toHaveLength(5);
    expectSame(h, ask({ side: 0, points: 40 }));
  });

  it('is byte for byte over a VPS set that changes mid-range, with ids JSON puts first', async () => {
    const all = await frames(300, 4, (f) => {
      // "10" and "2" are keys JSON writes before the others, "2" first; "constructor" is a key like any.
      for (const v of f.vps)
        v.id = { 'vps-0': 'web', 'vps-1': '10', 'vps-2': '2', 'vps-3': 'constructor' }[v.id]!;
      if (f.tick >= 100 && f.tick < 200) f.vps = f.vps.filter((v) => v.id !== '10');
      if (f.tick < 150) f.vps = f.vps.filter((v) => v.id !== 'constructor');
    });
    const h = new FrameHistory({ maxTicks: 1000, maxBytes: 1e9 });
    for (const f of all) h.push([f]);
    const text = expectSame(h, ask({ points: 37, metrics: ['cpuGranted', 'cpuUtil', 'latencyP99Ms'] }));
    expect(Object.keys(JSON.parse(text).data.vps)).toEqual(['2', '10', 'web', 'constructor']);
  });

  it('is byte for byte with series that start late (host and VPS)', async () => {
    const all = await frames(250, 3, (f) => {
      if (f.tick < 120) f.host.cpuUtil = NaN;
      for (const v of f.vps) if (v.id === 'vps-1' && f.tick < 80) v.latencyP99Ms = Infinity;
    });
    const h = new FrameHistory({ maxTicks: 1000, maxBytes: 1e9 });
    for (const f of all) h.push([f]);
    const text = expectSame(h, ask({ points: 25, metrics: ['latencyP99Ms', 'cpuUtil', 'memUsedGiB'] }));
    const data = JSON.parse(text).data;
    expect(Object.keys(data.host)).toEqual(['memUsedGiB', 'cpuUtil']);
    expect(Object.keys(data.vps['vps-1'])).toEqual(['latencyP99Ms']);
  });

  it('is byte for byte for an empty range and for more points than ticks', async () => {
    const h = new FrameHistory({ maxTicks: 1000, maxBytes: 1e9 });
    for (const f of await frames(50, 2)) h.push([f]);
    const empty = JSON.parse(whole(h, ask({ fromTick: 500, toTick: 900 }))).data;
    expect(empty).toMatchObject({ ticks: [], host: {}, vps: {} });
    expect(pieced(h, ask({ fromTick: 500, toTick: 900 }), SMALL).text).toBe(
      whole(h, ask({ fromTick: 500, toTick: 900 })),
    );
    expect(pieced(h, ask({ fromTick: 500, toTick: 900 })).text).toBe(
      whole(h, ask({ fromTick: 500, toTick: 900 })),
    );
    expect(pieced(new FrameHistory({ maxTicks: 10, maxBytes: 1e9 }), ask({})).text).toBe(
      whole(new FrameHistory({ maxTicks: 10, maxBytes: 1e9 }), ask({})),
    );
    const many = expectSame(h, ask({ points: 2000 }));
    expect(JSON.parse(many).data).toMatchObject({ bucketTicks: 1, fromTick: 0, toTick: 49 });
    expectSame(h, ask({ fromTick: 10, toTick: 12, points: 2000, metrics: ['cpuUtil'] }));
  });

  it('reads the ticks held at its start to the end while ticks are pushed, dropped and refilled', async () => {
    const all = await frames(400, 3);
    const h = new FrameHistory({ maxTicks: 100, maxBytes: 1e9 });
    for (const f of all.slice(0, 100)) h.push([f]);
    const a = ask({ points: 30 });
    const want = whole(h, a);
    const got: string[] = [];
    let next = 100;
    for (const piece of historyAnswer(h, a, SMALL)) {
      got.push(piece);
      // Each turn, the lab ticks on: the oldest ticks leave the ring and their arrays could be reused.
      for (let k = 0; k < 5 && next < all.length; k++) h.push([all[next++]]);
    }
    expect(next).toBeGreaterThan(200);
    expect(h.firstTick).toBeGreaterThan(100);
    expect(got.join('')).toBe(want);
    expect(h.held).toBe(0);
  });

  it('lets go of its ticks when stopped early', async () => {
    const h = new FrameHistory({ maxTicks: 100, maxBytes: 1e9 });
    for (const f of await frames(100, 3)) h.push([f]);
    const pieces = historyAnswer(h, ask({}), SMALL);
    pieces.next();
    pieces.next();
    expect(h.held).toBe(1);
    pieces.return();
    expect(h.held).toBe(0);
  });
});
