/**
 * MAX_CLIENTS past what the process may open (`ulimit -n`): the server says so at start and holds
 * no more connections than it has files for, so a user past the cap is answered 429 naming it,
 * instead of the server running out of files (connections reset, a lab's log unwritable).
 */
import { request as httpRequest } from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childServers, listening, type Child } from './child.js';

const servers = childServers('open-files');
const MAX_FILES = 160;
/** Connections from several addresses, none past its own limit, more than the files the server has. */
const ADDRESSES = 6;
const EACH = 30;
let server: Child;
let url: string;
const flood: net.Socket[] = [];

beforeAll(async () => {
  // The default MAX_CLIENTS (2 000) would let 4 000 connections open.
  server = servers.start(servers.dataDir(), {}, MAX_FILES);
  url = await listening(server);
}, 60_000);
afterAll(() => flood.forEach((s) => s.destroy()));

/** A GET from `from`: its status and body, or the error that ended it. */
function get(p: string, from: string): Promise<{ status: number; text: string } | { error: string }> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const req = httpRequest(
      { host: u.hostname, port: u.port, path: p, localAddress: from, agent: false, timeout: 10_000 },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer in 10 s')));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    req.end();
  });
}

/** Open a connection from `from` that sends nothing; resolves with what the server wrote, if anything, within 2 s. */
function idle(from: string): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect({ host: u.hostname, port: Number(u.port), localAddress: from });
    flood.push(s);
    let text = '';
    s.on('data', (d) => (text += d));
    s.on('error', () => undefined);
    s.on('close', () => resolve(text));
    setTimeout(() => resolve(text), 2000);
  });
}

describe('MAX_CLIENTS past the open files the process may hold', () => {
  it('is said at start, with what to do', () => {
    expect(server.out()).toMatch(
      /MAX_CLIENTS=2000 would let 4000 connections open, more than the open files this process may hold \(ulimit -n 160\): at most 96 are accepted; raise ulimit -n to 4064, or lower MAX_CLIENTS/,
    );
  });

  it('holds no more connections than it has files for: one past the cap is answered 429, then served once they close', async () => {
    const answers = await Promise.all(
      Array.from({ length: ADDRESSES * EACH }, (_, i) => idle(`127.0.0.${10 + (i % ADDRESSES)}`)),
    );
    const refused = answers.filter((t) => t.startsWith('HTTP/1.1 429'));
    expect(refused.length).toBeGreaterThanOrEqual(ADDRESSES * EACH - 96);
    expect(refused[0]).toMatch(/"code":"LIMIT_EXCEEDED","message":"too many connections \(at most 96\)"/);

    // Another user meets the cap, named, not a reset connection.
    const meanwhile = await get('/api/labs', '127.0.0.2');
    expect(meanwhile).toMatchObject({ status: 429 });
    expect((meanwhile as { text: string }).text).toMatch(/too many connections \(at most 96\)/);

    flood.forEach((s) => s.destroy());
    await expect
      .poll(() => get('/api/labs', '127.0.0.2'), { timeout: 15_000 })
      .toMatchObject({ status: 200 });
    // The server wrote its labs' files all along: nothing failed for want of a file.
    expect(server.out()).not.toMatch(/EMFILE/);
  }, 60_000);
});
