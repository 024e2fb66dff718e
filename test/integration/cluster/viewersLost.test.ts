/**
 * Viewer names when Redis lost its count: the process that runs a lab goes on numbering past every
 * viewer its lab's log names, those another process (now gone) named too. Before, it went on only
 * from the numbers it gave itself, and a new viewer could be named like one already in the log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../../server/cluster/keys.js';
import type { LabEvent, SnapshotMessage } from '../../../shared/protocol.js';
import { client, http, request, waitFor, type Client } from '../helpers.js';
import { ownerAndOther, stopCluster, type OwnerAndOther } from './fixture.js';
import type { ServerProcess } from './harness.js';

let c: OwnerAndOther | undefined;
const sockets: Client[] = [];

beforeAll(async () => {
  c = await ownerAndOther('vl');
}, 120_000);

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await stopCluster(c);
});

/** A viewer joined to the lab on `p`: its socket and its name. */
async function viewer(p: ServerProcess): Promise<{ socket: Client; you: string }> {
  const socket = await client(p.url);
  sockets.push(socket);
  const snap = waitFor<SnapshotMessage>(socket, 'snapshot', (m) => m.lab === 'vl', 15_000);
  expect((await request<{ ok: boolean }>(socket, 'join', { lab: 'vl' }, 15_000)).ok).toBe(true);
  return { socket, you: (await snap).you! };
}

const viewerNames = async (p: ServerProcess): Promise<string[]> => {
  const r = await http(`${p.url}/api/labs/vl/events`);
  expect(r.status, r.text).toBe(200);
  return (r.body.data as LabEvent[]).map((e) => e.by).filter((by) => by.startsWith('viewer '));
};

describe('Redis lost its viewer count', () => {
  it('the owner numbers new viewers past every name in its lab log', async () => {
    const { owner, other, redis, peek } = c!;
    // The newest number of the service goes to a viewer on the other process, which steers the lab.
    const steerer = await viewer(other);
    const ack = await request<{ ok: boolean }>(
      steerer.socket,
      'command',
      { lab: 'vl', type: 'setLoad', vps: 'web-1', load: { cpu: 0.42 } },
      15_000,
    );
    expect(ack.ok, JSON.stringify(ack)).toBe(true);
    const before = await viewerNames(owner);
    expect(before).toContain(steerer.you);

    await other.kill();
    await redis.kill();
    await redis.restart();
    // The owner published its lab again into the emptied Redis: it answers the owner again.
    await expect
      .poll(() => peek.hexists(keys.labs, 'vl').catch(() => 0), { timeout: 30_000, interval: 200 })
      .toBe(1);
    const later = [await viewer(owner), await viewer(owner)].map((v) => v.you);
    for (const name of later) {
      expect(name).toMatch(/^viewer \d+$/);
      expect(before).not.toContain(name);
    }
  });
});
