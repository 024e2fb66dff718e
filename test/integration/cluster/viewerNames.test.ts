/**
 * Viewers of one lab on two processes: each has a name of its own in the lab's log (viewers were
 * numbered per process, so the first viewer of each process was "viewer 1" on both), and a viewer
 * on a process that does not run the lab learns its own name from its snapshot too (`you`: the
 * page says "you" for its own commands), as a viewer on the owner does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabEvent, SnapshotMessage } from '../../../shared/protocol.js';
import { client, request, waitFor, type Client } from '../helpers.js';
import { stopAll, twoProcesses, type ServerProcess } from './harness.js';

let owner: ServerProcess;
let other: ServerProcess;
const sockets: Client[] = [];

beforeAll(async () => {
  ({ owner, other } = await twoProcesses('names'));
}, 120_000);

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await stopAll();
});

/** A viewer joined to the lab on `p`: its snapshot and every log entry it gets. */
async function viewer(p: ServerProcess) {
  const socket = await client(p.url);
  sockets.push(socket);
  const events: LabEvent[] = [];
  socket.on('event', (m) => events.push(m.event));
  const snap = waitFor<SnapshotMessage>(socket, 'snapshot', (m) => m.lab === 'names', 15_000);
  const ack = await request<{ ok: boolean }>(socket, 'join', { lab: 'names' }, 15_000);
  expect(ack.ok, JSON.stringify(ack)).toBe(true);
  return { socket, events, snapshot: await snap };
}

describe('viewers on two processes', () => {
  it('have names of their own, and each learns its own from its snapshot', async () => {
    const onOwner = await viewer(owner);
    const onOther = await viewer(other);
    expect(onOwner.snapshot.you).toMatch(/^viewer /);
    expect(onOther.snapshot.you).toMatch(/^viewer /);
    expect(onOther.snapshot.you).not.toBe(onOwner.snapshot.you);

    for (const [v, cpu] of [
      [onOwner, 0.31],
      [onOther, 0.32],
    ] as const) {
      const ack = await request<{ ok: boolean }>(
        v.socket,
        'command',
        { lab: 'names', type: 'setLoad', vps: 'web-1', load: { cpu } },
        15_000,
      );
      expect(ack.ok, JSON.stringify(ack)).toBe(true);
    }
    const byOf = (cpu: number) => () =>
      onOwner.events.find(
        (e) => e.kind === 'command' && e.command?.type === 'setLoad' && e.command.load.cpu === cpu,
      )?.by;
    for (const cpu of [0.31, 0.32])
      if (!byOf(cpu)()) await waitFor(onOwner.socket, 'event', () => Boolean(byOf(cpu)()), 10_000);
    expect(byOf(0.31)()).toBe(onOwner.snapshot.you);
    expect(byOf(0.32)()).toBe(onOther.snapshot.you);
  }, 60_000);
});
