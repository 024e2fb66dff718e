/**
 * A command whose owner dies (SIGKILL) right after it received it: the sender, on another process,
 * gets the real answer once a new owner runs the lab, and the command is applied exactly once (the
 * new owner knows from the lab's log whether the dead one applied and saved it). Seeded rounds kill
 * the owner at different moments after Redis delivered the request: before it read it, after it
 * applied it, after it saved it. A socket command and a REST command each round; a client sending
 * its own request id again gets the same answer.
 */
import { connect, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PREFIX } from '../../../server/cluster/keys.js';
import { client, http, request, type Client } from '../helpers.js';
import {
  anchorLab,
  startRedis,
  startServer,
  stopAll,
  type RedisHandle,
  type ServerProcess,
} from './harness.js';

const FORWARDED = { 'x-contention-forwarded': 'test' };
let redis: RedisHandle;
let peek: Redis;
let monitor: Socket;
/** The sender's process: it runs a lab of its own and MAX_LABS=1, so it never takes the steered lab. */
let sender: ServerProcess;
let socket: Client;
const processes = new Map<string, ServerProcess>();
/** Every PUBLISH Redis ran, as MONITOR printed it. */
const published: string[] = [];

const spare = async () => {
  const p = await startServer(redis.url);
  processes.set(p.id, p);
  return p;
};

beforeAll(async () => {
  redis = await startRedis();
  sender = await startServer(redis.url, { MAX_LABS: '1' });
  // The first process of a service starts the demo lab; otherwise it gets one here.
  await anchorLab(sender);
  const first = await spare();
  const steered = await http(`${first.url}/api/labs`, {
    method: 'POST',
    body: { id: 'steered', preset: 'demo' },
    headers: FORWARDED,
  });
  expect(steered.status, steered.text).toBe(201);
  await spare();
  peek = new Redis(redis.url, { maxRetriesPerRequest: null });
  peek.on('error', () => undefined);
  // Redis's MONITOR, read as the plain lines it sends: every command it runs, as it runs it.
  monitor = connect(redis.port, '127.0.0.1', () => monitor.write('MONITOR\r\n'));
  monitor.on('error', () => undefined);
  monitor.setEncoding('utf8');
  let partial = '';
  monitor.on('data', (text: string) => {
    const lines = (partial + text).split('\r\n');
    partial = lines.pop() ?? '';
    published.push(...lines.filter((l) => / "publish" /i.test(l)));
  });
  socket = await client(sender.url);
}, 180_000);

afterAll(async () => {
  socket?.disconnect();
  monitor?.destroy();
  peek?.disconnect();
  await stopAll();
});

const load = (vps: string, cpu: number) => ({ type: 'setLoad', vps, load: { cpu } });

/** Resolves once Redis delivered a request carrying `text` to process `owner`. */
async function delivered(owner: string, text: string): Promise<void> {
  const channel = `"${PREFIX}rpc:${owner}"`;
  for (let i = 0; i < 2000; i++) {
    if (published.some((line) => line.includes(channel) && line.includes(text))) return;
    await new Promise((w) => setTimeout(w, 2));
  }
  throw new Error(`no request with ${text} reached ${owner}`);
}

interface Recorded {
  events: { atTick: number; type: string; vps?: string; load?: { cpu?: number } }[];
}

/** The ticks at which the lab's recorded session applied `setLoad` of `vps` to `cpu`. */
async function appliedAt(vps: string, cpu: number): Promise<number[]> {
  const r = await http(`${sender.url}/api/labs/steered/scenario`);
  if (r.status !== 200) {
    for (const p of [sender, ...processes.values()])
      console.log(
        p.id,
        JSON.stringify((await http(`${p.url}/healthz`)).body),
        await peek.get(`${PREFIX}lease:steered`),
      );
  }
  expect(r.status, r.text).toBe(200);
  return (r.body.data as Recorded).events
    .filter((e) => e.type === 'setLoad' && e.vps === vps && e.load?.cpu === cpu)
    .map((e) => e.atTick);
}

/** A small seeded generator (the rounds' moments are the same on every run). */
function seeded(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe('the owner dies right after it received a command', () => {
  it('every sender gets its answer and every command is applied exactly once', async () => {
    const next = seeded(7);
    for (let round = 0; round < 4; round++) {
      const lease = (await peek.get(`${PREFIX}lease:steered`)) ?? '';
      const owner = processes.get(lease.slice(0, lease.lastIndexOf(':')));
      expect(owner, `round ${round}: owner ${lease}`).toBeDefined();
      const cpu = 0.3 + round / 100;
      const rid = `round-${round}-socket`;
      const bySocket = request<{ ok: boolean; data?: { tick: number } }>(
        socket,
        'command',
        { lab: 'steered', requestId: rid, ...load('web-1', cpu) },
        60_000,
      );
      const byRest = http(`${sender.url}/api/labs/steered/commands`, {
        method: 'POST',
        body: load('db-1', cpu),
      });
      await delivered(owner!.id, rid);
      await new Promise((w) => setTimeout(w, Math.floor(next() * 40)));
      await owner!.kill('SIGKILL');
      processes.delete(owner!.id);
      const [s, r] = await Promise.all([bySocket, byRest, spare()]);

      expect(s.ok, `round ${round}: ${JSON.stringify(s)}`).toBe(true);
      expect(r.body.ok, `round ${round}: ${r.text}`).toBe(true);
      expect(await appliedAt('web-1', cpu)).toEqual([s.data!.tick]);
      expect(await appliedAt('db-1', cpu)).toEqual([r.body.data.tick]);
      // Sent again by the client with its id: the same answer, applied still once.
      const again = await request(socket, 'command', {
        lab: 'steered',
        requestId: rid,
        ...load('web-1', cpu),
      });
      expect(again).toEqual(s);
      expect(await appliedAt('web-1', cpu)).toEqual([s.data!.tick]);
    }
    // An id given again with another command is refused, naming it, and changes nothing.
    const reused = await request<{ ok: boolean; error?: { code: string; path?: string } }>(
      socket,
      'command',
      { lab: 'steered', requestId: 'round-0-socket', ...load('web-1', 0.99) },
    );
    expect(reused).toMatchObject({ ok: false, error: { code: 'CONFLICT', path: 'requestId' } });
    expect(await appliedAt('web-1', 0.99)).toEqual([]);
  }, 300_000);
});
