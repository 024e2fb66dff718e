/**
 * socket.io across processes: the official Redis Streams adapter. Broadcasts go through one Redis
 * stream that every process reads from the last entry it saw, so a Redis reconnect resumes where
 * it stopped instead of losing what was sent meanwhile (the pub/sub adapter drops those).
 *
 * Two changes to its publishing, both for the live frames: local clients are written at once
 * rather than after Redis confirmed the remote copy (the adapter waits for that offset only for
 * connection-state recovery, which this server does not use), and while Redis is away volatile
 * packets (frames) are not queued for it: they are stale when it is back, and an outage would
 * otherwise grow memory by ten frames a second per lab.
 *
 * The stream keeps the last STREAM_KEEP_MS of packets (trimmed by every process each second, on the
 * stream's own clock: its entry ids are Redis's time), not the adapter's 10 000 entries: a 256-VPS
 * lab's frame is about 30 KB, so 10 000 entries were about 300 MB of Redis, where a process only
 * ever reads the newest entries (one back from a short disconnect reads a few seconds' worth). A
 * late joiner and a takeover read none of it (they get a snapshot).
 */
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Redis } from 'ioredis';
import type { Server } from 'socket.io';
import { keys } from './keys.js';

interface Publishing {
  doPublish(message: { type: number; data?: { opts?: { flags?: { volatile?: boolean } } } }): Promise<string>;
}

/** How long the adapter's stream keeps a packet, ms: a process cut off from Redis for less resumes without a loss. */
export const STREAM_KEEP_MS = 10_000;

/** Drop the stream's packets older than STREAM_KEEP_MS before its newest (by entry id). */
export async function trimStream(redis: Redis): Promise<void> {
  const [newest] = await redis.xrevrange(keys.stream, '+', '-', 'COUNT', 1);
  if (!newest) return;
  const ms = Number(newest[0].slice(0, newest[0].indexOf('-')));
  if (ms > STREAM_KEEP_MS) await redis.xtrim(keys.stream, 'MINID', ms - STREAM_KEEP_MS);
}

/** Join `io` to the other processes through Redis (`redis` publishes; the adapter reads on its own copies). */
export function joinCluster(io: Server, redis: Redis): void {
  io.adapter(
    createAdapter(redis, {
      streamName: keys.stream,
      channelPrefix: `${keys.stream}#`,
      maxLen: 10_000,
      blockTimeInMs: 1000,
      // Frames carry binary data: the adapter forwards such packets msgpack-encoded (binary kept).
      onlyPlaintext: false,
    }),
  );
  const adapter = io.of('/').adapter as unknown as Publishing;
  const publish = adapter.doPublish.bind(adapter);
  adapter.doPublish = (message) => {
    if (redis.status !== 'ready' && message.data?.opts?.flags?.volatile) return Promise.resolve('');
    publish(message).catch(() => undefined);
    return Promise.resolve('');
  };
}
