/**
 * Viewer names go on across a restart: a lab's log keeps the names of the viewers who steered it,
 * so a viewer connecting after the restart is not given one of them again. Before, numbering began
 * at "viewer 1" again, and the log named two different viewers alike.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { SnapshotMessage } from '../../shared/protocol.js';
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

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

/** A viewer that joins lab `v` and steers it once: its name, as its snapshot tells it. */
async function steer(t: TestServer, cpu: number): Promise<string> {
  const s = await client(t.url);
  try {
    const snap = waitFor<SnapshotMessage>(s, 'snapshot', (m) => m.lab === 'v');
    expect((await request<{ ok: boolean }>(s, 'join', { lab: 'v' })).ok).toBe(true);
    const you = (await snap).you!;
    const ack = await settle(
      t,
      request<{ ok: boolean }>(s, 'command', { lab: 'v', type: 'setLoad', vps: 'web-1', load: { cpu } }),
    );
    expect(ack.ok).toBe(true);
    return you;
  } finally {
    s.close();
  }
}

async function namesInLog(t: TestServer): Promise<string[]> {
  const r = await http(`${t.url}/api/labs/v/events`);
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
