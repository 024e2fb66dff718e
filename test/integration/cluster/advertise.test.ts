/**
 * A process advertised by host name (ADVERTISE_URL=http://lab-2.internal:3000, the recipe for
 * processes on several machines) answers requests naming that host: the other processes forward
 * REST requests about its labs there. Before, its DNS-rebinding check refused them all (403
 * "unknown host name") unless the name was also listed in ALLOWED_HOSTS. Other names stay refused.
 */
import { lookup } from 'node:dns/promises';
import { request as httpRequest } from 'node:http';
import { hostname } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../server/cluster/redisServer.js';
import { http, startServer as startInProcess } from '../helpers.js';
import { startRedis, startServer, stopAll } from './harness.js';

afterAll(stopAll);

/** GET `path` on `url` with the Host header `host` (fetch would not let the header be set). */
function getWithHost(url: string, path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('ADVERTISE_URL naming a host', () => {
  it('makes the process answer that name, and no other unknown name', async () => {
    const t = await startInProcess({
      persist: false,
      config: { advertiseUrl: 'http://lab-2.internal:3001' },
    });
    try {
      expect(await getWithHost(t.url, '/api/labs', 'lab-2.internal:3001')).toBe(200);
      expect(await getWithHost(t.url, '/api/labs', 'LAB-2.internal.:3001')).toBe(200);
      expect(await getWithHost(t.url, '/api/labs', 'evil.example:3001')).toBe(403);
      expect(await getWithHost(t.url, '/api/labs', 'lab-3.internal:3001')).toBe(403);
    } finally {
      await t.close();
    }
  });

  // End to end where this machine's name resolves to the loopback address the processes listen on.
  const loopbackName = lookup(hostname(), { family: 4 }).then(
    (a) => a.address === '127.0.0.1',
    () => false,
  );
  it('lets a process forward a request about a lab to the process that runs it', async (ctx) => {
    if (!(await loopbackName)) ctx.skip();
    const redis = await startRedis();
    const [pa, pb] = [await freePort(), await freePort()];
    const a = await startServer(redis.url, { PORT: String(pa), ADVERTISE_URL: `http://${hostname()}:${pa}` });
    const b = await startServer(redis.url, { PORT: String(pb), ADVERTISE_URL: `http://${hostname()}:${pb}` });
    // Each process creates a lab of its own (a forwarded create would go to the least loaded).
    for (const [p, id] of [
      [a, 'on-a'],
      [b, 'on-b'],
    ] as const) {
      const made = await http(`${p.url}/api/labs`, {
        method: 'POST',
        body: { id, preset: 'demo' },
        headers: { 'x-contention-forwarded': 'test' },
      });
      expect(made.status, made.text).toBe(201);
    }
    for (const [p, id] of [
      [a, 'on-b'],
      [b, 'on-a'],
    ] as const) {
      const r = await http(`${p.url}/api/labs/${id}`);
      expect(r.status, r.text).toBe(200);
      expect(r.body.data.vps.length).toBeGreaterThan(0);
    }
  }, 120_000);
});
