/**
 * What a lab tells the page about its past and its future: the scenario's scheduled events still
 * ahead (in the state the snapshot and the log entries carry), and a compare lab forked from a
 * running one starting with the source's history up to the fork. Real app, real sockets, manual clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabState, SnapshotMessage } from '../../shared/protocol.js';
import { decodeHistory } from '../wireHistory.js';
import type { NewLab } from '../../server/lab/starting.js';
import { client, removeDir, request, startServer, waitFor, type TestServer } from './helpers.js';

let t: TestServer;

beforeAll(async () => {
  t = await startServer({ persist: false });
});

afterAll(async () => {
  await t.close();
  removeDir(t.dataDir);
});

async function create(body: NewLab): Promise<string> {
  const r = await t.server.registry.create(body);
  if (!r.ok) throw new Error(r.error.message);
  return r.data.id;
}

async function snapshotOf(lab: string): Promise<SnapshotMessage> {
  const socket = await client(t.url);
  try {
    const snap = waitFor<SnapshotMessage>(socket, 'snapshot');
    await request(socket, 'join', { lab, historyForm: 'columns' });
    return await snap;
  } finally {
    socket.close();
  }
}

/** Advance the manual clock until the lab has computed `tick`. */
function runTo(lab: string, tick: number): void {
  const l = t.server.registry.get(lab)!;
  while (l.tick <= tick) t.advance(l.tickMs);
}

describe('scheduled events ahead', () => {
  it('the snapshot lists the preset events not yet applied, and each drops out once it fires', async () => {
    const lab = await create({ preset: 'sre-incident' });
    const s0 = (await snapshotOf(lab)).state;
    // io_storm at 30 s and its stop at 75 s, 100 ms ticks.
    expect(s0.upcoming).toEqual([
      { tick: 300, command: { type: 'startFault', vps: 'batch-1', fault: 'io_storm' } },
      { tick: 750, command: { type: 'stopFault', vps: 'batch-1', fault: 'io_storm' } },
    ]);
    runTo(lab, 299);
    expect(
      t.server.registry
        .get(lab)!
        .state()
        .upcoming?.map((e) => e.tick),
    ).toEqual([300, 750]);
    runTo(lab, 300);
    const s1: LabState = (await snapshotOf(lab)).state;
    expect(s1.upcoming?.map((e) => e.tick)).toEqual([750]);
    expect(s1.faults.some((f) => f.vps === 'batch-1' && f.fault === 'io_storm')).toBe(true);
    runTo(lab, 750);
    expect(t.server.registry.get(lab)!.state().upcoming).toBeUndefined();
  });

  it('a lab without scheduled events says nothing ahead', async () => {
    const lab = await create({ preset: 'demo' });
    expect((await snapshotOf(lab)).state.upcoming).toBeUndefined();
  });

  it('Reset lab brings the schedule back', async () => {
    const lab = await create({ preset: 'sre-incident' });
    runTo(lab, 320);
    expect(
      t.server.registry
        .get(lab)!
        .state()
        .upcoming?.map((e) => e.tick),
    ).toEqual([750]);
    const r = await t.server.registry.reset(lab, 'test');
    expect(r.ok).toBe(true);
    expect(
      t.server.registry
        .get(lab)!
        .state()
        .upcoming?.map((e) => e.tick),
    ).toEqual([300, 750]);
  });
});

describe('a fork starts with the source history', () => {
  it('both modes hold the source frames up to the fork tick, then their own', async () => {
    const src = await create({ preset: 'sre-incident' });
    runTo(src, 349);
    const source = t.server.registry.get(src)!;
    const forkTick = source.tick;
    const fork = await create({ from: src, compare: ['para', 'full'] });
    const lab = t.server.registry.get(fork)!;
    expect(lab.history.firstTick).toBe(source.history.firstTick);
    expect(lab.history.lastTick).toBe(forkTick - 1);
    const [before] = source.history.range(200, 200);
    const [copied] = lab.history.range(200, 200);
    expect(copied).toHaveLength(2);
    expect(copied[0]).toEqual(before[0]);
    expect(copied[1]).toEqual(before[0]);
    // The pending stop of the storm is still ahead on the fork, as on the source.
    expect(lab.state().upcoming?.map((e) => e.tick)).toEqual([750]);
    runTo(fork, forkTick + 20);
    const snap = await snapshotOf(fork);
    const entries = decodeHistory(snap.historyColumns);
    const ticks = entries.map((e) => e.tick);
    expect(ticks[0]).toBeLessThan(forkTick - 100);
    expect(ticks[ticks.length - 1]).toBeGreaterThanOrEqual(forkTick + 20);
    expect(ticks.every((k, i) => i === 0 || k > ticks[i - 1])).toBe(true);
    for (const e of entries) expect(e.frames).toHaveLength(2);
  });
});
