/**
 * A socket message of an event the protocol does not have is answered naming it, through its ack
 * or else as an `error` event, changes nothing, and counts against the connection's tolerance of
 * invalid messages like any other. Before, it was counted but never answered: a client waiting on
 * its ack waited for ever.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, http, removeDir, startServer, waitFor, type TestServer } from './helpers.js';

let t: TestServer;

beforeAll(async () => {
  t = await startServer();
  expect(
    (await http(`${t.url}/api/labs`, { method: 'POST', body: { id: 'u', preset: 'demo' } })).status,
  ).toBe(201);
});

afterAll(async () => {
  await t.close();
  removeDir(t.dataDir);
});

/** A connection as any client may use it: any event name, any payload. */
interface Loose {
  emit(event: string, ...args: unknown[]): void;
  timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
}

const told = (name: string) => ({
  code: 'INVALID_INPUT',
  message: `event: no event "${name}" (the events are join, leave, command, clock)`,
  path: 'event',
});

describe('a socket message of an unknown event', () => {
  it('is answered through its ack, naming the event, and changes nothing', async () => {
    const before = await http(`${t.url}/api/labs/u`);
    const s = await client(t.url);
    const ack = await (s as unknown as Loose)
      .timeout(2000)
      .emitWithAck('startFault', { lab: 'u', vps: 'web-1' });
    expect(ack).toEqual({ ok: false, error: told('startFault') });
    const after = await http(`${t.url}/api/labs/u`);
    expect(Array.isArray(before.body.data.faults)).toBe(true);
    expect(after.body.data.faults).toEqual(before.body.data.faults);
    s.close();
  });

  it('without an ack is answered as an error event; a flood of them is cut off and the server stays up', async () => {
    const s = await client(t.url);
    const error = waitFor<unknown>(s, 'error');
    (s as unknown as Loose).emit('x'.repeat(100));
    expect(await error).toEqual(told('x'.repeat(40)));
    const dropped = waitFor(s, 'disconnect');
    for (let i = 0; i < 40; i++) (s as unknown as Loose).emit('nonsense', i);
    await dropped;
    expect((await http(`${t.url}/healthz`)).status).toBe(200);
  });
});
