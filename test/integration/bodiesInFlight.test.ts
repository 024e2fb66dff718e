/**
 * Bodies from many addresses at once, each address within its own budget, are held to a cap in all
 * (MAX_BODY_BYTES_IN_FLIGHT): past it a body is refused unread, 503 naming the limit, and once a
 * body in flight is answered or its connection closes, the next is read again. Bodies sent slowly
 * cannot keep that cap from everyone: one address holds at most its burst in flight, and a body
 * not arrived whole within BODY_READ_S is cut off, 408.
 */
import type { ClientRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, removeDir, startServer, type TestServer } from './helpers.js';
import { openPost, type PostAnswer } from './postFrom.js';

const CAP = 2 * 1024 * 1024;
const SIZE = 800_000;
const big = JSON.stringify({ id: 'x', preset: 'demo', pad: 'a'.repeat(SIZE) });

let t: TestServer;
/** A server that cuts off a body not arrived whole within a second. */
let quick: TestServer;
const opened: ClientRequest[] = [];

beforeAll(async () => {
  t = await startServer({ config: { maxBodyBytesInFlight: CAP, bodyReadS: 60 } });
  quick = await startServer({ config: { maxBodyBytesInFlight: CAP, bodyReadS: 1 } });
});

afterAll(async () => {
  for (const r of opened) r.destroy();
  for (const s of [t, quick]) {
    await s.close();
    removeDir(s.dataDir);
  }
});

type Answer = PostAnswer;

/** Open a POST of `big` from `from`, its headers and a first part of its body sent, the rest held. */
function open(from: string, on = t): { req: ClientRequest; answer: Promise<Answer> } {
  const o = openPost(new URL('/api/labs', on.url), from, Buffer.byteLength(big), ['EPIPE', 'ECONNRESET']);
  o.req.write(big.slice(0, 1000));
  opened.push(o.req);
  return o;
}

/** POST `big` whole from `from`. */
function post(from: string, on = t): Promise<Answer> {
  const o = open(from, on);
  o.req.end(big.slice(1000));
  return o.answer;
}

/** POST whole bodies from `from` until one is answered `status` (the held ones reach the server first). */
async function until(from: string, status: number, on = t): Promise<Answer> {
  for (let i = 0; i < 40; i++) {
    const a = await post(from, on);
    if (a.status === status) return a;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no answer ${status} from ${from}`);
}

describe('request bodies in flight across the server', () => {
  it('past the cap a body is refused 503 naming it; once one in flight ends, bodies are read again', async () => {
    // Two bodies held half-sent from two addresses (each well within its own budget): 1.6 MB.
    const a = open('127.0.0.21');
    const b = open('127.0.0.22');

    // A third address: its body would pass the cap, refused unread.
    const refused = await until('127.0.0.23', 503);
    expect(refused.body.error).toEqual({
      code: 'UNAVAILABLE',
      message:
        `request bodies being read across the server: at most ${CAP} bytes at once ` +
        `(MAX_BODY_BYTES_IN_FLIGHT); ${2 * big.length} are, and this one is ${big.length} bytes: ` +
        'send it again in a moment',
    });

    // One held body's connection closes: its bytes are no longer held, the next body is read
    // (and refused for what it holds, the unknown field).
    a.req.destroy();
    const read = await until('127.0.0.24', 400);
    expect(read.body.error).toMatchObject({ code: 'INVALID_INPUT', path: 'pad' });

    // The other held body is sent whole: read and answered, like any.
    b.req.end(big.slice(1000));
    expect(await b.answer).toMatchObject({ status: 400, body: { error: { path: 'pad' } } });

    // Nothing was made, and the server still answers.
    expect((await http(`${t.url}/api/labs/x`)).status).toBe(404);
    expect((await http(`${t.url}/api/labs`)).status).toBe(200);
  });
});

describe('bodies sent slowly', () => {
  it('from one address are held to its burst in flight, 429 naming it, once its rate allows more', async () => {
    const roomy = await startServer({ config: { bodyReadS: 60 } });
    try {
      const five = Array.from({ length: 5 }, () => open('127.0.0.31', roomy));
      // All five reach the server (a sixth is refused, by the address's rate or what it holds).
      expect((await until('127.0.0.31', 429, roomy)).body.error.code).toBe('RATE_LIMITED');
      // A second on, the address's rate allows another body, and the server's cap has room: it is
      // refused for the four MiB this address already holds in flight.
      await new Promise((r) => setTimeout(r, 1100));
      const sixth = await post('127.0.0.31', roomy);
      expect(sixth.status).toBe(429);
      expect(sixth.body.error.message).toMatch(
        new RegExp(
          `^request bodies from one address being read at once: at most 4 MiB; ${5 * big.length} bytes are, and this one is ${big.length} bytes$`,
        ),
      );
      for (const f of five) f.req.destroy();
    } finally {
      await roomy.close();
      removeDir(roomy.dataDir);
    }
  });

  it('are cut off 408 when not arrived whole within BODY_READ_S, and no longer hold the cap', async () => {
    const a = open('127.0.0.41', quick);
    const b = open('127.0.0.42', quick);
    expect((await until('127.0.0.43', 503, quick)).body.error.code).toBe('UNAVAILABLE');
    const started = performance.now();
    for (const held of [a, b]) {
      const { status, body } = await held.answer;
      expect({ status, body }).toEqual({
        status: 408,
        body: {
          ok: false,
          error: {
            code: 'INVALID_INPUT',
            path: '(root)',
            message: 'the request body did not arrive whole within 1 s (BODY_READ_S): send it again',
          },
        },
      });
    }
    expect(performance.now() - started).toBeLessThan(5000);
    // The cap is free again: a whole body is read (and refused for the field it holds).
    expect(await until('127.0.0.44', 400, quick)).toMatchObject({ body: { error: { path: 'pad' } } });
    expect((await http(`${quick.url}/api/labs/x`)).status).toBe(404);
  });
});
