/**
 * An `Idempotency-Key` header given twice on a REST command or clock action (Node joins the two
 * with ", ") is refused as given twice, naming the header, and nothing is applied.
 */
import { describe, expect, it } from 'vitest';
import { http, removeDir, settle, startServer, type TestServer } from './helpers.js';
import { postWithKeys } from './keyTwice.js';

const post = (t: TestServer, path: string, body: unknown, keys: string[]) =>
  postWithKeys(`${t.url}${path}`, body, keys);

describe('Idempotency-Key given twice', () => {
  it('is refused naming the header as given twice, and nothing is applied', async () => {
    const t = await startServer();
    try {
      expect((await http(`${t.url}/api/labs`, { method: 'POST', body: { id: 'demo' } })).status).toBe(201);
      const before = (await http(`${t.url}/api/labs/demo/scenario`)).body.data;
      const command = { type: 'setLoad', vps: 'web-1', load: { cpu: 0.41 } };
      for (const [path, body] of [
        ['/api/labs/demo/commands', command],
        ['/api/labs/demo/clock', { action: 'pause' }],
      ] as const) {
        for (const keys of [
          ['key-1', 'key-2'],
          ['key-1', 'key-1'],
        ]) {
          const r = await settle(t, post(t, path, body, keys));
          expect(r.status, path).toBe(400);
          expect(r.body.error).toMatchObject({ code: 'INVALID_INPUT', path: 'Idempotency-Key' });
          expect(r.body.error.message).toMatch(/^Idempotency-Key: given twice/);
          expect(r.body.error.message).not.toMatch(/letters, digits/);
        }
      }
      // Nothing applied: no event recorded, the clock still running.
      expect((await http(`${t.url}/api/labs/demo/scenario`)).body.data.events).toEqual(before.events);
      expect((await http(`${t.url}/api/labs/demo`)).body.data.paused).toBe(false);
      // Given once, the same key is taken.
      const once = await settle(t, post(t, '/api/labs/demo/commands', command, ['key-1']));
      expect(once.body.ok, JSON.stringify(once.body)).toBe(true);
    } finally {
      await t.close();
      removeDir(t.dataDir);
    }
  });
});
