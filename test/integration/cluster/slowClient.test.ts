/**
 * Clients that join labs and never read their socket again, on a process of a cluster that does
 * not run the labs (their frames come through Redis) and on the one that does, while a 256-VPS
 * compare lab broadcasts about 50 KB ten times a second: the viewers that do read, on both
 * processes, keep getting the ticks without a gap of a second (frames to a stalled client are
 * dropped, not queued ahead of theirs). (Past the ping timeout, 20 s, a process drops a client
 * that never answers.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { client, http, request, waitFor, type Client } from '../helpers.js';
import { startRedis, startServer, stopAll, type RedisHandle, type ServerProcess } from './harness.js';
import { bigScenario } from '../bigScenario.js';

/** Stalled clients on the process that does not run the lab, and on the one that does. */
const STALLED_REMOTE = 8;
const STALLED_OWNER = 2;
/**
 * How long they stay stalled while frames flow, in ticks (100 ms each at 1×): less than socket.io's
 * ping interval and timeout (20 s), after which a client that never answers is dropped anyway.
 */
const TICKS = 150;
/** A compare lab of 256 VPSs: about 50 KB a broadcast, ten a second. */
const LABS = ['big'];
let redis: RedisHandle;
let owner: ServerProcess;
let other: ServerProcess;
const stalled: WebSocket[] = [];
const readers: Client[] = [];

/** A socket.io client at the protocol level that joins the labs (and, when `stall`, stops reading). */
async function rawClient(url: string, stall = true): Promise<WebSocket> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
  let snapshots = 0;
  let seen = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no snapshot within 30 s; last: ${seen}`)), 30_000);
    ws.on('message', (data) => {
      const text = data.toString();
      seen = text.slice(0, 200);
      if (text.startsWith('0{')) ws.send('40');
      else if (text.startsWith('40')) for (const lab of LABS) ws.send(`42["join",{"lab":"${lab}"}]`);
      else if (/^4[25][0-9]*-?\["snapshot"/.test(text) && ++snapshots === LABS.length) {
        clearTimeout(timer);
        resolve();
      } else if (text === '2') ws.send('3');
    });
    ws.once('error', reject);
  });
  if (stall) tcp(ws).pause();
  return ws;
}

const tcp = (ws: WebSocket) => (ws as unknown as { _socket: import('node:net').Socket })._socket;

beforeAll(async () => {
  redis = await startRedis();
  [owner, other] = await Promise.all([startServer(redis.url), startServer(redis.url)]);
  for (const id of LABS) {
    const made = await http(`${owner.url}/api/labs`, {
      method: 'POST',
      body: { id, scenario: bigScenario(256, 4), compare: ['para', 'container'] },
      headers: { 'x-contention-forwarded': 'test' },
    });
    expect(made.status, made.text).toBe(201);
  }
  for (const url of [owner.url, other.url]) {
    const c = await client(url);
    await request(c, 'join', { lab: LABS[0] }, 15_000);
    readers.push(c);
  }
}, 120_000);

afterAll(async () => {
  for (const c of readers) c.disconnect();
  for (const ws of stalled) ws.terminate();
  await stopAll();
});

describe('clients that stop reading, in a cluster', () => {
  it('do not hold up the viewers that read, on either process', async () => {
    for (let i = 0; i < STALLED_REMOTE; i++) stalled.push(await rawClient(other.url));
    for (let i = 0; i < STALLED_OWNER; i++) stalled.push(await rawClient(owner.url));
    // What a client that reads is sent meanwhile, on the process that does not run the lab.
    const counting = await rawClient(other.url, false);
    let offered = 0;
    counting.on('message', (data: Buffer) => (offered += data.length));
    const from = (await waitFor<{ tick: number }>(readers[1], 'frame', () => true, 15_000)).tick;

    const seen = readers.map(() => new Set<number>());
    // A frame message carries each tick computed since the last one (a late timer's rides along).
    readers.forEach((c, i) =>
      c.on('frame', (f: { frames: [number, ...unknown[]][] }) => {
        for (const entry of f.frames) seen[i].add(entry[0]);
      }),
    );
    await Promise.all(
      readers.map((c) => waitFor(c, 'frame', (f: { tick: number }) => f.tick >= from + TICKS, 60_000)),
    );
    expect(offered, 'a reading client on the same process kept getting frames').toBeGreaterThan(0);
    counting.terminate();
    // The reading viewers, on both processes, got the window's ticks without a gap of a second (a
    // frame may still be dropped for a viewer whose connection is busy on a loaded machine).
    for (const [i, ticks] of seen.entries()) {
      const gaps = [...ticks].sort((a, b) => a - b).map((t, k, all) => (k ? t - all[k - 1] : 1));
      expect(Math.max(...gaps), `reader ${i}`).toBeLessThanOrEqual(10);
    }
  }, 180_000);
});
