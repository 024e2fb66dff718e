import { afterAll, describe, expect, it } from 'vitest';
import type { Command } from '../../shared/commands.js';
import type { Frame } from '../../shared/model.js';
import type { Lab } from '../../server/lab/lab.js';
import { DEFAULTS } from '../../server/config.js';
import { ManualClock } from '../../server/lab/clock.js';
import { openFileStore } from '../../server/lab/fileStore.js';
import { silentLogger } from '../../server/log.js';
import { createApp } from '../../server/net/app.js';
import {
  client,
  http,
  removeDir,
  request,
  restartHeld,
  settle,
  startServer,
  type TestServer,
} from './helpers.js';

/** A fixed script of commands at exact ticks, driven through the lab's own controls. */
async function script(t: TestServer, lab: Lab): Promise<void> {
  lab.clock({ action: 'pause' }, 'test');
  const at = async (cmd: Command) => {
    const r = await settle(t, lab.submit(cmd, 'test'));
    expect(r.ok, JSON.stringify(r)).toBe(true);
  };
  lab.clock({ action: 'step', ticks: 10 }, 'test');
  await at({ type: 'setLoad', vps: 'batch-1', load: { cpu: 1, disk: 0.8 } });
  lab.clock({ action: 'step', ticks: 10 }, 'test');
  await at({ type: 'startFault', vps: 'batch-1', fault: 'cpu_hog', durationS: 3 });
  lab.clock({ action: 'step', ticks: 15 }, 'test');
  await at({ type: 'resizeVps', vps: 'web-1', plan: { vcpus: 6 } });
  lab.clock({ action: 'step', ticks: 5 }, 'test');
}

function next(lab: Lab, n: number): Frame[][] {
  const from = lab.tick;
  lab.clock({ action: 'step', ticks: n }, 'test');
  return lab.history.range(from, lab.tick - 1);
}

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

describe('restart', () => {
  it.each([
    ['a lab', undefined, true],
    ['a compare lab', ['para', 'container'], true],
    ['a lab from its snapshot alone (too old to re-run)', undefined, false],
  ])(
    'restores %s at the tick it reached, continuing exactly like an uninterrupted run',
    async (_name, compare, rebuild) => {
      const a = await startServer();
      dirs.push(a.dataDir);
      const ref = await startServer({ persist: false });
      dirs.push(ref.dataDir);
      for (const s of [a, ref]) {
        const r = await http(`${s.url}/api/labs`, {
          method: 'POST',
          body: { id: 'p', preset: 'demo', compare },
        });
        expect(r.status).toBe(201);
        await script(s, s.server.registry.get('p')!);
      }
      const labA = a.server.registry.get('p')!;
      expect(labA.tick).toBe(40);
      await a.close();

      const b = await startServer({ dataDir: a.dataDir, rebuildTicks: rebuild ? undefined : 0 });
      const labB = b.server.registry.get('p')!;
      const labRef = ref.server.registry.get('p')!;
      expect(labB.tick).toBe(40);
      expect(labB.paused).toBe(true);
      expect(labB.state()).toEqual(labRef.state());
      expect(labB.recentEvents().filter((e) => e.kind === 'command')).toHaveLength(3);
      // It comes back with its recent history too (charts and CSV continue without a hole).
      if (rebuild) expect(labB.history.range(0, 39)).toEqual(labRef.history.range(0, 39));
      else expect(labB.history.size).toBe(0);
      const got = next(labB, 30); // crosses the end of the 3 s fault
      const want = next(labRef, 30);
      expect(got).toEqual(want);
      expect(got[0][0].tick).toBe(40);
      expect(labB.state().faults).toEqual(labRef.state().faults);
      await b.close();
      await ref.close();
    },
  );

  it('re-runs a long lab without frames before its history window, and the window exactly', async () => {
    // 3 s of history at 100 ms ticks: 30 ticks kept; the re-run builds frames for the last 630.
    const config = { historyS: 3 };
    const a = await startServer({ config });
    dirs.push(a.dataDir);
    const ref = await startServer({ persist: false, config });
    dirs.push(ref.dataDir);
    for (const s of [a, ref]) {
      await http(`${s.url}/api/labs`, { method: 'POST', body: { id: 'long', preset: 'demo' } });
      const lab = s.server.registry.get('long')!;
      lab.clock({ action: 'pause' }, 'test');
      for (const [i, cpu] of [0.9, 0.2, 0.6].entries()) {
        lab.clock({ action: 'step', ticks: 500 }, 'test');
        const r = settle(s, lab.submit({ type: 'setLoad', vps: 'web-1', load: { cpu } }, 'test'));
        lab.clock({ action: 'step', ticks: i === 2 ? 23 : 1 }, 'test');
        expect((await r).ok).toBe(true);
      }
    }
    await a.close();
    const b = await startServer({ dataDir: a.dataDir, config });
    const labB = b.server.registry.get('long')!;
    const labRef = ref.server.registry.get('long')!;
    expect(labRef.tick).toBe(1525);
    expect(labB.tick).toBe(1525);
    expect(labB.state()).toEqual(labRef.state());
    expect(labB.history.size).toBe(30);
    expect(labB.history.range(1495, 1524)).toEqual(labRef.history.range(1495, 1524));
    expect(next(labB, 40)).toEqual(next(labRef, 40));
    await b.close();
    await ref.close();
  });

  it('replays commands recorded after the last snapshot', async () => {
    const a = await startServer({ config: { snapshotEveryS: 3600 } });
    dirs.push(a.dataDir);
    const ref = await startServer({ persist: false });
    dirs.push(ref.dataDir);
    for (const s of [a, ref]) {
      await http(`${s.url}/api/labs`, { method: 'POST', body: { id: 'p', preset: 'demo' } });
      await script(s, s.server.registry.get('p')!);
    }
    // Let the command log reach disk, then stop without a final snapshot (as a crash would).
    await a.close();
    const { rmSync } = await import('node:fs');
    rmSync(`${a.dataDir}/labs/p/snapshot.json`);
    const b = await startServer({ dataDir: a.dataDir });
    const labB = b.server.registry.get('p')!;
    const labRef = ref.server.registry.get('p')!;
    // Without a snapshot the lab resumes at its last record (the clock step to 40), replayed exactly.
    expect(labB.tick).toBe(40);
    expect(labB.paused).toBe(true);
    expect(labB.history.range(0, 39)).toEqual(labRef.history.range(0, 39));
    expect(next(labB, 5)).toEqual(next(labRef, 5));
    await b.close();
    await ref.close();
  });
});

