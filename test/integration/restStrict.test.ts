/**
 * What a REST request carries beyond what its route reads is refused, named, rather than ignored:
 * a query parameter on a route that takes none, a body on a DELETE, a method the path does not
 * take (405 with the methods it does).
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, removeDir, startServer, type TestServer } from './helpers.js';

let t: TestServer;
let api: string;

beforeAll(async () => {
  t = await startServer({ scorecard: async () => ({ tables: [] }) });
  api = `${t.url}/api`;
  expect((await http(`${api}/labs`, { method: 'POST', body: { id: 's', preset: 'demo' } })).status).toBe(201);
});

afterAll(async () => {
  await t.close();
  removeDir(t.dataDir);
});

describe('a query parameter on a route that takes none', () => {
  it.each([
    ['/api/labs?mode=para', 'mode'],
    ['/api/labs/s?fields=tick', 'fields'],
    ['/api/labs/s/events?limit=10', 'limit'],
    ['/api/presets?id=demo', 'id'],
    ['/api/scorecard?host=1', 'host'],
    ['/healthz?verbose=1', 'verbose'],
  ])('GET %s is a 400 naming %s', async (path, field) => {
    const r = await http(`${t.url}${path}`);
    expect([r.status, r.body?.error]).toEqual([
      400,
      { code: 'INVALID_INPUT', path: field, message: `${field}: unknown field` },
    ]);
  });

  it('the same requests without it answer', async () => {
    for (const p of [
      '/api/labs',
      '/api/labs/s',
      '/api/labs/s/events',
      '/api/presets',
      '/api/scorecard',
      '/healthz',
    ])
      expect((await http(`${t.url}${p}`)).status, p).toBe(200);
  });
});

describe('a body on a DELETE', () => {
  it('is refused naming its field, and the lab is not deleted', async () => {
    const r = await http(`${api}/labs/s`, { method: 'DELETE', body: { keepData: true } });
    expect([r.status, r.body.error]).toEqual([
      400,
      { code: 'INVALID_INPUT', path: 'keepData', message: 'keepData: unknown field' },
    ]);
    expect((await http(`${api}/labs/s`)).status).toBe(200);
    const list = await http(`${api}/labs/s`, { method: 'DELETE', raw: '[1]' });
    expect([list.status, list.body.error.path]).toEqual([400, '(root)']);
    expect((await http(`${api}/labs/s`)).status).toBe(200);
  });
});

describe('a method the path does not take', () => {
  it.each([
    ['PUT', '/api/labs/s', 'DELETE, GET, HEAD'],
    ['PATCH', '/api/labs', 'GET, HEAD, POST'],
    ['GET', '/api/labs/s/commands', 'POST'],
    ['DELETE', '/api/labs/s/history', 'GET, HEAD'],
    ['POST', '/api/presets', 'GET, HEAD'],
    ['POST', '/healthz', 'GET, HEAD'],
  ])('%s %s is a 405 naming the method, with Allow: %s', async (method, path, allow) => {
    const before = (await http(`${api}/labs/s`)).body.data;
    const r = await http(`${t.url}${path}`, { method, body: method === 'GET' ? undefined : {} });
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe(allow);
    expect(r.body.error).toEqual({
      code: 'INVALID_INPUT',
      path: 'method',
      message: `method: ${path} takes ${allow}, not ${method}`,
    });
    expect((await http(`${api}/labs/s`)).body.data).toEqual(before);
  });

  it('a path that does not exist is still a 404', async () => {
    const r = await http(`${api}/labs/s/nothing`, { method: 'PUT', body: {} });
    expect([r.status, r.body.error.code]).toEqual([404, 'NOT_FOUND']);
  });
});

describe('a flag given a value it cannot mean', () => {
  it.each(['false', '0', 'no', 'yes please'])('scenario?download=%s is a 400 naming download', async (v) => {
    const r = await http(`${api}/labs/s/scenario?download=${encodeURIComponent(v)}`);
    expect([r.status, r.body?.error?.path, r.headers.get('content-disposition')]).toEqual([
      400,
      'download',
      null,
    ]);
    expect(r.body.error.message).toMatch(
      /^download: a flag: give it without a value \(\?download\), or as download=1/,
    );
  });

  it.each(['', '=', '=1', '=true'])('scenario?download%s is the file', async (v) => {
    const r = await http(`${api}/labs/s/scenario?download${v}`);
    expect([r.status, r.headers.get('content-disposition')]).toEqual([
      200,
      'attachment; filename=s-scenario.json',
    ]);
    expect(r.body.vps.length).toBeGreaterThan(0);
  });

  it('without it the scenario is an answer, not a file', async () => {
    const r = await http(`${api}/labs/s/scenario`);
    expect([r.status, r.headers.get('content-disposition'), r.body.ok]).toEqual([200, null, true]);
  });
});

/** A GET of `p` as written (fetch would resolve `%2e%2e` before sending). */
function rawGet(p: string): Promise<{ status: number; body: { error?: unknown } }> {
  const u = new URL(t.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: p }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('a file path that cannot be served', () => {
  it.each(['/assets/%2e%2e/index.html', '/assets/..%2fpackage.json', '/assets/a/%2e%2e/%2e%2e/package.json'])(
    'GET %s climbs out of its folder: 403 naming the path',
    async (p) => {
      const r = await rawGet(p);
      expect([r.status, r.body?.error]).toEqual([
        403,
        {
          code: 'FORBIDDEN',
          path: 'path',
          message: 'path: a file path may not climb out of its folder (".." once decoded)',
        },
      ]);
    },
  );

  it.each(['/assets/%ZZ', '/assets/%00', '/%ZZ'])(
    'GET %s cannot be decoded: 400 naming the path',
    async (p) => {
      const r = await rawGet(p);
      expect([r.status, r.body?.error]).toEqual([
        400,
        {
          code: 'INVALID_INPUT',
          path: 'path',
          message: 'path: not a valid URL path (a malformed %-escape, or a NUL)',
        },
      ]);
    },
  );
});
