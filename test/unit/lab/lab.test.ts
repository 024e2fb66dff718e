import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../server/log.js';
import { ManualClock } from '../../../server/lab/clock.js';
import { Lab, MAX_CATCH_UP, type LogRecord } from '../../../server/lab/lab.js';
import type { Frame } from '../../../shared/model.js';
import { snapshotOf } from '../../../server/net/snapshot.js';
import { decodeHistory } from '../../wireHistory.js';
import { fakeEngines, fakeScenario, FakeEngine } from './fakeEngine.js';
import { MAX_MISSED } from '../../../server/lab/history.js';
import { decodeFrameMessage, encodeFrameMessage, type WireFrameMessage } from '../../../shared/wireFrame.js';

const limits = { maxVps: 8, historyS: 900, historyBytes: 64 * 1024 * 1024, broadcastHz: 10 };

async function makeLab(clock = new ManualClock(), compare = false) {
  const sc = fakeScenario();
  const modes = compare ? (['para', 'full'] as const) : [undefined];
  const engines = [];
  for (const m of modes) {
    const r = await fakeEngines.create(sc, m);
    if (!r.ok) throw new Error('engine');
    engines.push(r.data);
  }
  const lab = new Lab({
    id: 'l1',
    scenario: sc,
    compare: compare ? ['para', 'full'] : undefined,
    engines,
    now: clock.now(),
    logger: silentLogger(),
    limits,
  });
  const frames: { tick: number; frames: readonly Frame[] }[] = [];
  lab.onFrames((f) => frames.push({ tick: f[0].tick, frames: f }));
  clock.every(10, () => lab.pump(clock.now()));
  return { lab, clock, frames };
}

