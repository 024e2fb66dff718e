/**
 * HEAD of the history answer: the headers GET sends (length, weak ETag, type; 304 when the client
 * holds it), for several queries of a compare lab's two sides, with the answer's length and ETag
 * summed over its pieces as they are made: a HEAD holds none of the body, where a GET must hold
 * it whole before its headers go.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendPieces } from '../../server/net/piecedJson.js';
import { http, startServer, type TestServer } from './helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  bytes: number;
}

/** A request as node:http sends it (fetch adds `cache-control: no-cache` to a conditional one). */
function ask(url: string, method: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((ok, fail) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      let bytes = 0;
      res.on('data', (b: Buffer) => (bytes += b.length));
      res.on('end', () => ok({ status: res.statusCode!, headers: res.headers, bytes }));
    });
    req.on('error', fail);
    req.end();
  });
}

const picked = (h: IncomingHttpHeaders) => ({
  type: h['content-type'],
  length: h['content-length'],
  etag: h.etag,
});

/** Memory the process holds once collected, MiB. */
function heldMiB(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 2 ** 20;
}

const MIB = 2 ** 20;
const PIECES = 32;

describe('an answer sent in pieces', () => {
  /** What the process held, beyond what it held before, once every piece of one answer was made. */
  async function heldWhileMade(method: string): Promise<{ answer: Answer; heldMiB: number }> {
    let held = NaN;
    function* pieces(): Generator<string, void, undefined> {
      for (let i = 0; i < PIECES; i++) yield `${i}`.padEnd(MIB, 'x');
      // Asked for past the last piece: the pieces made so far are held here only if kept.
      held = heldMiB() - base;
    }
    const app = express();
    app.get('/', (req, res) => void sendPieces(req, res, pieces()));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((ok) => server.once('listening', ok));
    const base = heldMiB();
    try {
      const { port } = server.address() as AddressInfo;
      const answer = await ask(`http://127.0.0.1:${port}/`, method);
      return { answer, heldMiB: held };
    } finally {
      server.close();
    }
  }

  it('holds none of its body for HEAD (a GET holds it whole), with the same headers', async () => {
    const get = await heldWhileMade('GET');
    const head = await heldWhileMade('HEAD');
    expect(get.answer.bytes).toBe(PIECES * MIB);
    expect(get.heldMiB).toBeGreaterThanOrEqual(PIECES);
    expect(head.heldMiB).toBeLessThan(PIECES / 4);
    expect(head.answer.status).toBe(200);
    expect(head.answer.bytes).toBe(0);
    expect(picked(head.answer.headers)).toEqual(picked(get.answer.headers));
    expect(head.answer.headers.etag).toMatch(/^W\/"2000000-/);
  });
});

describe('HEAD of a compare lab’s history', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer({ persist: false });
    const made = await http(`${t.url}/api/labs`, {
      method: 'POST',
      body: { id: 'cmp', preset: 'demo', compare: ['para', 'full'] },
    });
    expect(made.status, made.text).toBe(201);
    t.advance(30_000);
    expect(t.server.registry.get('cmp')!.history.size).toBeGreaterThan(200);
  });
  afterAll(() => t?.close());

  const queries = [
    '',
    '?side=1',
    '?windowS=10&points=50',
    '?side=1&from=0&to=150&points=1000',
    '?side=0&from=40&to=90&points=7&metrics=cpuGranted,latencyP99Ms,cpuUtil,hostSwapGiB',
    '?side=1&metrics=cpuSteal,latencyP99Ms,latencyP99Ms',
  ];

  it.each(queries)('answers the headers GET does: %s', async (query) => {
    const url = `${t.url}/api/labs/cmp/history${query}`;
    const get = await ask(url, 'GET');
    expect(get.status).toBe(200);
    expect(get.bytes).toBe(Number(get.headers['content-length']));
    const head = await ask(url, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.bytes).toBe(0);
    expect(picked(head.headers)).toEqual(picked(get.headers));
    expect(head.headers.etag).toMatch(/^W\/"/);

    const held = { 'if-none-match': get.headers.etag! };
    const [getAgain, headAgain] = [await ask(url, 'GET', held), await ask(url, 'HEAD', held)];
    expect([getAgain.status, headAgain.status]).toEqual([304, 304]);
    expect(picked(headAgain.headers)).toEqual(picked(getAgain.headers));
  });

  it('answers a bad query as GET does, naming the field', async () => {
    const url = `${t.url}/api/labs/cmp/history?points=many`;
    const head = await ask(url, 'HEAD');
    const get = await http(url);
    expect(head.status).toBe(get.status);
    expect(get.status).toBe(400);
    expect(get.text).toContain('points');
  });
});
