/** The built dashboard goes out compressed to browsers that accept it, byte-identical once decoded. */
import http from 'node:http';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pickEncoding } from '../../server/net/compressed.js';
import { removeDir, startServer, type TestServer } from './helpers.js';

let t: TestServer;
const client = mkdtempSync(path.join(tmpdir(), 'lab-client-'));
const js = `export const rows = [${Array.from({ length: 2000 }, (_, i) => `"row ${i}"`).join(',')}];\n`;

beforeAll(async () => {
  mkdirSync(path.join(client, 'assets'));
  writeFileSync(path.join(client, 'index.html'), '<!doctype html><title>x</title>');
  writeFileSync(path.join(client, 'assets', 'app-abc.js'), js);
  writeFileSync(path.join(client, 'assets', 'tiny.js'), 'export {};');
  t = await startServer({ config: { clientDir: client } });
});

afterAll(async () => {
  await t.close();
  removeDir(t.dataDir);
  removeDir(client);
});

/** A raw GET (fetch would decode the body itself, hiding what went over the wire). */
function get(
  p: string,
  enc = 'identity',
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${t.url}${p}`, { headers: { 'accept-encoding': enc } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

describe('compressed assets', () => {
  it('brotli when accepted, gzip otherwise, the same bytes once decoded, cached for a year', async () => {
    const br = await get('/assets/app-abc.js', 'gzip, deflate, br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.headers['cache-control']).toMatch(/immutable/);
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.body.length).toBeLessThan(js.length / 3);
    expect(brotliDecompressSync(br.body).toString()).toBe(js);

    const gz = await get('/assets/app-abc.js', 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(js);
  });

  it('plain for a browser that accepts neither, for tiny files, and 404 for a missing one', async () => {
    const plain = await get('/assets/app-abc.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(js);
    expect((await get('/assets/tiny.js', 'br')).headers['content-encoding']).toBeUndefined();
    expect((await get('/assets/missing.js', 'br')).status).toBe(404);
    const outside = await get('/assets/..%2f..%2fpackage.json', 'br');
    expect([403, 404]).toContain(outside.status);
    expect(outside.body.toString()).not.toMatch(/contention-lab/);
  });

  it('reads Accept-Encoding with q-values', () => {
    expect(pickEncoding('gzip;q=1, br;q=0')).toBe('gzip');
    expect(pickEncoding('br;q=0.5')).toBe('br');
    expect(pickEncoding('identity')).toBeNull();
    expect(pickEncoding(undefined)).toBeNull();
  });
});