describe('clients across a restart', () => {
  it('a client with reconnection on comes back by itself and gets a snapshot first', async () => {
    const { io } = await import('socket.io-client');
    const a = await startServer();
    dirs.push(a.dataDir);
    await http(`${a.url}/api/labs`, { method: 'POST', body: { id: 'r', preset: 'demo' } });
    const port = Number(new URL(a.url).port);
    const s = io(a.url, { transports: ['websocket'], reconnectionDelay: 50, reconnectionDelayMax: 200 });
    const events: string[] = [];
    s.onAny((e) => events.push(e));
    s.on('connect', () => s.emit('join', { lab: 'r' }));
    await new Promise<void>((ok) => s.once('snapshot', () => ok()));
    const gone = new Promise<string>((ok) => s.once('disconnect', ok));
    await a.close();
    expect(await gone).not.toBe('io server disconnect');
    events.length = 0;
    const back = new Promise<void>((ok) => s.once('snapshot', () => ok()));
    const b = await startServer({ dataDir: a.dataDir, config: { port } });
    await back;
    expect(events[0]).toBe('snapshot');
    s.close();
    await b.close();
  });
});

describe('while saved labs are being restored', () => {
  it('the port is open at once: a join answers restoring and gets its snapshot when the lab is back, REST answers RESTORING', async () => {
    const a = await startServer();
    dirs.push(a.dataDir);
    await http(`${a.url}/api/labs`, { method: 'POST', body: { id: 'slow', preset: 'demo' } });
    a.advance(3000);
    await a.close();
    // Engines for restored labs wait for the test to let them through: the restore is under way.
    const { url, server: b, release } = await restartHeld(a.dataDir);
    try {
      const rest = await http(`${url}/api/labs/slow`);
      expect(rest.status).toBe(503);
      expect(rest.body.error).toMatchObject({ code: 'RESTORING', path: 'lab' });
      expect((await http(`${url}/healthz`)).status).toBe(200);
      const s = await client(url);
      const first: string[] = [];
      s.onAny((e) => first.push(e));
      const snapshot = new Promise<{ lab: string; state: { tick: number } }>((ok) => s.once('snapshot', ok));
      const ack = await request<{ ok: boolean; data: { lab: string; restoring?: boolean } }>(s, 'join', {
        lab: 'slow',
      });
      expect(ack).toEqual({ ok: true, data: { lab: 'slow', restoring: true } });
      release();
      const snap = await snapshot;
      expect(snap.lab).toBe('slow');
      expect(snap.state.tick).toBeGreaterThanOrEqual(30);
      expect(first[0]).toBe('snapshot');
      expect((await http(`${url}/api/labs/slow`)).status).toBe(200);
      s.close();
    } finally {
      release();
      await b.close();
    }
  });
});

