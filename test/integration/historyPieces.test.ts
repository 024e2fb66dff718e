/**
 * GET /api/labs/:id/history is made and written in pieces: the body and headers are what one
 * `res.json` of the whole answer gave, the lab keeps ticking while a large answer is made (its
 * history ring dropping ticks the answer still reads), and a client that goes stops the work.
 */
import {
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { downsample } from '../../server/lab/downsample.js';
import type { Lab } from '../../server/lab/lab.js';
import { HOST_METRICS, VPS_METRICS } from '../../shared/model.js';
import { fullRingLab } from './fullRing.js';
import { http, type TestServer } from './helpers.js';

const METRICS = [...VPS_METRICS, ...HOST_METRICS];
const PATH = `/api/labs/big/history?windowS=86400&points=500&metrics=${METRICS.join(',')}`;

let t: TestServer;
let lab: Lab;

/** Calls `fn` with the tick the lab is at when the server ends each history answer. */
function onHistoryEnd(fn: (tick: number) => void): () => void {
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    if (!req.url?.includes('/history')) return;
    const end = res.end.bind(res) as (...a: unknown[]) => ServerResponse;
    res.end = ((...a: unknown[]) => {
      fn(lab.tick);
      return end(...a);
    }) as typeof res.end;
  };
  // Before the app's own listener: the answer may end within it.
  t.server.http.prependListener('request', listener);
  return () => t.server.http.off('request', listener);
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** A request as node:http sends it (fetch adds `cache-control: no-cache` to a conditional one). */
function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((ok, fail) => {
    const req = httpRequest(url, { headers, method }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (s: string) => (text += s));
      res.on('end', () => ok({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.on('error', fail);
    req.end();
  });
}

/** What `res.json(value)` answers. */
async function plainJson(value: unknown, headers: Record<string, string> = {}, method = 'GET') {
  const app = express();
  app.get('/', (_req, res) => void res.json(value));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((ok) => server.once('listening', ok));
  try {
    const { port } = server.address() as AddressInfo;
    return await get(`http://127.0.0.1:${port}/`, headers, method);
  } finally {
    server.close();
  }
}

const picked = (h: IncomingHttpHeaders) => [h['content-type'], h['content-length'], h.etag];

beforeAll(async () => {
  ({ t, lab } = await fullRingLab());
}, 120_000);
afterAll(() => t?.close());

describe('the history answer of a big lab', () => {
  // Each answer takes much of the address's export budget: the budget refills meanwhile.
  beforeEach(() => t.advance(60_000));

  it('is byte for byte the whole answer, with its headers (length, ETag, 304, HEAD)', async () => {
    const last = lab.history.lastTick!;
    const data = { lab: 'big', side: 0, tickMs: 100, ...downsample(lab.history, 0, last, 500, METRICS) };
    const want = JSON.stringify({ ok: true, data });
    const got = await get(`${t.url}${PATH}`);
    const text = got.text;
    expect(got.status).toBe(200);
    expect(text.length).toBe(want.length);
    expect(text === want).toBe(true);
    const plain = await plainJson(JSON.parse(want));
    expect(plain.text === want).toBe(true);
    expect(picked(got.headers)).toEqual(picked(plain.headers));
    expect(got.headers.etag).toMatch(/^W\/"/);

    const etag = { 'if-none-match': got.headers.etag! };
    const again = await get(`${t.url}${PATH}`, etag);
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    const plainAgain = await plainJson(JSON.parse(want), etag);
    expect(plainAgain.status).toBe(304);
    expect(picked(again.headers)).toEqual(picked(plainAgain.headers));

    const head = await get(`${t.url}${PATH}`, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(picked(head.headers)).toEqual(picked(got.headers));
    expect(lab.history.held).toBe(0);
  });

  it('stops making the answer when the client goes', async () => {
    let ended = false;
    const stop = onHistoryEnd(() => (ended = true));
    const hold = lab.history.hold.bind(lab.history);
    let started!: () => void;
    let released!: () => void;
    const working = new Promise<void>((ok) => (started = ok));
    const letGo = new Promise<void>((ok) => (released = ok));
    let held = 0;
    let read = 0;
    lab.history.hold = (from, to) => {
      const ticks = hold(from, to);
      held = ticks.count;
      const forEach = ticks.forEach.bind(ticks);
      ticks.forEach = (a, b, engine, fn) =>
        forEach(a, b, engine, (...x) => {
          read++;
          fn(...x);
        });
      const release = ticks.release.bind(ticks);
      ticks.release = () => {
        release();
        released();
      };
      started();
      return ticks;
    };
    try {
      const req = httpRequest(`${t.url}${PATH}`);
      const answered = new Promise<string>((ok) => {
        req.on('response', () => ok('response'));
        req.on('error', (e) => ok(e.message));
      });
      req.end();
      await working;
      req.destroy();
      await letGo;
      expect(await answered).not.toBe('response');
      // It let go of the ticks before it had read them all, and never answered.
      expect(held).toBe(600);
      expect(read).toBeLessThan(held);
      expect(ended).toBe(false);
      expect(lab.history.held).toBe(0);
    } finally {
      stop();
      lab.history.hold = hold;
    }
  });

  it('lets the lab tick while a large answer is made, and reads the ticks it held', async () => {
    let endedAt: number | undefined;
    const stop = onHistoryEnd((tick) => (endedAt = tick));
    await lab.clock({ action: 'resume' }, 'test');
    let done = false;
    const pump = () => {
      if (done) return;
      t.advance(lab.tickMs);
      setImmediate(pump);
    };
    try {
      const answer = http(`${t.url}${PATH}`).finally(() => (done = true));
      setImmediate(pump);
      const r = await answer;
      expect(r.status).toBe(200);
      const data = r.body.data;
      // The range was fixed when the answer began (its last tick the lab's newest then); the lab had
      // computed more ticks before the answer was finished.
      expect(endedAt).toBeDefined();
      expect(endedAt! - 1).toBeGreaterThan(data.toTick);
      // Those ticks dropped the oldest from the ring meanwhile: the answer still has every tick
      // it began with, each VPS a value in every bucket.
      expect(lab.history.firstTick).toBeGreaterThan(data.fromTick);
      expect(data.toTick - data.fromTick + 1).toBe(600);
      expect(Object.keys(data.vps)).toHaveLength(64);
      expect(data.vps['vm-9'].cpuGranted.mean.every((x: unknown) => typeof x === 'number')).toBe(true);
      expect(lab.history.held).toBe(0);
    } finally {
      done = true;
      stop();
      await lab.clock({ action: 'pause' }, 'test');
    }
  });
});
