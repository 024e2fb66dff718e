/**
 * Request ids as a client meets them on one process: a REST command sent again with its
 * `Idempotency-Key` (also after a restart, from the lab's saved log) gets the first answer and is
 * applied once; a malformed id, on REST or the socket, is refused naming it and changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { client, http, removeDir, request, settle, startServer, type TestServer } from './helpers.js';

const load = (cpu: number) => ({ type: 'setLoad', vps: 'web-1', load: { cpu } });

async function appliedAt(t: TestServer, cpu: number): Promise<number[]> {
  const r = await http(`${t.url}/api/labs/demo/scenario`);
  const events = r.body.data.events as { atTick: number; type: string; load?: { cpu?: number } }[];
  return events.filter((e) => e.type === 'setLoad' && e.load?.cpu === cpu).map((e) => e.atTick);
}

const send = (t: TestServer, body: unknown, key: string) =>
  settle(
    t,
    http(`${t.url}/api/labs/demo/commands`, { method: 'POST', body, headers: { 'Idempotency-Key': key } }),
  );

describe('request ids', () => {
  it('apply a command sent again once, across a restart, and refuse a malformed id', async () => {
    const a = await startServer();
    let b: TestServer | undefined;
    try {
      expect((await http(`${a.url}/api/labs`, { method: 'POST', body: { id: 'demo' } })).status).toBe(201);
      const first = await send(a, load(0.37), 'key-1');
      expect(first.body.ok, first.text).toBe(true);
      a.advance(500);
      const again = await send(a, load(0.37), 'key-1');
      expect(again.body).toEqual(first.body);
      expect(await appliedAt(a, 0.37)).toEqual([first.body.data.tick]);

      const other = await send(a, load(0.38), 'key-1');
      expect(other.status).toBe(409);
      expect(other.body.error).toMatchObject({ code: 'CONFLICT', path: 'requestId' });
      const bad = await send(a, load(0.39), 'not a key!');
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatchObject({ code: 'INVALID_INPUT', path: 'Idempotency-Key' });
      const socket = await client(a.url);
      const refused = await request(socket, 'command', { lab: 'demo', requestId: '', ...load(0.39) });
      socket.disconnect();
      expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', path: 'requestId' } });
      expect(await appliedAt(a, 0.38)).toEqual([]);
      expect(await appliedAt(a, 0.39)).toEqual([]);

      await a.close();
      b = await startServer({ dataDir: a.dataDir });
      const afterRestart = await send(b, load(0.37), 'key-1');
      expect(afterRestart.body).toEqual(first.body);
      expect(await appliedAt(b, 0.37)).toEqual([first.body.data.tick]);
    } finally {
      await b?.close();
      await a.close().catch(() => undefined);
      removeDir(a.dataDir);
    }
  });
});