describe('Lab real-time loop', () => {
  it('runs one tick per tickMs of wall time at 1×, without drift over a long run', async () => {
    const { lab, clock } = await makeLab();
    for (let i = 0; i < 600; i++) clock.advance(16.7); // frame-ish, not a multiple of the tick
    expect(lab.tick).toBe(Math.floor((600 * 16.7) / 100));
  });

  it('at 1× broadcasts every tick, each frame carrying its tick', async () => {
    const { clock, frames } = await makeLab();
    clock.advance(1000);
    expect(frames.map((f) => f.tick)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('at 1×, a pump that ran several ticks (a late timer) sends the ones without a broadcast along with the newest', async () => {
    const { lab, clock } = await makeLab(new ManualClock(), true);
    const sent: WireFrameMessage[] = [];
    lab.onBroadcast((b) => sent.push(b.message()));
    clock.advance(200); // ticks 0, 1 on time
    lab.pump(clock.now() + 350); // a timer 350 ms late: ticks 2, 3, 4 in one pump
    clock.advance(100);
    expect(sent.map((m) => m.tick)).toEqual([0, 1, 4, 5]);
    expect(sent[2].missed?.map((fs) => fs.map((f) => f[0]))).toEqual([
      [2, 2],
      [3, 3],
    ]);
    expect(sent[3].missed).toBeUndefined();
    const tick3 = decodeFrameMessage(encodeFrameMessage('x', lab.history.range(3, 3)[0])).frames;
    expect(decodeFrameMessage(sent[2]).missed?.[1][1]).toEqual(tick3[1]);
  });

  it('at 1×, a late timer past the history sends at most MAX_MISSED ticks along; faster, none', async () => {
    const { lab, clock } = await makeLab();
    const sent: WireFrameMessage[] = [];
    lab.onBroadcast((b) => sent.push(b.message()));
    clock.advance(100);
    lab.pump(clock.now() + 3000);
    expect(sent.at(-1)!.missed?.map((fs) => fs[0][0])).toEqual(
      Array.from({ length: MAX_MISSED }, (_, i) => sent.at(-1)!.tick - MAX_MISSED + i),
    );
    lab.clock({ action: 'speed', speed: 10 }, 't');
    clock.advance(1000);
    expect(sent.slice(-5).every((m) => m.missed === undefined)).toBe(true);
  });

  it('at 50× coalesces to at most 10 broadcasts per second and keeps every tick in history', async () => {
    const { lab, clock, frames } = await makeLab();
    lab.clock({ action: 'speed', speed: 50 }, 't');
    clock.advance(2000);
    expect(lab.tick).toBe(1000);
    expect(frames.length).toBeLessThanOrEqual(21);
    expect(frames.length).toBeGreaterThanOrEqual(19);
    expect(frames.at(-1)!.tick).toBeGreaterThan(990);
    expect(lab.history.size).toBe(1000);
    expect(lab.history.firstTick).toBe(0);
  });

  it('runs at a quarter speed', async () => {
    const { lab, clock } = await makeLab();
    lab.clock({ action: 'speed', speed: 0.25 }, 't');
    clock.advance(4000);
    expect(lab.tick).toBe(10);
  });

  it('pause stops ticks, step runs exactly n, resume continues from there', async () => {
    const { lab, clock, frames } = await makeLab();
    clock.advance(500);
    lab.clock({ action: 'pause' }, 't');
    const at = lab.tick;
    clock.advance(5000);
    expect(lab.tick).toBe(at);
    const r = await lab.clock({ action: 'step', ticks: 3 }, 't');
    expect(r).toEqual({ ok: true, data: { tick: at + 3, speed: 1, paused: true } });
    expect(frames.at(-1)!.tick).toBe(at + 2);
    lab.clock({ action: 'resume' }, 't');
    clock.advance(1000);
    expect(lab.tick).toBe(at + 3 + 10);
  });

  it('caps catch-up after a stall instead of running the whole backlog', async () => {
    const clock = new ManualClock();
    const { lab } = await makeLab(clock);
    clock.advance(5); // nothing due yet
    // A long stall: one pump sees a minute at once.
    lab.pump(clock.now() + 60_000);
    expect(lab.tick).toBe(MAX_CATCH_UP);
  });

  it('applies a queued command at the next tick boundary and acks with that tick', async () => {
    const { lab, clock } = await makeLab();
    clock.advance(300);
    const p = lab.submit({ type: 'setLoad', vps: 'vps-1', load: { cpu: 0.9 } }, 'abc');
    clock.advance(100);
    const ack = await p;
    expect(ack).toEqual({ ok: true, data: { tick: 3 } });
    expect((lab.engines[0] as FakeEngine).log()).toEqual([
      { tick: 3, command: { type: 'setLoad', vps: 'vps-1', load: { cpu: 0.9 } } },
    ]);
    const ev = lab.recentEvents().find((e) => e.kind === 'command');
    expect(ev).toMatchObject({ tick: 3, by: 'abc', command: { type: 'setLoad' } });
  });

  // A command's shape is checked at the edge (test/integration/live.test.ts); the lab refuses what
  // its state does not allow.
  it('refuses a command its state does not allow with a coded error and changes nothing', async () => {
    const { lab, clock } = await makeLab();
    clock.advance(200);
    const before = JSON.stringify(lab.engines[0].save());
    const p = lab.submit({ type: 'stopFault', vps: 'nope', fault: 'cpu_hog' }, 'x');
    lab.pump(clock.now());
    const unknown = await p;
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.error.code).toBe('UNKNOWN_VPS');
    expect(JSON.stringify(lab.engines[0].save())).toBe(before);
  });

  it('applies commands while paused, at the current boundary', async () => {
    const { lab, clock } = await makeLab();
    clock.advance(200);
    lab.clock({ action: 'pause' }, 't');
    const p = lab.submit({ type: 'setLoad', vps: 'vps-0', load: { cpu: 0.1 } }, 'x');
    clock.advance(20);
    expect(await p).toEqual({ ok: true, data: { tick: 2 } });
  });

  it('keeps running after an unexpected error inside a tick', async () => {
    const { lab, clock } = await makeLab();
    (lab.engines[0] as FakeEngine).failAt = 3;
    clock.advance(1000);
    expect(lab.tick).toBeGreaterThanOrEqual(9);
  });

  it('a compare lab steps both engines with the same commands and refuses setMode', async () => {
    const { lab, clock, frames } = await makeLab(new ManualClock(), true);
    clock.advance(300);
    const ack = lab.submit({ type: 'setLoad', vps: 'vps-0', load: { cpu: 1 } }, 'x');
    clock.advance(100);
    expect((await ack).ok).toBe(true);
    expect(lab.engines[0].log()).toEqual(lab.engines[1].log());
    expect(frames.at(-1)!.frames).toHaveLength(2);
    const mode = await lab.submit({ type: 'setMode', mode: 'full' }, 'x');
    expect(!mode.ok && mode.error.code).toBe('CONFLICT');
  });

  it('snapshot history follows the live cadence and ends at the newest tick', async () => {
    const { lab, clock } = await makeLab();
    clock.advance(3000);
    const snap = snapshotOf(lab, true, 1);
    const entries = decodeHistory(snap.historyColumns);
    expect(entries.at(-1)!.tick).toBe(lab.tick - 1);
    const ticks = entries.map((h) => h.tick);
    expect(ticks).toEqual(Array.from({ length: ticks.length }, (_, i) => lab.tick - ticks.length + i));
    expect(snap.canControl).toBe(true);
  });

  it("sends a pump's frame before its log entries (a write in progress would drop the volatile frame)", async () => {
    const { lab, clock } = await makeLab();
    const order: string[] = [];
    lab.onFrames(() => order.push('frame'));
    lab.onEvent(() => order.push('event'));
    clock.advance(250);
    order.length = 0;
    const p = lab.submit({ type: 'setLoad', vps: 'vps-0', load: { cpu: 0.2 } }, 'x');
    lab.pump(clock.now() + 50); // applies the command, then runs a tick, in one pump
    expect((await p).ok).toBe(true);
    expect(order).toEqual(['frame', 'event']);
  });

  it('broadcasts a late tick at once instead of holding it for the next slot', async () => {
    const clock = new ManualClock();
    const { lab, frames } = await makeLab(clock);
    // Irregular pumps, as a busy event loop delivers them: every tick still goes out in its pump.
    let t = 0;
    for (const dt of [100, 160, 40, 100, 60, 110, 90]) {
      t += dt;
      lab.pump(t);
      expect(frames.at(-1)?.tick).toBe(lab.tick - 1);
    }
  });
});

describe('a clock action sent again with its request id', () => {
  it('is answered as the first and steps once, also by a lab rebuilt from its snapshot or its log', async () => {
    const records: LogRecord[] = [];
    const { lab, clock } = await makeLab();
    const engine = async () => {
      const r = await fakeEngines.create(lab.scenario);
      if (!r.ok) throw new Error('engine');
      return r.data;
    };
    const persisted = new Lab({
      id: 'l1',
      scenario: lab.scenario,
      engines: [await engine()],
      now: clock.now(),
      logger: silentLogger(),
      limits,
      onCommand: (rec) => void records.push(rec),
    });
    await persisted.clock({ action: 'pause' }, 't', 'p-1');
    const first = await persisted.clock({ action: 'step', ticks: 4 }, 't', 's-1');
    expect(first).toEqual({ ok: true, data: { tick: 4, speed: 1, paused: true } });
    expect(await persisted.clock({ action: 'step', ticks: 4 }, 't', 's-1')).toEqual(first);
    expect(persisted.tick).toBe(4);
    expect(records.at(-1)).toMatchObject({ rid: 's-1', action: { action: 'step', ticks: 4 } });

    // Rebuilt from the snapshot alone (the ids it carries), and from the log alone.
    const snap = persisted.save();
    const restore = async (requests = snap.requests) =>
      new Lab({
        id: 'l1',
        scenario: lab.scenario,
        engines: [await engine()],
        now: clock.now(),
        logger: silentLogger(),
        limits,
        requests,
      });
    const fromSnapshot = await restore();
    expect(await fromSnapshot.clock({ action: 'step', ticks: 4 }, 't', 's-1')).toEqual(first);
    expect(fromSnapshot.tick).toBe(0);
    const fromLog = await restore([]);
    fromLog.replay(records);
    expect(fromLog.tick).toBe(4);
    expect(await fromLog.clock({ action: 'step', ticks: 4 }, 't', 's-1')).toEqual(first);
    expect(fromLog.tick).toBe(4);
    // Another action under that id is refused, naming it.
    expect(await fromLog.clock({ action: 'step', ticks: 5 }, 't', 's-1')).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', path: 'requestId' },
    });
  });
});
