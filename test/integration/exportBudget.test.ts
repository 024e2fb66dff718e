/**
 * Data taken out of a lab (downsampled history, CSV) costs the server about a microsecond a
 * value: one address asking for its largest history again and again kept every lab's frames from
 * going out. Past its budget an address's export is refused RATE_LIMITED naming it, with
 * Retry-After, and served again once the budget refills; another address is served meanwhile.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST_METRICS, VPS_METRICS } from '../../shared/model.js';
import { http, removeDir, startServer, type TestServer } from './helpers.js';

let t: TestServer;

/** GET `path` of this file's server from `localAddress`. */
function getFrom(path: string, localAddress: string) {
  return getFromServer(t.url, path, localAddress);
}

/** GET `path` of the server at `base` from `localAddress`: status, Retry-After and the JSON answer (if it is one). */
function getFromServer(
  base: string,
  path: string,
  localAddress: string,
): Promise<{
  status: number;
  retryAfter?: string;
  body: { ok: boolean; error?: { code: string; message: string } };
}> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path, localAddress, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body = { ok: res.statusCode === 200 };
          if (res.headers['content-type']?.startsWith('application/json')) body = JSON.parse(text);
          resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string, body });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const everyMetric = [...VPS_METRICS, ...HOST_METRICS].join(',');
const largest = `/api/labs/big/history?points=2000&windowS=900&metrics=${everyMetric}`;

beforeAll(async () => {
  t = await startServer();
  const r = await http(`${t.url}/api/labs`, { method: 'POST', body: { id: 'big', preset: 'demo' } });
  expect(r.status).toBe(201);
  // 2 100 ticks of history: the largest answer is 2 000 points of every metric.
  for (let i = 0; i < 21; i++) t.advance(10_000);
});
afterAll(async () => {
  await t.close();
  removeDir(t.dataDir);
});

describe('data exported to one address', () => {
  it('past its budget is refused naming it, with Retry-After; another address is served; it refills', async () => {
    // Each answer is about a million values (2 000 points of 170 series, three values each): the
    // budget holds nine of them at once.
    const answers = [];
    for (let i = 0; i < 12; i++) answers.push(await getFrom(largest, '127.0.0.1'));
    const served = answers.filter((a) => a.status === 200).length;
    expect(served).toBeGreaterThan(4);
    expect(served).toBeLessThan(12);
    const refused = answers.find((a) => a.status === 429);
    expect(refused?.body.error?.code).toBe('RATE_LIMITED');
    expect(refused?.body.error?.message).toMatch(/exported to one address/);
    expect(Number(refused?.retryAfter)).toBeGreaterThan(0);
    // The CSV counts against the same budget: what is left of it holds at most two of them.
    const csv = [];
    for (let i = 0; i < 3; i++) csv.push((await getFrom('/api/labs/big/metrics.csv', '127.0.0.1')).status);
    expect(csv).toContain(429);
    // Another address is not held by it.
    expect((await getFrom(largest, '127.0.0.2')).status).toBe(200);
    // A small answer still fits while the budget refills (the dashboard's own, 600 points of three metrics).
    t.advance(1000);
    const small = '/api/labs/big/history?points=600&windowS=60&metrics=latencyP99Ms,cpuGranted,cpuUtil';
    expect((await getFrom(small, '127.0.0.1')).status).toBe(200);
    t.advance(Number(refused?.retryAfter) * 1000);
    expect((await getFrom(largest, '127.0.0.1')).status).toBe(200);
  });

  it("holds to the server's EXPORT_RATE: a lower rate, a smaller burst and a longer wait", async () => {
    const low = await startServer({ config: { exportRate: 10_000 } });
    try {
      const made = await http(`${low.url}/api/labs`, { method: 'POST', body: { id: 'big', preset: 'demo' } });
      expect(made.status).toBe(201);
      for (let i = 0; i < 21; i++) low.advance(10_000);
      const at = (path: string) => getFromServer(low.url, path, '127.0.0.1');
      // The burst is 30 s of the rate (300 000 values): the largest answer takes all of it.
      expect((await at(largest)).status).toBe(200);
      const refused = await at(largest);
      expect(refused.status).toBe(429);
      expect(refused.body.error?.message).toMatch(/at most 10000 values a second \(bursts of 300000\)/);
      expect(Number(refused.retryAfter)).toBe(30);
      low.advance(30_000);
      expect((await at(largest)).status).toBe(200);
    } finally {
      await low.close();
      removeDir(low.dataDir);
    }
  });
});
