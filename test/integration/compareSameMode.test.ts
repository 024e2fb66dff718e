/**
 * `POST /api/labs` refuses a compare whose two sides would run the same mode (the same resolved
 * profile, however it is spelled), naming `compare`; no lab is made.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, removeDir, startServer, type TestServer } from './helpers.js';

let t: TestServer;
beforeAll(async () => {
  t = await startServer();
});
afterAll(async () => {
  await t.close();
  removeDir(t.dataDir);
});

const labIds = async () => ((await http(`${t.url}/api/labs`)).body.data as { id: string }[]).map((l) => l.id);

describe('a compare of one mode twice', () => {
  it('is refused naming compare, whether from a preset or a fork, and no lab is made', async () => {
    expect((await http(`${t.url}/api/labs`, { method: 'POST', body: { id: 'src' } })).status).toBe(201);
    const before = await labIds();
    for (const body of [
      { id: 'c1', preset: 'demo', compare: ['para', { base: 'para', cpuCaps: false }] },
      { id: 'c2', compare: [{ base: 'container', containerLimits: true }, 'container'] },
      { id: 'c3', from: 'src', compare: ['para', { base: 'para', cpuCaps: false }] },
      { id: 'c4', preset: 'demo', compare: ['full', 'full'] },
    ]) {
      const r = await http(`${t.url}/api/labs`, { method: 'POST', body });
      expect(r.status, body.id).toBe(400);
      expect(r.body.error).toMatchObject({ code: 'INVALID_INPUT', path: 'compare' });
      expect(r.body.error.message).toMatch(/^compare: both sides would run the same mode/);
    }
    expect(await labIds()).toEqual(before);
  });

  it('takes an override that changes the profile', async () => {
    const r = await http(`${t.url}/api/labs`, {
      method: 'POST',
      body: { id: 'caps', preset: 'demo', compare: ['para', { base: 'para', cpuCaps: true }] },
    });
    expect(r.status, r.text).toBe(201);
  });
});
