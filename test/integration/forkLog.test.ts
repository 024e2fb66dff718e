/**
 * A compare lab forked from a running lab starts with its source's past: its charts, and its log
 * as it stood at the fork's tick (the source's mode switches and faults, which the compare view
 * marks on its charts). Before, the fork's log started empty: those markers were missing. Real
 * app, real sockets, manual clock; the fork's log is saved with it and back after a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabEvent, SnapshotMessage } from '../../shared/protocol.js';
import {
  client,
  http,
  removeDir,
  request,
  settle,
  startServer,
  waitFor,
  type TestServer,
} from './helpers.js';

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

async function command(id: string, body: unknown): Promise<{ ok: boolean; data?: { tick: number } }> {
  const r = http(`${t.url}/api/labs/${id}/commands`, { method: 'POST', body });
  return (await settle(t, r)).body;
}

/** The log a page joining lab `id` is sent. */
async function logOf(id: string): Promise<LabEvent[]> {
  const socket = await client(t.url);
  try {
    const snap = waitFor<SnapshotMessage>(socket, 'snapshot', (m) => m.lab === id);
    expect((await request<{ ok: boolean }>(socket, 'join', { lab: id })).ok).toBe(true);
    return (await snap).events;
  } finally {
    socket.disconnect();
  }
}

const commandTypes = (log: LabEvent[]) =>
  log.flatMap((e) => (e.kind === 'command' && e.command ? [`${e.command.type}@${e.tick}`] : []));

describe('a compare lab forked from a running lab', () => {
  it('starts with its source’s log as it stood at the fork’s tick, and keeps it', async () => {
    const src = await http(`${t.url}/api/labs`, { method: 'POST', body: { id: 'origin', preset: 'demo' } });
    expect(src.status, src.text).toBe(201);
    t.advance(2000);
    const mode = await command('origin', { type: 'setMode', mode: 'para' });
    expect(mode.ok).toBe(true);
    t.advance(1000);
    const hog = await command('origin', {
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
    expect((await command('origin', { type: 'setLoad', vps: 'web-1', load: { cpu: 0.7 } })).ok).toBe(true);

    const source = await logOf('origin');
    const log = await logOf('forked');
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
    expect(commandTypes(await logOf('forked'))).toEqual(commandTypes(log));
  });

  it('forked from a compare lab, keeps the entries of the side it goes on from, for both its sides', async () => {
    // A fault ending on each side of a compare lab is an entry of each side.
    const hog = await command('forked', { type: 'startFault', vps: 'web-1', fault: 'cpu_hog', durationS: 1 });
    expect(hog.ok).toBe(true);
    t.advance(2000);
    const ended = (log: LabEvent[]) =>
      log.filter((e) => e.kind === 'faultEnded' && e.vps === 'web-1' && e.tick > hog.data!.tick);
    expect(ended(await logOf('forked')).map((e) => e.side)).toEqual([0, 1]);

    const made = await http(`${t.url}/api/labs`, {
      method: 'POST',
      body: { id: 'again', from: 'forked', compare: ['container', 'full'] },
    });
    expect(made.status, made.text).toBe(201);
    // The fork goes on from the first side (para): its entry concerns both of the fork's sides.
    const log = ended(await logOf('again'));
    expect(log).toHaveLength(1);
    expect(log[0].side).toBeUndefined();
  });
});
