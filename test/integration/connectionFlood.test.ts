/**
 * One address opening TCP connections and never finishing a request (or never sending one) must
 * not use up the server's open files: past twice MAX_CLIENTS_PER_ADDRESS the server answers 429
 * LIMIT_EXCEEDED and closes, and a user from another address is served and its command saved.
 * The server runs as a child process with a small limit of open files (`ulimit -n`), so the
 * flood would reach it without the cap.
 */
import { request as httpRequest } from 'node:http';
import net from 'node:net';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childServers, listening, type Child } from './child.js';

const servers = childServers('flood-tcp');
const PER_ADDRESS = 16;
/** Open files the server may hold: room for its own needs, not for the flood below. */
const MAX_FILES = 160;
const FLOOD = 200;
let server: Child;
let url: string;
const flood: net.Socket[] = [];

beforeAll(async () => {
  server = servers.start(
    servers.dataDir(),
    { MAX_CLIENTS_PER_ADDRESS: String(PER_ADDRESS), COMMAND_RATE: '10' },
    MAX_FILES,
  );
  url = await listening(server);
}, 60_000);
afterAll(() => flood.forEach((s) => s.destroy()));

/** A request from another loopback address than the flood's (127.0.0.2). */
function fromOther(
  method: string,
  p: string,
  body?: unknown,
): Promise<{ status: number; body: { ok: boolean; error?: { code: string } } }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: u.hostname,
        port: u.port,
        path: p,
        method,
        localAddress: '127.0.0.2',
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** One connection from 127.0.0.1, once connected: what the server sent it, and whether it closed. */
function open(): Promise<{ socket: net.Socket; text: () => string; closed: () => boolean }> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: u.hostname, port: Number(u.port) });
    flood.push(socket);
    let text = '';
    let closed = false;
    socket.on('data', (d) => (text += d));
    socket.on('error', () => undefined);
    socket.once('close', () => (closed = true));
    socket.once('connect', () => resolve({ socket, text: () => text, closed: () => closed }));
  });
}

describe('a flood of connections from one address', () => {
  it('is capped at twice MAX_CLIENTS_PER_ADDRESS, refused 429 naming the limit; another address is served and saved', async () => {
    const opened = await Promise.all(Array.from({ length: FLOOD }, () => open()));
    // Those past the cap are answered and closed by the server as it accepts them.
    await expect
      .poll(() => opened.filter((o) => !o.closed()).length, { timeout: 20_000 })
      .toBeLessThanOrEqual(2 * PER_ADDRESS);
    // Those kept send half a request and stop (they would hold their place for a minute).
    for (const o of opened) if (!o.closed()) o.socket.write('GET /api/labs HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const refusals = opened.filter((o) => o.closed() && o.text()).map((o) => o.text());
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals[0]).toMatch(/^HTTP\/1\.1 429 /);
    expect(JSON.parse(refusals[0].split('\r\n\r\n')[1])).toEqual({
      ok: false,
      error: {
        code: 'LIMIT_EXCEEDED',
        message: `too many connections from this address (at most ${2 * PER_ADDRESS})`,
      },
    });
    expect(readdirSync(`/proc/${server.child.pid}/fd`).length).toBeLessThan(MAX_FILES);
    // Another user is served meanwhile, and its command is saved (the log's file can be opened).
    expect((await fromOther('GET', '/api/labs')).status).toBe(200);
    const cmd = await fromOther('POST', '/api/labs/demo/commands', {
      type: 'setLoad',
      vps: 'web-1',
      load: { cpu: 0.5 },
    });
    expect([cmd.status, cmd.body.ok]).toEqual([200, true]);
  }, 30_000);
});
