/**
 * What one address may make the server read: a loop of large bodies (each refused, but each read,
 * checked and answered on the thread that steps the labs) is cut off past the address's budget,
 * 429 naming it, while another address's bodies are read as before. And a body labelled in a
 * charset other than UTF-8 is refused naming the charset, not read as garbled JSON.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_BYTES_BURST, BODY_BYTES_PER_S } from '../../server/net/bodies.js';
import { http, removeDir, startServer, type TestServer } from './helpers.js';
import { openPost, type PostAnswer } from './postFrom.js';

let t: TestServer;

beforeAll(async () => {
  t = await startServer();
  expect(
    (await http(`${t.url}/api/labs`, { method: 'POST', body: { id: 'b', preset: 'demo' } })).status,
  ).toBe(201);
});

afterAll(async () => {
  await t.close();
  removeDir(t.dataDir);
});

type Answer = PostAnswer;

/** POST `body` from the local address `from` (127.0.0.x: another client of the same machine). */
function post(path: string, body: string, from: string, contentType = 'application/json'): Promise<Answer> {
  const { req, answer } = openPost(
    new URL(path, t.url),
    from,
    Buffer.byteLength(body),
    ['EPIPE'],
    contentType,
  );
  req.end(body);
  return answer;
}

const SIZE = 800_000;
const big = JSON.stringify({ id: 'x', preset: 'demo', pad: 'a'.repeat(SIZE) });

describe('large bodies from one address', () => {
  it('are cut off past the budget, naming it; another address is read as before', async () => {
    const started = performance.now();
    const answers: Answer[] = [];
    for (let i = 0; i < 12; i++) answers.push(await post('/api/labs', big, '127.0.0.1'));
    const elapsedS = (performance.now() - started) / 1000;

    const read = answers.filter((a) => a.status === 400);
    for (const a of read) expect(a.body.error).toMatchObject({ code: 'INVALID_INPUT', path: 'pad' });
    // No more than the burst and what refilled meanwhile were read.
    expect(read.length).toBeLessThanOrEqual(
      Math.floor((BODY_BYTES_BURST + elapsedS * BODY_BYTES_PER_S) / big.length),
    );
    const cut = answers.filter((a) => a.status === 429);
    expect(cut.length).toBe(answers.length - read.length);
    expect(cut.length).toBeGreaterThan(0);
    expect(cut[0].body.error).toEqual({
      code: 'RATE_LIMITED',
      message: `request bodies from one address: at most 1 MiB per second (bursts of 4 MiB); this one is ${big.length} bytes`,
    });
    expect(Number(cut[0].headers['retry-after'])).toBeGreaterThanOrEqual(1);

    // Another address has its own budget: its body is read and refused for what it holds.
    const other = await post('/api/labs', big, '127.0.0.2');
    expect([other.status, other.body.error?.path]).toEqual([400, 'pad']);
    // Nothing was made.
    expect((await http(`${t.url}/api/labs/x`)).status).toBe(404);
  });

  it('a small body from the same address passes once the budget refills', async () => {
    const burst = Array.from({ length: 8 }, () => post('/api/labs', big, '127.0.0.3'));
    expect((await Promise.all(burst)).some((a) => a.status === 429)).toBe(true);
    await new Promise((r) => setTimeout(r, 1100));
    const small = await post('/api/labs/b/clock', JSON.stringify({ action: 'pause' }), '127.0.0.3');
    expect(small.status, JSON.stringify(small.body)).toBe(200);
  });
});

describe('a body labelled in another charset', () => {
  it.each(['utf-16', 'UTF-16LE', 'latin1', '"iso-8859-1"', 'utf8'])(
    'charset=%s is a 415 naming the charset',
    async (cs) => {
      const r = await post(
        '/api/labs/b/clock',
        JSON.stringify({ action: 'resume' }),
        '127.0.0.4',
        `application/json; charset=${cs}`,
      );
      expect(r.status).toBe(415);
      expect(r.body.error).toEqual({
        code: 'INVALID_INPUT',
        path: 'charset',
        message: `charset: the body must be JSON in UTF-8, labelled charset=utf-8 or not at all (got charset=${cs.replace(/"/g, '')})`,
      });
    },
  );

  it.each(['utf-8', 'UTF-8', '"utf-8"'])('charset=%s is read', async (cs) => {
    const r = await post(
      '/api/labs/b/clock',
      JSON.stringify({ action: 'resume' }),
      '127.0.0.4',
      `application/json; charset=${cs}`,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  });
});
