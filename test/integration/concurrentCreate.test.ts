/**
 * Labs created at the same moment: each request without an id gets an id and a name of its own
 * (they were given the same free id, and all but one refused as CONFLICT over the first one's
 * folder); one id asked for by several gets exactly one lab; MAX_LABS holds however many come at once.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { http, removeDir, startServer, type TestServer } from './helpers.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  if (t) removeDir(t.dataDir);
  t = undefined;
});

const post = (body: unknown, n: number) =>
  Promise.all(Array.from({ length: n }, () => http(`${t!.url}/api/labs`, { method: 'POST', body })));

describe('labs created at once', () => {
  it('each without an id gets its own id and name; one id asked for by many makes one lab', async () => {
    t = await startServer();
    const made = await post({ preset: 'demo' }, 10);
    expect(made.map((r) => r.status)).toEqual(Array(10).fill(201));
    const ids = made.map((r) => r.body.data.id as string);
    const names = made.map((r) => r.body.data.name as string);
    expect(new Set(ids).size).toBe(10);
    expect(new Set(names).size).toBe(10);
    expect(readdirSync(path.join(t.dataDir, 'labs')).sort()).toEqual([...ids].sort());

    const same = await post({ id: 'same' }, 5);
    expect(same.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    for (const r of same.filter((x) => x.status === 409))
      expect(r.body.error).toMatchObject({ code: 'CONFLICT', path: 'id' });
    expect((await http(`${t.url}/api/labs`)).body.data).toHaveLength(11);
  });

  it('MAX_LABS holds however many come at once', async () => {
    t = await startServer({ config: { maxLabs: 3 } });
    const made = await post({}, 8);
    expect(made.filter((r) => r.status === 201)).toHaveLength(3);
    for (const r of made.filter((x) => x.status !== 201))
      expect([r.status, r.body.error.code]).toEqual([409, 'LIMIT_EXCEEDED']);
    expect(readdirSync(path.join(t.dataDir, 'labs'))).toHaveLength(3);
  });
});
