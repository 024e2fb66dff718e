/**
 * Lab control beyond commands: a compare lab forked from a running lab at its tick, colours given
 * once by the server, reset to the scenario's start, unique names, viewer count and readable
 * names in the log. Real app, real sockets, manual clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PALETTE } from '../../shared/colors.js';
import type { Ack, LabState, SnapshotMessage } from '../../shared/protocol.js';
import {
  client,
  http,
  removeDir,
  request,
  settle,
  startServer,
  waitFor,
  type Client,
  type TestServer,
} from './helpers.js';

let t: TestServer;

beforeAll(async () => {
  t = await startServer();
});

afterAll(async () => {
  await t.close();
  removeDir(t.dataDir);
});

async function create(body: unknown): Promise<{
  status: number;
  id: string;
  body: { ok?: boolean; error?: { code: string; message: string; path?: string } };
}> {
  const r = await http(`${t.url}/api/labs`, { method: 'POST', body });
  return { status: r.status, id: r.body?.data?.id, body: r.body };
}

async function state(id: string): Promise<LabState> {
  return (await http(`${t.url}/api/labs/${id}`)).body.data as LabState;
}

async function command(id: string, body: unknown): Promise<Ack<{ tick: number }>> {
  const r = http(`${t.url}/api/labs/${id}/commands`, { method: 'POST', body });
  return (await settle(t, r)).body;
}

async function joined(lab: string): Promise<{ socket: Client; snapshot: SnapshotMessage }> {
  const socket = await client(t.url);
  const snap = waitFor<SnapshotMessage>(socket, 'snapshot');
  await request(socket, 'join', { lab });
  return { socket, snapshot: await snap };
}

describe('compare forked from a running lab', () => {
  it('starts at the source tick with its state, each side in its own mode, same commands after', async () => {
    const src = await create({ id: 'fork-src', preset: 'demo' });
    expect(src.status).toBe(201);
    t.advance(3000);
    expect((await command('fork-src', { type: 'setLoad', vps: 'batch-1', load: { cpu: 0.9 } })).ok).toBe(
      true,
    );
    expect((await command('fork-src', { type: 'startFault', vps: 'batch-1', fault: 'cpu_hog' })).ok).toBe(
      true,
    );
    expect((await command('fork-src', { type: 'removeVps', vps: 'mail-1' })).ok).toBe(true);
    t.advance(500);
    const before = await state('fork-src');
    const fork = await create({ from: 'fork-src', compare: ['para', 'full'] });
    expect(fork.status).toBe(201);
    const lab = t.server.registry.get(fork.id)!;
    expect(lab.engines.map((e) => e.tick)).toEqual([before.tick, before.tick]);
    const s = await state(fork.id);
    expect(s.mode).toBe('para');
    expect(s.compareMode).toBe('full');
    expect(s.vps.map((v) => v.id)).toEqual(before.vps.map((v) => v.id));
    expect(s.vps.find((v) => v.id === 'batch-1')!.load.cpu).toBe(0.9);
    expect(lab.engines[1].state().faults).toEqual(before.faults);
    expect(s.colors).toMatchObject(before.colors!);
    expect(s.name).not.toBe(before.name);
    // The source's mode switches are not replayed: a mode change is refused on the fork, and a
    // command applies to both sides.
    expect((await command(fork.id, { type: 'setMode', mode: 'full' })).ok).toBe(false);
    expect((await command(fork.id, { type: 'setLoad', vps: 'web-1', load: { cpu: 0.3 } })).ok).toBe(true);
    t.advance(1000);
    for (const e of lab.engines) expect(e.state().vps.find((v) => v.id === 'web-1')!.load.cpu).toBe(0.3);
    expect(lab.engines.map((e) => e.state().mode)).toEqual(['para', 'full']);
  });

  it('refuses a partner mode that cannot admit the VPSs, with the reason, and creates nothing', async () => {
    await create({ id: 'fork-big', preset: 'demo' });
    const resized = await command('fork-big', {
      type: 'resizeVps',
      vps: 'web-1',
      plan: { vcpus: 12, cpuCapCores: 12 },
    });
    expect(resized.ok).toBe(true);
    const count = t.server.registry.list().length;
    const r = await create({ from: 'fork-big', compare: ['para', 'full'] });
    expect(r.status).toBe(409);
    expect(r.body.error!.code).toBe('ADMISSION_REFUSED');
    expect(r.body.error!.message).toMatch(/^full: /);
    expect(r.body.error!.path).toBe('compare.1');
    expect(t.server.registry.list().length).toBe(count);
  });

  it('rejects a fork of an unknown lab or without two modes', async () => {
    expect((await create({ from: 'nope', compare: ['para', 'full'] })).body.error!.code).toBe('UNKNOWN_LAB');
    expect((await create({ from: 'fork-src' })).body.error!.path).toBe('compare');
    expect(
      (await create({ from: 'fork-src', preset: 'demo', compare: ['para', 'full'] })).body.error!.path,
    ).toBe('from');
  });
});

describe('colours given by the server', () => {
  it('in scenario order, kept when a VPS goes, never reused by a new one', async () => {
    await create({ id: 'colours', preset: 'demo' });
    const s0 = await state('colours');
    expect(s0.vps.map((v) => s0.colors![v.id])).toEqual(PALETTE.slice(0, s0.vps.length));
    expect((await command('colours', { type: 'removeVps', vps: 'web-1' })).ok).toBe(true);
    const add = await command('colours', {
      type: 'addVps',
      vps: { id: 'web-9', vcpus: 1, ramGiB: 2, diskIops: 1000, netMbps: 100, profile: 'steady' },
    });
    expect(add.ok).toBe(true);
    const s1 = await state('colours');
    for (const v of s1.vps) if (v.id !== 'web-9') expect(s1.colors![v.id]).toBe(s0.colors![v.id]);
    expect(s1.colors!['web-1']).toBe(s0.colors!['web-1']);
    expect(Object.values(s0.colors!)).not.toContain(s1.colors!['web-9']);
  });
});

describe('reset and names', () => {
  it('reset brings a lab back to its scenario start and tells its watchers to join again', async () => {
    await create({ id: 'resettable', preset: 'demo' });
    const w = await joined('resettable');
    t.advance(2000);
    expect((await command('resettable', { type: 'setMode', mode: 'full' })).ok).toBe(true);
    expect((await command('resettable', { type: 'removeVps', vps: 'db-1' })).ok).toBe(true);
    const gotReset = waitFor<{ lab: string }>(w.socket, 'reset');
    const r = await http(`${t.url}/api/labs/resettable/reset`, { method: 'POST' });
    expect(r.status).toBe(200);
    expect(await gotReset).toEqual({ lab: 'resettable' });
    const s = await state('resettable');
    expect(s.tick).toBe(0);
    expect(s.mode).toBe('para');
    expect(s.vps.map((v) => v.id)).toContain('db-1');
    const events = (await http(`${t.url}/api/labs/resettable/events`)).body.data as { message: string }[];
    expect(events.map((e) => e.message)).toEqual(['lab reset to its start']);
    t.advance(1000);
    expect((await state('resettable')).tick).toBeGreaterThan(0);
    w.socket.disconnect();
  });

  it('reset takes no options: an unknown field or a body of another shape is refused, naming it, and nothing changes', async () => {
    await create({ id: 'strict-reset', preset: 'demo' });
    t.advance(1000);
    const tick = (await state('strict-reset')).tick;
    expect(tick).toBeGreaterThan(0);
    for (const [body, path] of [
      [{ hard: true }, 'hard'],
      [[], '(root)'],
      ['now', '(root)'],
    ] as const) {
      const r = await http(`${t.url}/api/labs/strict-reset/reset`, { method: 'POST', body });
      expect([r.status, r.body.error.code, r.body.error.path]).toEqual([400, 'INVALID_INPUT', path]);
      if (path === 'hard') expect(r.body.error.message).toBe('hard: unknown field');
    }
    expect((await state('strict-reset')).tick).toBe(tick);
    const ok = await http(`${t.url}/api/labs/strict-reset/reset`, { method: 'POST', body: {} });
    expect([ok.status, ok.body.data]).toEqual([200, { id: 'strict-reset', tick: 0 }]);
  });

  it('a fork cannot be reset; an unknown lab is named', async () => {
    const fork = await create({ from: 'fork-src', compare: ['para', 'container'] });
    expect(fork.status).toBe(201);
    expect((await http(`${t.url}/api/labs/${fork.id}/reset`, { method: 'POST' })).status).toBe(409);
    expect((await http(`${t.url}/api/labs/nope/reset`, { method: 'POST' })).body.error.code).toBe(
      'UNKNOWN_LAB',
    );
  });

  it('a second lab from the same preset gets its own name', async () => {
    const a = await create({ preset: 'kernel-panic' });
    const b = await create({ preset: 'kernel-panic' });
    const [sa, sb] = await Promise.all([state(a.id), state(b.id)]);
    expect(sa.name).not.toBe(sb.name);
    expect(sb.name.startsWith(sa.name)).toBe(true);
  });

  it('watchers hear how many watch, and their commands are logged under readable names', async () => {
    await create({ id: 'watched', preset: 'demo' });
    const a = await joined('watched');
    const heard = waitFor<{ lab: string; count: number }>(a.socket, 'viewers', (m) => m.count === 2);
    const b = await joined('watched');
    expect(await heard).toEqual({ lab: 'watched', count: 2 });
    expect(a.snapshot.you).toMatch(/^viewer \d+$/);
    expect(b.snapshot.you).not.toBe(a.snapshot.you);
    expect(b.snapshot.state.viewers).toBe(2);
    a.socket.disconnect();
    b.socket.disconnect();
  });
});
