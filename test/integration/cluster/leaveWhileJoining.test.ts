/**
 * A `join` of a lab another process runs waits for Redis (does the lab exist?) before the
 * connection joins its room; a `leave` sent right after it (a page switching labs at once) is
 * answered meanwhile. The join must not go on after that leave: the connection would watch, and
 * be sent the snapshot and the frames of, a lab it left. Two real processes on a real redis-server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotMessage } from '../../../shared/protocol.js';
import { client, request, waitFor, type Client } from '../helpers.js';
import { stopAll, twoProcesses, type ServerProcess } from './harness.js';

let other: ServerProcess;
const sockets: Client[] = [];

beforeAll(async () => {
  ({ other } = await twoProcesses('switch'));
}, 120_000);

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await stopAll();
});

async function connected(p: ServerProcess): Promise<Client> {
  const socket = await client(p.url);
  sockets.push(socket);
  return socket;
}

describe('a leave sent right after a join of a lab another process runs', () => {
  it('wins: the connection is not joined, is sent no snapshot and no frames', async () => {
    const switching = await connected(other);
    const got: string[] = [];
    switching.on('snapshot', () => got.push('snapshot'));
    switching.on('frame', () => got.push('frame'));
    const joined = request<{ ok: boolean; error?: { code: string; path?: string } }>(
      switching,
      'join',
      { lab: 'switch' },
      15_000,
    );
    const left = request<{ ok: boolean }>(switching, 'leave', { lab: 'switch' }, 15_000);
    expect(await left).toEqual({ ok: true, data: { lab: 'switch' } });
    const answer = await joined;
    expect(answer.ok, JSON.stringify(answer)).toBe(false);
    expect(answer.error?.path).toBe('lab');

    // Another connection on the same process joins and is sent frames: had the first one joined,
    // it would have been sent them too.
    const watching = await connected(other);
    const snap = waitFor<SnapshotMessage>(watching, 'snapshot', (m) => m.lab === 'switch', 15_000);
    expect((await request<{ ok: boolean }>(watching, 'join', { lab: 'switch' }, 15_000)).ok).toBe(true);
    const from = (await snap).state.tick;
    await waitFor<{ tick: number }>(watching, 'frame', (m) => m.tick > from + 3, 15_000);
    expect(got).toEqual([]);
  }, 60_000);
});
