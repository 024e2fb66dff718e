import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotMessage } from '../../shared/protocol.js';
import {
  client,
  http,
  removeDir,
  request,
  startServer,
  waitFor,
  type Client,
  type TestServer,
} from './helpers.js';

/** Viewers of one lab, each remembering the last count it was told (its snapshot's, then `viewers`). */
interface Viewer {
  socket: Client;
  count: number;
  heard: number;
}

async function viewer(t: TestServer, lab: string): Promise<Viewer> {
  const socket = await client(t.url);
  const v: Viewer = { socket, count: 0, heard: 0 };
  socket.on('viewers', (m) => {
    if (m.lab !== lab) return;
    v.heard++;
    v.count = m.count;
  });
  return v;
}

async function join(v: Viewer, lab: string): Promise<void> {
  const snap = waitFor<SnapshotMessage>(v.socket, 'snapshot', (m) => m.lab === lab);
  const ack = await request<{ ok: boolean }>(v.socket, 'join', { lab });
  expect(ack.ok).toBe(true);
  v.count = (await snap).state.viewers ?? v.count;
}

/** Wait until every viewer was told `count` (each socket's messages arrive in order). */
async function allTold(viewers: Viewer[], count: number): Promise<void> {
  await Promise.all(
    viewers.map((v) =>
      v.count === count
        ? undefined
        : waitFor<{ count: number }>(v.socket, 'viewers', (m) => m.count === count, 5000),
    ),
  );
}

describe('how many watch a lab', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
    for (const id of ['watched', 'small']) {
      const r = await http(`${t.url}/api/labs`, { method: 'POST', body: { id, preset: 'demo' } });
      expect(r.status).toBe(201);
    }
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  it('is told to the room when it changes, not once per join: viewers joining again cost no message to the others', async () => {
    const N = 20;
    const REJOINS = 4;
    const viewers = await Promise.all(Array.from({ length: N }, () => viewer(t, 'watched')));
    for (const v of viewers) await join(v, 'watched');
    await allTold(viewers, N);
    const before = viewers.map((v) => v.heard);
    // Each joins again (within its join burst): the count does not change.
    for (let i = 0; i < REJOINS; i++) for (const v of viewers) await join(v, 'watched');
    // One leaves, so the others have something to hear, and hear it after every rejoin was handled.
    const gone = viewers.pop() as Viewer;
    gone.socket.disconnect();
    await allTold(viewers, N - 1);
    const messages = viewers.reduce((sum, v, i) => sum + v.heard - before[i], 0);
    // Told once per change: the leave, at most once more each. Told once per join, the room
    // would hear N × REJOINS × (N - 1) ≈ 1 500 messages.
    expect(messages).toBeLessThanOrEqual(2 * (N - 1));
    for (const v of viewers) expect(v.count).toBe(N - 1);
    for (const v of viewers) v.socket.disconnect();
  });

  it('a page joining hears the count in its snapshot, and the others hear it soon after', async () => {
    const a = await viewer(t, 'small');
    await join(a, 'small');
    expect(a.count).toBe(1);
    const b = await viewer(t, 'small');
    await join(b, 'small');
    expect(b.count).toBe(2);
    await allTold([a], 2);
    a.socket.disconnect();
    await allTold([b], 1);
    b.socket.disconnect();
  });
});
