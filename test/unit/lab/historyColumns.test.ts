import { describe, expect, it } from 'vitest';
import { FrameHistory } from '../../../server/lab/history.js';
import { createEngine } from '../../../server/sim/index.js';
import type { Scenario } from '../../../shared/commands.js';
import { VPS_METRICS, type Frame } from '../../../shared/model.js';
import type { WireHistory } from '../../../shared/wire.js';
import { encodeFrameMessage } from '../../../shared/wireFrame.js';
import { decodeHistory, rowsOf } from '../../wireHistory.js';

/** Two modes of one busy scenario (faults, so attribution), a VPS added and one removed midway. */
function history(ticks: number): FrameHistory {
  const sc: Scenario = {
    name: 'columns',
    seed: 3,
    tickMs: 100,
    mode: 'para',
    host: { cores: 8, ramGiB: 64, diskIops: 50000, netMbps: 10000, memBwGBs: 100 },
    vps: ['a', 'b', 'c', 'd'].map((id, i) => ({
      id,
      vcpus: 2,
      ramGiB: 4,
      diskIops: 5000,
      netMbps: 500,
      profile: i % 2 ? 'bursty' : 'diurnal',
      load: { cpu: 0.6, mem: 0.5, disk: 0.4, net: 0.3 },
    })),
    events: [
      { atTick: 5, type: 'startFault', vps: 'a', fault: 'cpu_hog' },
      { atTick: 20, type: 'startFault', vps: 'b', fault: 'io_storm' },
      {
        atTick: 60,
        type: 'addVps',
        vps: { id: 'e', vcpus: 1, ramGiB: 2, diskIops: 1000, netMbps: 100, load: { cpu: 0.9 } },
      },
      { atTick: 120, type: 'removeVps', vps: 'c' },
    ],
  };
  const engines = [createEngine(sc), createEngine(sc, { mode: 'full' })];
  const h = new FrameHistory({ maxTicks: 10_000, maxBytes: 1e9 });
  for (let i = 0; i < ticks; i++) h.push(engines.map((e) => e.step()));
  return h;
}

const frames = (h: FrameHistory, from: number, to: number, stride = 1) =>
  h.range(from, to, stride).map((f: Frame[]) => rowsOf(encodeFrameMessage('x', f)));

describe('snapshot history in columns', () => {
  const h = history(200);

  it('decodes to exactly the frame form, across VPS set changes, modes and strides', () => {
    expect(h.columns('x', 0, 199).modes[0].runs.map((r) => r[1])).toEqual([
      'a,b,c,d',
      'a,b,c,d,e',
      'a,b,d,e',
    ]);
    for (const [from, to, stride] of [
      [0, 199, 1],
      [30, 180, 3],
      [150, 150, 1],
    ]) {
      const want = frames(h, from, to, stride);
      expect(want.some((m) => m.frames[0][5].length > 0)).toBe(true);
      expect(decodeHistory(h.columns('x', from, to, stride))).toEqual(want);
    }
  });

  it('survives JSON, with a value that is not finite kept as null', () => {
    const held = new FrameHistory({ maxTicks: 1000, maxBytes: 1e9 });
    const all = h.range(0, 199, 1);
    const metric = VPS_METRICS[4];
    all.forEach((f, t) =>
      held.push(
        t === 10
          ? [f[0], { ...f[1], vps: f[1].vps.map((v, i) => (i === 2 ? { ...v, [metric]: NaN } : v)) }]
          : f,
      ),
    );
    const want = frames(h, 0, 199);
    want[10].frames[1][4][2][5] = null;
    const sent = JSON.parse(JSON.stringify(held.columns('x', 0, 199))) as WireHistory;
    expect(decodeHistory(sent)).toEqual(want);
  });

  it('carries only the asked VPS metrics, except in the newest entry, which comes whole', () => {
    const rows = [0, VPS_METRICS.indexOf('latencyP99Ms') + 1, VPS_METRICS.indexOf('health') + 1];
    const got = decodeHistory(h.columns('x', 0, 199, 1, rows));
    const want = frames(h, 0, 199);
    expect(got.at(-1)).toEqual(want.at(-1));
    got
      .slice(0, -1)
      .forEach((m, i) =>
        m.frames.forEach((f, e) =>
          f[4].forEach((row, v) =>
            row.forEach((x, k) => expect(x).toBe(rows.includes(k) ? want[i].frames[e][4][v][k] : null)),
          ),
        ),
      );
  });

  it('is several times smaller than the frame form', () => {
    const all = Buffer.byteLength(JSON.stringify(h.columns('x', 0, 199)));
    const plain = Buffer.byteLength(JSON.stringify(frames(h, 0, 199)));
    expect(all * 3).toBeLessThan(plain);
  });
});
