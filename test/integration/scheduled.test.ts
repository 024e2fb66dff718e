import { afterAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../server/lab/lab.js';
import type { LabEvent, LabState } from '../../shared/protocol.js';
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

// io-storm-dom0 starts an io_storm on batch-1 at 20 s (tick 200) and stops it at 60 s (tick 600).
const PRESET = 'io-storm-dom0';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

async function server(opts: Parameters<typeof startServer>[0] = {}): Promise<TestServer> {
  const t = await startServer(opts);
  dirs.push(t.dataDir);
  return t;
}

async function create(t: TestServer, body: Record<string, unknown>): Promise<Lab> {
  const r = await http(`${t.url}/api/labs`, { method: 'POST', body: { id: 'sc', preset: PRESET, ...body } });
  expect(r.status, r.text).toBe(201);
  const lab = t.server.registry.get('sc')!;
  lab.clock({ action: 'pause' }, 'test');
  return lab;
}

const scenarioEntries = (lab: Lab) => lab.recentEvents().filter((e) => e.by === 'scenario');

describe('scenario events the engine applies by itself', () => {
  it('are logged and broadcast like live commands, at their tick, with the new state', async () => {
    const t = await server();
    const lab = await create(t, {});
    const socket = await client(t.url);
    await request(socket, 'join', { lab: 'sc' });
    const got = waitFor<{ lab: string; event: LabEvent; state?: LabState }>(
      socket,
      'event',
      (m) => m.event.by === 'scenario',
    );
    lab.clock({ action: 'step', ticks: 250 }, 'test');
    const msg = await got;
    expect(msg.event).toMatchObject({
      tick: 200,
      kind: 'command',
      by: 'scenario',
      message: 'io_storm started on batch-1',
      command: { type: 'startFault', vps: 'batch-1', fault: 'io_storm' },
    });
    expect(msg.state?.faults.map((f) => [f.vps, f.fault, f.sinceTick])).toEqual([
      ['batch-1', 'io_storm', 200],
    ]);
    expect(scenarioEntries(lab).map((e) => e.tick)).toEqual([200]);
    socket.close();
    await t.close();
  });

  it('an event the state no longer allows is logged as refused', async () => {
    const t = await server();
    const lab = await create(t, {});
    lab.clock({ action: 'step', ticks: 100 }, 'test');
    const r = await settle(t, lab.submit({ type: 'removeVps', vps: 'batch-1' }, 'x'));
    expect(r.ok).toBe(true);
    lab.clock({ action: 'step', ticks: 150 }, 'test');
    expect(scenarioEntries(lab).map((e) => [e.tick, e.kind, e.message])).toEqual([
      [200, 'admission', 'scheduled io_storm started on batch-1 refused'],
    ]);
    expect(lab.state().faults).toEqual([]);
    await t.close();
  });

  it('a compare lab logs each event once', async () => {
    const t = await server();
    const lab = await create(t, { compare: ['para', 'full'] });
    lab.clock({ action: 'step', ticks: 650 }, 'test');
    expect(scenarioEntries(lab).map((e) => [e.tick, e.kind])).toEqual([
      [200, 'command'],
      [600, 'command'],
    ]);
    await t.close();
  });

  it.each([
    ['re-run from its start', undefined],
    ['restored from its snapshot alone', 0],
  ])('a lab %s keeps its logged events, neither lost nor doubled', async (_name, rebuildTicks) => {
    const a = await server();
    const lab = await create(a, {});
    lab.clock({ action: 'step', ticks: 250 }, 'test');
    await a.close();
    const b = await startServer({ dataDir: a.dataDir, rebuildTicks });
    const back = b.server.registry.get('sc')!;
    expect(back.tick).toBe(250);
    expect(scenarioEntries(back).map((e) => e.tick)).toEqual([200]);
    back.clock({ action: 'step', ticks: 400 }, 'test');
    expect(scenarioEntries(back).map((e) => [e.tick, e.message])).toEqual([
      [200, 'io_storm started on batch-1'],
      [600, 'io_storm stopped on batch-1'],
    ]);
    await b.close();
  });
});
