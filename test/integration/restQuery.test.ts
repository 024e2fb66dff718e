import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, removeDir, startServer, type TestServer } from './helpers.js';

let t: TestServer;
let api: string;

beforeAll(async () => {
  t = await startServer({ config: { maxLabs: 4 } });
  api = `${t.url}/api`;
  expect((await http(`${api}/labs`, { method: 'POST', body: { id: 'q', preset: 'demo' } })).status).toBe(201);
  for (let i = 0; i < 30; i++) t.advance(100);
});

afterAll(async () => {
  await t.close();
  removeDir(t.dataDir);
});

/** The lab as it stands: what a refused request must leave unchanged. */
async function labState() {
  return (await http(`${api}/labs/q`)).body.data;
}

describe('query parameters are checked like bodies', () => {
  it.each([
    ['history?windowS=NaN', 'windowS'],
    ['history?windowS=1e309', 'windowS'],
    ['history?windowS=0', 'windowS'],
    ['history?windowS=-5', 'windowS'],
    ['history?points=-5', 'points'],
    ['history?points=0', 'points'],
    ['history?points=100000000', 'points'],
    ['history?points=2.5', 'points'],
    ['history?from=abc', 'from'],
    ['history?from=5&to=2', 'to'],
    ['history?windowS=1&windowS=2', 'windowS'],
    ['history?side=7', 'side'],
    ['history?side=1', 'side'],
    ['history?windwS=300', 'windwS'],
    ['metrics.csv?from=abc', 'from'],
    ['metrics.csv?to=-1', 'to'],
    ['metrics.csv?from=9&to=3', 'to'],
    ['metrics.csv?form=3', 'form'],
    ['scenario?side=1', 'side'],
    ['scenario?side=one', 'side'],
    // No metric named at all (an empty answer, ok, before), or an empty name among them.
    ['history?metrics=', 'metrics'],
    ['history?metrics=cpuGranted,,cpuUtil', 'metrics'],
  ])('GET /labs/q/%s is a 400 naming %s', async (query, field) => {
    const r = await http(`${api}/labs/q/${query}`);
    expect(r.status, r.text.slice(0, 200)).toBe(400);
    expect(r.body.ok).toBe(false);
    expect(r.body.error).toMatchObject({ code: 'INVALID_INPUT', path: field });
    expect(r.body.error.message.startsWith(`${field}: `)).toBe(true);
  });

  it.each([
    ['POST', 'commands?x=1', { type: 'setLoad', vps: 'web-1', load: { cpu: 0.9 } }, 'x'],
    ['POST', 'clock?action=pause', { action: 'pause' }, 'action'],
    ['POST', 'reset?hard=1', undefined, 'hard'],
    ['DELETE', '?force=true', undefined, 'force'],
  ])(
    '%s /labs/q/%s takes no query: a 400 naming it, and nothing changes',
    async (method, path, body, field) => {
      const before = await labState();
      const r = await http(`${api}/labs/q${path.startsWith('?') ? '' : '/'}${path}`, { method, body });
      expect([r.status, r.body.error]).toEqual([
        400,
        { code: 'INVALID_INPUT', path: field, message: `${field}: unknown field` },
      ]);
      expect(await labState()).toEqual(before);
    },
  );

  it.each([
    ['history?points=1&points=2', 'points'],
    ['history?windowS=1&windowS=2', 'windowS'],
    ['history?metrics=cpuUtil&metrics=cpuUtil', 'metrics'],
    ['history?side=0&side=0', 'side'],
    ['metrics.csv?from=1&from=2', 'from'],
    ['scenario?download&download', 'download'],
  ])('GET /labs/q/%s is refused saying %s was given more than once', async (query, field) => {
    const r = await http(`${api}/labs/q/${query}`);
    expect(r.status, r.text.slice(0, 200)).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'INVALID_INPUT', path: field });
    expect(r.body.error.message).toBe(`${field}: given more than once (give each query parameter once)`);
  });

  it('a parameter a route does not read is unknown, however often it is given', async () => {
    const r = await http(`${api}/labs/q/history?pionts=1&pionts=2`);
    expect([r.status, r.body.error]).toEqual([
      400,
      { code: 'INVALID_INPUT', path: 'pionts', message: 'pionts: unknown field' },
    ]);
    const post = await http(`${api}/labs/q/clock?x=1&x=2`, { method: 'POST', body: { action: 'pause' } });
    expect(post.body.error).toEqual({ code: 'INVALID_INPUT', path: 'x', message: 'x: unknown field' });
  });

  it('POST /labs takes no query either, and creates nothing', async () => {
    const r = await http(`${api}/labs?id=other`, { method: 'POST', body: { id: 'qq', preset: 'demo' } });
    expect([r.status, r.body.error?.path]).toEqual([400, 'id']);
    expect((await http(`${api}/labs/qq`)).status).toBe(404);
  });

  it('well-formed queries still answer', async () => {
    const h = await http(`${api}/labs/q/history?windowS=2.5&points=10&metrics=latencyP99Ms&side=0`);
    expect(h.status).toBe(200);
    expect(h.body.data.toTick - h.body.data.fromTick).toBeLessThanOrEqual(25);
    const csv = await http(`${api}/labs/q/metrics.csv?from=3&to=4`);
    expect(csv.status).toBe(200);
    expect(
      csv.text
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',')[0]),
    ).toEqual([...Array(6).fill('3'), ...Array(6).fill('4')]);
    const sc = await http(`${api}/labs/q/scenario?download`);
    expect(sc.status).toBe(200);
    expect(sc.headers.get('content-disposition')).toContain('attachment');
  });
});

