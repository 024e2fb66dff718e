/**
 * Joins from one address, across its connections: each join costs the server a snapshot to encode
 * and send, so one address opening its MAX_CLIENTS_PER_ADDRESS connections, each joining again
 * within its own join rate, would have the server encode hundreds of snapshots a second, and stall
 * the frames of every lab. Each of its connections may join once at once; past that, the address
 * joins at a sixteenth of that a second, refused RATE_LIMITED naming the address; another address
 * joins as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import type { Ack } from '../../shared/protocol.js';
import { http, removeDir, request, startServer, type Client, type TestServer } from './helpers.js';

const PER_ADDRESS = 8;
let t: TestServer;
const opened: Client[] = [];

/** A websocket client from `localAddress` (another loopback address stands for another user). */
async function from(localAddress: string): Promise<Client> {
  const s: Client = connect(t.url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    localAddress,
  } as Parameters<typeof connect>[1]);
  opened.push(s);
  await new Promise<void>((resolve, reject) => {
    s.once('connect', resolve);
    s.once('connect_error', reject);
  });
  return s;
}

const join = (s: Client) => request<Ack<{ lab: string }>>(s, 'join', { lab: 'watched' });

beforeAll(async () => {
  t = await startServer({ config: { maxClientsPerAddress: PER_ADDRESS } });
  const r = await http(`${t.url}/api/labs`, { method: 'POST', body: { id: 'watched', preset: 'demo' } });
  expect(r.status).toBe(201);
});
afterAll(async () => {
  for (const s of opened) s.disconnect();
  await t.close();
  removeDir(t.dataDir);
});

describe('joins from one address', () => {
  it('are held to one per connection it may open at once, then refused naming the address; another address joins', async () => {
    const sockets = await Promise.all(Array.from({ length: PER_ADDRESS }, () => from('127.0.0.1')));
    // Each connection joins three times, within its own burst of five.
    const answers = await Promise.all(sockets.flatMap((s) => [join(s), join(s), join(s)]));
    const joined = answers.filter((a) => a.ok).length;
    const refused = answers.filter((a): a is Extract<typeof a, { ok: false }> => !a.ok);
    expect(joined).toBe(PER_ADDRESS);
    expect(refused).toHaveLength(2 * PER_ADDRESS);
    expect(refused[0].error.code).toBe('RATE_LIMITED');
    expect(refused[0].error.message).toMatch(/from one address/);
    expect(refused[0].error.message).toMatch(/MAX_CLIENTS_PER_ADDRESS/);
    // Another address is not held by it.
    const other = await from('127.0.0.2');
    expect((await join(other)).ok).toBe(true);
    // The address joins again as its budget refills (one a second with 8 connections allowed).
    const s = sockets[0];
    expect((await join(s)).ok).toBe(false);
    t.advance(2000);
    expect((await join(s)).ok).toBe(true);
  });
});
