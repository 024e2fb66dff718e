/**
 * A socket message of a known event with an ack and nothing before it (`emit('command', ack)`) is
 * answered through that ack, naming the missing payload, and changes nothing. Before, socket.io
 * handed the ack over as the payload: the message was refused as an `error` event and the client
 * waiting on its ack waited for ever.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, http, removeDir, startServer, type Client, type TestServer } from './helpers.js';

let t: TestServer;
let s: Client;

beforeAll(async () => {
  t = await startServer();
  expect(
    (await http(`${t.url}/api/labs`, { method: 'POST', body: { id: 'p', preset: 'demo' } })).status,
  ).toBe(201);
  s = await client(t.url);
});

afterAll(async () => {
  s.close();
  await t.close();
  removeDir(t.dataDir);
});

/** A connection as any client may use it: any event, any number of arguments. */
interface Loose {
  timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
}

describe('a socket message with an ack and no payload', () => {
  for (const event of ['join', 'leave', 'command', 'clock'])
    it(`(${event}) is answered through its ack, naming the missing payload`, async () => {
      const before = await http(`${t.url}/api/labs/p`);
      const ack = (await (s as unknown as Loose).timeout(2000).emitWithAck(event)) as {
        ok: boolean;
        error: { code: string; message: string; path: string };
      };
      expect(ack.ok).toBe(false);
      expect(ack.error.code).toBe('INVALID_INPUT');
      expect(ack.error.path).toBe('payload');
      expect(ack.error.message).toContain(`"${event}"`);
      expect(ack.error.message).toContain('missing');
      const after = await http(`${t.url}/api/labs/p`);
      expect(after.body.data.vps).toEqual(before.body.data.vps);
      expect(after.body.data.paused).toEqual(before.body.data.paused);
      expect(s.connected).toBe(true);
    });
});
