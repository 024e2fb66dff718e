/**
 * Viewer names go on across a restart: a lab's log keeps the names of the viewers who steered it,
 * so a viewer connecting after the restart is not given one of them again. Before, numbering began
 * at "viewer 1" again, and the log named two different viewers alike.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SnapshotMessage } from '../../shared/protocol.js';
import { DEFAULTS } from '../../server/config.js';
import { ManualClock } from '../../server/lab/clock.js';
import { openFileStore } from '../../server/lab/fileStore.js';
import { silentLogger } from '../../server/log.js';
import { createApp } from '../../server/net/app.js';
import {
  client,
  gatedEngines,
  http,
  removeDir,
  request,
  settle,
  startServer,
  waitFor,
  type TestServer,
} from './helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

/** A viewer that joins lab `lab` and steers it once: its name, as its snapshot tells it. */
async function steer(t: TestServer, cpu: number, lab = 'v'): Promise<string> {
  const s = await client(t.url);
  try {
    const you = await joined(s, lab);
    const ack = await settle(
      t,
      request<{ ok: boolean }>(s, 'command', { lab, type: 'setLoad', vps: 'web-1', load: { cpu } }),
    );
    expect(ack.ok).toBe(true);
    return you;
  } finally {
    s.close();
  }
}

/** Join lab `lab` on `s`: the connection's name, as its snapshot tells it. */
async function joined(s: Awaited<ReturnType<typeof client>>, lab: string): Promise<string> {
  const snap = waitFor<SnapshotMessage>(s, 'snapshot', (m) => m.lab === lab);
  expect((await request<{ ok: boolean }>(s, 'join', { lab })).ok).toBe(true);
  return (await snap).you!;
}

async function namesInLog(t: { url: string }, lab = 'v'): Promise<string[]> {
  const r = await http(`${t.url}/api/labs/${lab}/events`);
  expect(r.status).toBe(200);
  return (r.body.data as { by: string }[]).map((e) => e.by).filter((by) => by.startsWith('viewer '));
}

describe('viewer names across a restart', () => {
  it('go on from the names in the log, so no two viewers share one', async () => {
    const a = await startServer();
    dirs.push(a.dataDir);
    expect(
      (await http(`${a.url}/api/labs`, { method: 'POST', body: { id: 'v', preset: 'demo' } })).status,
    ).toBe(201);
    const first = [await steer(a, 0.3), await steer(a, 0.4)];
    expect(new Set(first).size).toBe(2);
    expect(await namesInLog(a)).toEqual(expect.arrayContaining(first));
    await a.close();

    const b = await startServer({ dataDir: a.dataDir });
    expect(await namesInLog(b)).toEqual(expect.arrayContaining(first));
    const later = await steer(b, 0.5);
    expect(first).not.toContain(later);
    const log = await namesInLog(b);
    expect(log).toEqual(expect.arrayContaining([...first, later]));
    await b.close();
  });
});

describe('a viewer connecting while the saved labs are being restored', () => {
  it('is named past every viewer in their logs, even of labs not restored yet, and is not kept waiting', async () => {
    const a = await startServer();
    dirs.push(a.dataDir);
    for (const id of ['a-first', 'b-steered'])
      expect((await http(`${a.url}/api/labs`, { method: 'POST', body: { id, preset: 'demo' } })).status).toBe(
        201,
      );
    const before = [await steer(a, 0.3, 'b-steered'), await steer(a, 0.4, 'b-steered')];
    await a.close();

    // The same DATA_DIR, every engine build held: the first lab's restore waits, the second's is not begun.
    const { engines, release } = gatedEngines();
    // And the list of saved labs held too, at first: none of their logs is read yet.
    let listed!: () => void;
    const listing = new Promise<void>((r) => (listed = r));
    const logger = silentLogger();
    const store = await openFileStore(a.dataDir, logger);
    const list = store.list.bind(store);
    store.list = async () => (await listing, list());
    const config = { ...DEFAULTS, port: 0, host: '127.0.0.1', dataDir: a.dataDir };
    const server = await createApp({
      config: { ...config, clientDir: path.join(a.dataDir, 'no-client') },
      clock: new ManualClock(1000),
      logger,
      store,
      engines,
    });
    const { url } = await server.listen();
    const sockets: Awaited<ReturnType<typeof client>>[] = [];
    try {
      // Connected at once, while nothing is read; then while the first lab is being restored.
      sockets.push(await client(url));
      listed();
      await expect.poll(() => server.registry.isRestoring('a-first')).toBe(true);
      sockets.push(await client(url));
      expect(server.registry.isRestoring('b-steered')).toBe(true);
      // A join now is answered (the lab is being restored); the name comes with its snapshot.
      const names = sockets.map((s) => joined(s, 'b-steered'));
      release();
      await server.restored;
      const given = await Promise.all(names);
      const logged = await namesInLog({ url }, 'b-steered');
      expect(logged).toEqual(expect.arrayContaining(before));
      const n = (by: string) => Number(/^viewer (\d+)/.exec(by)?.[1]);
      for (const name of given) {
        expect(logged).not.toContain(name);
        expect(n(name)).toBeGreaterThan(Math.max(...logged.map(n)));
      }
      expect(new Set(given).size, given.join()).toBe(2);
    } finally {
      sockets.forEach((s) => s.close());
      listed();
      release();
      await server.close();
    }
  }, 30_000);
});
