/**
 * A compare lab forked from a running lab starts with its source's past: its charts, and its log
 * as it stood at the fork's tick (the source's mode switches and faults, which the compare view
 * marks on its charts). Before, the fork's log started empty: those markers were missing. Real
 * app, real sockets, manual clock; the fork's log is saved with it and back after a restart.
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

const commandTypes = (log: LabEvent[]) =>
  log.flatMap((e) => (e.kind === 'command' && e.command ? [`${e.command.type}@${e.tick}`] : []));

describe('a compare lab forked from a running lab', () => {
  it('starts with its source’s log as it stood at the fork’s tick, and keeps it', async () => {
    const src = await http(`${t.url}/api/labs`, { method: 'POST', body: { id: 'origin', preset: 'demo' } });
    expect(src.status, src.text).toBe(201);
    t.advance(2000);
    const mode = await postCommand(t, 'origin', { type: 'setMode', mode: 'para' });
    expect(mode.ok).toBe(true);
    t.advance(1000);
    const hog = await postCommand(t, 'origin', {
      type: 'startFault',
      vps: 'batch-1',
      fault: 'cpu_hog',
      durationS: 1,
    });
    expect(hog.ok).toBe(true);
    t.advance(2000);

    const made = await http(`${t.url}/api/labs`, {
      method: 'POST',
      body: { id: 'forked', from: 'origin', compare: ['para', 'full'] },
    });
    expect(made.status, made.text).toBe(201);
    const forkTick = t.server.registry.get('forked')!.tick;
    // After the fork, the source goes on alone: what it does is not the fork's past.
    expect((await postCommand(t, 'origin', { type: 'setLoad', vps: 'web-1', load: { cpu: 0.7 } })).ok).toBe(
      true,
    );

    const source = await joinedLog(t, 'origin');
    const log = await joinedLog(t, 'forked');
    const past = source.filter((e) => e.tick <= forkTick && e.kind !== 'command' && e.command === undefined);
    expect(commandTypes(log)).toEqual([`setMode@${mode.data!.tick}`, `startFault@${hog.data!.tick}`]);
    expect(log.every((e) => e.tick <= forkTick && e.side === undefined)).toBe(true);
    // The engine's entries of that past (the fault ending) come along too, as the source's.
    expect(past.map((e) => e.kind)).toContain('faultEnded');
    const name = t.server.registry.get('origin')!.state().name;
    for (const e of past) expect(log).toContainEqual({ ...e, from: name, message: `[${name}] ${e.message}` });

    // Saved with the fork: back after a restart.
    await t.close();
    t = await startServer({ dataDir });
    expect(commandTypes(await joinedLog(t, 'forked'))).toEqual(commandTypes(log));
  });

  it('forked from a compare lab, keeps the entries of the side it goes on from, for both its sides', async () => {
    // A fault ending on each side of a compare lab is an entry of each side.
    const hog = await postCommand(t, 'forked', {
      type: 'startFault',
      vps: 'web-1',
      fault: 'cpu_hog',
      durationS: 1,
    });
    expect(hog.ok).toBe(true);
    t.advance(2000);
    const ended = (log: LabEvent[]) =>
      log.filter((e) => e.kind === 'faultEnded' && e.vps === 'web-1' && e.tick > hog.data!.tick);
    expect(ended(await joinedLog(t, 'forked')).map((e) => e.side)).toEqual([0, 1]);

    const made = await http(`${t.url}/api/labs`, {
      method: 'POST',
      body: { id: 'again', from: 'forked', compare: ['container', 'full'] },
    });
    expect(made.status, made.text).toBe(201);
    // The fork goes on from the first side (para): its entry concerns both of the fork's sides.
    const log = ended(await joinedLog(t, 'again'));
    expect(log).toHaveLength(1);
    expect(log[0].side).toBeUndefined();
  });
});
