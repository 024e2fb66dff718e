/**
 * A lab reads its engines' columns after each step (no frame object per tick) and encodes its
 * broadcasts straight from them: what it keeps and sends must be exactly what the engines' own
 * frames give, tick by tick, across faults (attribution), a VPS added and one removed, both modes
 * of a compare lab, and a history small enough that each new tick reuses a dropped tick's arrays.
 */
import { describe, expect, it } from 'vitest';
import { Lab } from '../../../server/lab/lab.js';
import { silentLogger } from '../../../server/log.js';
import { createEngine } from '../../../server/sim/index.js';
import type { ModeSpec, Scenario } from '../../../shared/commands.js';
import type { Frame } from '../../../shared/model.js';
import { encodeFrameMessage, type WireFrameMessage } from '../../../shared/wireFrame.js';

const sc: Scenario = {
  name: 'live-columns',
  seed: 11,
  tickMs: 100,
  mode: 'para',
  host: { cores: 16, ramGiB: 24, diskIops: 20000, netMbps: 2000, memBwGBs: 60 },
  vps: ['a', 'b', 'c', 'd', 'e'].map((id, i) => ({
    id,
    vcpus: 2,
    ramGiB: 4,
    diskIops: 5000,
    netMbps: 500,
    profile: i % 2 ? 'bursty' : 'diurnal',
    load: { cpu: 0.7, mem: 0.6, disk: 0.5, net: 0.4 },
  })),
  events: [
    { atTick: 10, type: 'startFault', vps: 'a', fault: 'cpu_hog' },
    { atTick: 30, type: 'startFault', vps: 'b', fault: 'io_storm' },
    { atTick: 50, type: 'startFault', vps: 'c', fault: 'memory_leak' },
    {
      atTick: 90,
      type: 'addVps',
      vps: { id: 'f', vcpus: 1, ramGiB: 2, diskIops: 1000, netMbps: 100, load: { cpu: 0.9, disk: 0.9 } },
    },
    { atTick: 140, type: 'removeVps', vps: 'd' },
  ],
};

const TICKS = 220;

function run(modes: (ModeSpec | undefined)[], historyBytes: number) {
  const lab = new Lab({
    id: 'live',
    scenario: sc,
    compare: modes.length === 2 ? (modes as [ModeSpec, ModeSpec]) : undefined,
    engines: modes.map((mode) => createEngine(sc, mode ? { mode } : {})),
    now: 0,
    logger: silentLogger(),
    limits: { maxVps: 16, historyS: 900, historyBytes, broadcastHz: 10 },
  });
  // Twins of the lab's engines, stepped for their frames.
  const twins = modes.map((mode) => createEngine(sc, mode ? { mode } : {}));
  const sent: { tick: number; message: WireFrameMessage }[] = [];
  const framesSeen: (readonly Frame[])[] = [];
  lab.onBroadcast((b) => sent.push({ tick: b.tick, message: b.message() }));
  lab.onFrames((f) => framesSeen.push(f));
  const want: Frame[][] = [];
  for (let k = 0; k < TICKS; k++) {
    lab.pump((k + 1) * 100);
    want.push(twins.map((e) => e.step()));
  }
  return { lab, sent, framesSeen, want };
}

describe('live path read from the engine columns', () => {
  for (const [label, modes] of [
    ['one engine', [undefined]],
    ['a compare lab', ['para', 'full']],
  ] as const) {
    it(`${label}: broadcasts and history equal the engines' own frames, tick by tick`, () => {
      const { lab, sent, framesSeen, want } = run([...modes], 1e9);
      expect(sent.map((b) => b.tick)).toEqual(want.map((f) => f[0].tick));
      expect(want.some((f) => f[0].attribution.length > 0)).toBe(true);
      for (let k = 0; k < TICKS; k++) {
        // The same header and integers as the reference encoder writes from the engine's own frames.
        expect(sent[k].message).toEqual(encodeFrameMessage('live', want[k]));
        expect(framesSeen[k]).toEqual(want[k]);
      }
      expect(lab.history.range(0, TICKS - 1)).toEqual(want);
      const cols = lab.history.columns('live', 0, TICKS - 1);
      expect(cols.latest).toEqual(encodeFrameMessage('live', want[TICKS - 1], undefined, false));
    });
  }

  it('a history at its byte budget, its dropped ticks refilled, keeps exact frames', () => {
    // About 40 ticks of 5-6 VPSs: most ticks reuse the arrays of the one just dropped.
    const { lab, want } = run(['para', 'full'], 40 * 2 * (1 + 10 + 6 * 25) * 8);
    const first = lab.history.firstTick as number;
    expect(first).toBeGreaterThan(150);
    expect(lab.history.lastTick).toBe(TICKS - 1);
    expect(lab.history.range(first, TICKS - 1)).toEqual(want.slice(first));
  });
});
