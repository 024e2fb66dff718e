/**
 * A REST batch of commands reaches Redis in one step: its records are appended to the lab's log
 * by one fenced script call (watched with MONITOR on the real redis-server), so a process killed
 * while saving it leaves the whole batch or none of it for a takeover to replay.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../../server/cluster/keys.js';
import { http } from '../helpers.js';
import { startRedis, startServer, stopAll, type RedisHandle, type ServerProcess } from './harness.js';

let redis: RedisHandle;
let owner: ServerProcess;
let peek: Redis;

beforeAll(async () => {
  redis = await startRedis();
  owner = await startServer(redis.url);
  peek = new Redis(redis.url, { maxRetriesPerRequest: null });
  peek.on('error', () => undefined);
  const made = await http(`${owner.url}/api/labs`, {
    method: 'POST',
    body: { id: 'whole', preset: 'demo' },
    headers: { 'x-contention-forwarded': 'test' },
  });
  expect(made.status, made.text).toBe(201);
}, 120_000);

afterAll(async () => {
  peek?.disconnect();
  await stopAll();
});

const web = (cpu: number, vps: string) => ({ type: 'setLoad', vps, load: { cpu } });

describe('a batch of commands in Redis', () => {
  it('is appended to the lab log in one script call, every record of it', async () => {
    const monitor = await peek.monitor();
    const writes: string[][] = [];
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args.includes(keys.log('whole'))) writes.push(args);
    });
    const batch = [web(0.31, 'web-1'), web(0.32, 'db-1'), web(0.33, 'web-1')];
    const r = await http(`${owner.url}/api/labs/whole/commands`, {
      method: 'POST',
      body: batch,
      headers: { 'x-contention-forwarded': 'test' },
    });
    expect(r.body.ok, r.text).toBe(true);
    const logged = await peek.xrange(keys.log('whole'), '-', '+');
    monitor.disconnect();

    const records = logged.map(([, fields]) => JSON.parse(fields[1]) as { command: unknown });
    expect(records.map((x) => x.command)).toEqual(batch);
    // The script's own XADDs show in MONITOR too; a script sent again after NOSCRIPT ran once.
    const calls = writes.filter(([cmd]) => /^eval(sha)?$/i.test(cmd));
    const carrying = calls
      .filter((args) => args.some((a) => a.includes('"setLoad"')))
      .filter((args, i, all) => !(/^evalsha$/i.test(args[0]) && all[i + 1]?.[0].toLowerCase() === 'eval'));
    expect(carrying).toHaveLength(1);
    expect(carrying[0].filter((a) => a.includes('"setLoad"'))).toHaveLength(3);
  }, 60_000);
});
