/**
 * Where a compare fork starts, as its log says it: the source's past is the source's (a mode
 * switch there is no switch of either side of the fork), and one entry at the fork's tick names
 * the lab it came from and the mode on each side. Before, a fork of a lab switched to full showed
 * "mode → full" as a command of both sides, also of the side running para, and nothing marked the
 * fork. Real app, real sockets and REST, manual clock; the log is saved with the fork.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabEvent } from '../../shared/protocol.js';
import { http, joinedLog, postCommand, removeDir, startServer, type TestServer } from './helpers.js';

let t: TestServer;
let dataDir: string;

beforeAll(async () => {
  t = await startServer();
  dataDir = t.dataDir;
});

afterAll(async () => {
  await t.close();
  removeDir(dataDir);
});

/** The log `GET /api/labs/:id/events` answers. */
async function restLog(id: string): Promise<LabEvent[]> {
  const r = await http(`${t.url}/api/labs/${id}/events`);
  expect(r.status, r.text).toBe(200);
  return (r.body as { data: LabEvent[] }).data;
}

async function fork(
  id: string,
  from: string,
  compare: [string, string],
): Promise<{ name: string; tick: number }> {
  const made = await http(`${t.url}/api/labs`, { method: 'POST', body: { id, from, compare } });
  expect(made.status, made.text).toBe(201);
  const lab = t.server.registry.get(id)!;
  return { name: lab.state().name, tick: lab.tick };
}

const modeSwitches = (log: LabEvent[]) => log.filter((e) => e.command?.type === 'setMode');
const starts = (log: LabEvent[]) => log.filter((e) => e.kind === 'fork');

describe('a compare lab forked after a mode switch', () => {
  let sourceName = '';
  let switchTick = 0;
  let first = { name: '', tick: 0 };

  it('shows the switch as its source’s, and where the compare starts, with each side’s mode', async () => {
    const src = await http(`${t.url}/api/labs`, { method: 'POST', body: { id: 'origin', preset: 'demo' } });
    expect(src.status, src.text).toBe(201);
    sourceName = t.server.registry.get('origin')!.state().name;
    t.advance(2000);
    const mode = await postCommand(t, 'origin', { type: 'setMode', mode: 'full' });
    expect(mode.ok).toBe(true);
    switchTick = mode.data!.tick;
    t.advance(2000);
    first = await fork('cmp', 'origin', ['para', 'full']);

    const log = await restLog('cmp');
    // The same log reaches a page joining the fork.
    expect(await joinedLog(t, 'cmp')).toEqual(log);

    // The switch is there, at its tick, as the source's: no side's, named for the lab it was in.
    const [switched] = modeSwitches(log);
    expect(modeSwitches(log)).toHaveLength(1);
    expect(switched).toMatchObject({ tick: switchTick, from: sourceName, command: { mode: 'full' } });
    expect(switched.side).toBeUndefined();
    expect(switched.message).toBe(`[${sourceName}] mode set to full`);
    expect(
      log.filter((e) => e.tick <= first.tick && e.kind !== 'fork').every((e) => e.from === sourceName),
    ).toBe(true);

    // One entry at the fork's tick says where the compare starts: from what, which mode each side.
    expect(starts(log)).toEqual([
      {
        tick: first.tick,
        kind: 'fork',
        by: 'rest',
        message: `compare starts here, from ${sourceName}: left para, right full`,
      },
    ]);
    expect(log[log.length - 1].kind).toBe('fork');
  });

  it('logs what happens after the fork as its own', async () => {
    const hog = await postCommand(t, 'cmp', {
      type: 'startFault',
      vps: 'batch-1',
      fault: 'cpu_hog',
      durationS: 1,
    });
    expect(hog.ok).toBe(true);
    t.advance(2000);
    const log = await restLog('cmp');
    const after = log.slice(log.findIndex((e) => e.kind === 'fork') + 1);
    expect(after.find((e) => e.command?.type === 'startFault')).toMatchObject({
      tick: hog.data!.tick,
      by: 'rest',
    });
    expect(after.every((e) => e.from === undefined)).toBe(true);
    // The fault ends on each side, each as that side's.
    expect(after.filter((e) => e.kind === 'faultEnded').map((e) => e.side)).toEqual([0, 1]);
  });

  it('forked again, keeps each entry’s own lab and marks both starts', async () => {
    const again = await fork('again', 'cmp', ['container', 'full']);
    const log = await restLog('again');
    expect(await joinedLog(t, 'again')).toEqual(log);

    // The first switch stays the first source’s, named once.
    expect(modeSwitches(log).map((e) => [e.from, e.message])).toEqual([
      [sourceName, `[${sourceName}] mode set to full`],
    ]);
    // The first fork's start is the first fork's past; the new one comes last, from its first side.
    expect(starts(log).map((e) => [e.tick, e.from, e.message])).toEqual([
      [
        first.tick,
        first.name,
        `[${first.name}, para] compare starts here, from ${sourceName}: left para, right full`,
      ],
      [
        again.tick,
        undefined,
        `compare starts here, from the para side of ${first.name}: left container, right full`,
      ],
    ]);
    // The fault after the first fork ended on its first side only, as far as this fork is concerned.
    const ended = log.filter((e) => e.kind === 'faultEnded' && e.tick >= first.tick);
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({ from: first.name });
    expect(ended[0].side).toBeUndefined();
    expect(log.every((e) => e.side === undefined)).toBe(true);

    // Saved with the forks: back as it was after a restart.
    await t.close();
    t = await startServer({ dataDir });
    expect(await restLog('again')).toEqual(log);
    expect(starts(await restLog('cmp'))).toHaveLength(1);
  });
});