describe('bodies in another format', () => {
  it('a command sent as text/plain or form data is refused naming the content type, and changes nothing', async () => {
    const before = await labState();
    const command = JSON.stringify({ type: 'setLoad', vps: 'web-1', load: { cpu: 0.99 } });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const r = await http(`${api}/labs/q/commands`, {
        method: 'POST',
        raw: command,
        headers: { 'content-type': type },
      });
      expect(r.status).toBe(415);
      expect(r.body.error.code).toBe('INVALID_INPUT');
      expect(r.body.error.message).toContain('application/json');
      expect(r.body.error.message).toContain(type);
    }
    t.advance(100);
    const after = await labState();
    expect(after.vps.find((v: { id: string }) => v.id === 'web-1').load).toEqual(
      before.vps.find((v: { id: string }) => v.id === 'web-1').load,
    );
  });

  it('a body in another charset or encoding is refused saying so', async () => {
    const latin = await http(`${api}/labs/q/clock`, {
      method: 'POST',
      raw: '{"action":"resume"}',
      headers: { 'content-type': 'application/json; charset=latin1' },
    });
    expect(latin.status).toBe(415);
    expect(latin.body.error.message).toMatch(/UTF-8.*latin1/i);
    const packed = await http(`${api}/labs/q/clock`, {
      method: 'POST',
      raw: '{"action":"resume"}',
      headers: { 'content-type': 'application/json', 'content-encoding': 'br2' },
    });
    expect(packed.status).toBe(415);
    expect(packed.body.error.message).toMatch(/br2/);
  });

  it('a window in seconds written with an exponent is refused saying how to write it', async () => {
    const r = await http(`${api}/labs/q/history?windowS=1e3`);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'INVALID_INPUT', path: 'windowS' });
    expect(r.body.error.message).toMatch(/^windowS: .*in digits \(300 or 2\.5, not 3e2\)/);
  });

  it('a body labelled compressed that is not is refused naming Content-Encoding, and changes nothing', async () => {
    const before = await labState();
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const r = await http(`${api}/labs/q/clock`, {
        method: 'POST',
        raw: '{"action":"pause"}',
        headers: { 'content-type': 'application/json', 'content-encoding': encoding },
      });
      expect(r.status, r.text).toBe(400);
      expect(r.body.error).toMatchObject({ code: 'INVALID_INPUT', path: 'Content-Encoding' });
      expect(r.body.error.message).toContain(`Content-Encoding: the body is not ${encoding} data`);
    }
    expect((await labState()).paused).toBe(before.paused);
  });

  it('JSON that is not an object or an array says what is expected', async () => {
    const r = await http(`${api}/labs/q/commands`, { method: 'POST', raw: 'null' });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/an object, or an array/);
  });
});

describe('creating a lab', () => {
  it('a compare of one mode with itself is refused naming compare, and creates nothing', async () => {
    const before = (await http(`${api}/labs`)).body.data.length;
    for (const compare of [
      ['para', 'para'],
      ['para', { base: 'para' }],
      [
        { base: 'container', netShaping: true, containerLimits: false },
        { containerLimits: false, base: 'container', netShaping: true },
      ],
    ]) {
      const r = await http(`${api}/labs`, { method: 'POST', body: { preset: 'demo', compare } });
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ code: 'INVALID_INPUT', path: 'compare' });
    }
    expect((await http(`${api}/labs`)).body.data.length).toBe(before);
    const differ = await http(`${api}/labs`, {
      method: 'POST',
      body: { id: 'q2', preset: 'demo', compare: ['para', { base: 'para', dom0Charging: true }] },
    });
    expect(differ.status).toBe(201);
  });
});
