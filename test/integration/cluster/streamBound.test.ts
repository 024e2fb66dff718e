/**
 * What Redis holds for a running cluster stays bounded: the socket.io adapter's stream, which
 * carries every frame of every lab (about 30 KB a frame at 256 VPSs), keeps only its last
 * STREAM_KEEP_MS, however long the labs run. A viewer on the other process still gets every frame.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAM_KEEP_MS } from '../../../server/cluster/adapter.js';
import { keys } from '../../../server/cluster/keys.js';
import { client, request, waitFor, type Client } from '../helpers.js';
import { stopAll, twoProcesses, type RedisHandle, type ServerProcess } from './harness.js';
import { bigScenario } from '../bigScenario.js';

let redis: RedisHandle;
let peek: Redis;
let other: ServerProcess;
let viewer: Client;

beforeAll(async () => {
  ({ redis, other } = await twoProcesses('big', { lab: { scenario: bigScenario(256, 9) } }));
  viewer = await client(other.url);
  await request(viewer, 'join', { lab: 'big' }, 15_000);
  peek = new Redis(redis.url, { maxRetriesPerRequest: null });
  peek.on('error', () => undefined);
}, 120_000);

afterAll(async () => {
  viewer?.disconnect();
  peek?.disconnect();
  await stopAll();
});

/** Milliseconds (Redis's clock) of a stream entry id. */
const msOf = (id: string) => Number(id.slice(0, id.indexOf('-')));

describe("the adapter's stream in Redis", () => {
  it('keeps the last few seconds of packets, not every frame since the start', async () => {
    const first = (await peek.xrange(keys.stream, '-', '+', 'COUNT', 1))[0];
    expect(first).toBeDefined();
    const start = msOf(first[0]);
    // Run until the stream has been written for twice the time it keeps.
    let span = 0;
    let newest = start;
    while (newest - start < 2 * STREAM_KEEP_MS + 2000) {
      await waitFor(viewer, 'frame', () => true, 15_000);
      const [last] = await peek.xrevrange(keys.stream, '+', '-', 'COUNT', 1);
      const [oldest] = await peek.xrange(keys.stream, '-', '+', 'COUNT', 1);
      newest = msOf(last[0]);
      span = newest - msOf(oldest[0]);
    }
    const bytes = Number(await peek.call('MEMORY', 'USAGE', keys.stream, 'SAMPLES', '0'));
    const entries = await peek.xlen(keys.stream);
    // Trimmed every second: at most a second and a little more than it keeps.
    expect(span, `${entries} entries, ${bytes} bytes`).toBeLessThanOrEqual(STREAM_KEEP_MS + 1500);
    expect(span).toBeGreaterThan(STREAM_KEEP_MS / 2);
    // The viewer on the other process still gets the lab's frames.
    await waitFor(viewer, 'frame', () => true, 5000);
  }, 120_000);
});