describe('just after start, while the saved labs are still being listed', () => {
  it('REST and socket commands answer RESTORING, not UNKNOWN_LAB, and a join waits for the list', async () => {
    const a = await startServer();
    dirs.push(a.dataDir);
    await http(`${a.url}/api/labs`, { method: 'POST', body: { id: 'kept', preset: 'demo' } });
    a.advance(1000);
    await a.close();
    // The real store, whose listing waits for the test: the port is open before the list is read.
    const logger = silentLogger();
    const store = await openFileStore(a.dataDir, logger);
    let release!: () => void;
    const gate = new Promise<void>((ok) => (release = ok));
    const list = store.list.bind(store);
    store.list = async () => (await gate, list());
    const config = { ...DEFAULTS, port: 0, host: '127.0.0.1', dataDir: a.dataDir, clientDir: a.dataDir };
    const b = await createApp({ config, clock: new ManualClock(1000), logger, store });
    const { url } = await b.listen();
    try {
      const rest = await http(`${url}/api/labs/kept`);
      expect(rest.status).toBe(503);
      expect(rest.body.error).toMatchObject({ code: 'RESTORING', path: 'lab' });
      const s = await client(url);
      const cmd = await request<{ ok: boolean; error?: { code: string } }>(s, 'command', {
        lab: 'kept',
        type: 'setLoad',
        vps: 'web-1',
        load: { cpu: 0.5 },
      });
      expect(cmd.ok).toBe(false);
      expect(cmd.error?.code).toBe('RESTORING');
      // A join sent now is answered once the list is read: the saved lab, then a lab that is not there.
      const joined = request<{ ok: boolean; data?: { lab: string } }>(s, 'join', { lab: 'kept' });
      const other = request<{ ok: boolean; error?: { code: string } }>(s, 'join', { lab: 'nowhere' });
      release();
      expect((await joined).ok).toBe(true);
      expect((await other).error?.code).toBe('UNKNOWN_LAB');
      await expect.poll(async () => (await http(`${url}/api/labs/kept`)).status).toBe(200);
      expect((await http(`${url}/api/labs/nowhere`)).status).toBe(404);
      s.close();
    } finally {
      release();
      await b.close();
    }
  });
});

describe('restart with fewer labs allowed', () => {
  it('starts at most MAX_LABS of the saved labs; the others stay saved, untouched, and their ids are not reused', async () => {
    const a = await startServer({ config: { maxLabs: 3 } });
    dirs.push(a.dataDir);
    for (const id of ['l1', 'l2', 'l3'])
      expect((await http(`${a.url}/api/labs`, { method: 'POST', body: { id, preset: 'demo' } })).status).toBe(
        201,
      );
    await a.close();
    const b = await startServer({ dataDir: a.dataDir, config: { maxLabs: 2 } });
    expect(b.server.registry.list().map((l) => l.id)).toEqual(['l1', 'l2']);
    expect((await http(`${b.url}/api/labs/l3`)).body.error.code).toBe('UNKNOWN_LAB');
    await http(`${b.url}/api/labs/l2`, { method: 'DELETE' });
    const reuse = await http(`${b.url}/api/labs`, {
      method: 'POST',
      body: { id: 'l3', preset: 'kernel-panic' },
    });
    expect([reuse.status, reuse.body.error.code, reuse.body.error.path]).toEqual([409, 'CONFLICT', 'id']);
    // In another case too (on a case-insensitive disk it would be the same folder).
    const cased = await http(`${b.url}/api/labs`, { method: 'POST', body: { id: 'L3', preset: 'demo' } });
    expect([cased.status, cased.body.error.message]).toEqual([
      409,
      'a lab "l3" already exists (ids that differ only in case are one id)',
    ]);
    await b.close();
    // Allowed again, it comes back as it was.
    const c = await startServer({ dataDir: a.dataDir, config: { maxLabs: 3 } });
    expect(c.server.registry.list().map((l) => [l.id, l.scenario.name])).toEqual([
      ['l1', 'Demo lab'],
      ['l3', 'Demo lab 3'],
    ]);
    await c.close();
  });
});
