/**
 * A REST batch of commands reaches Redis in one step: its records are appended to the lab's log
 * by one fenced script call (watched with MONITOR on the real redis-server), so a process killed
 * while saving it leaves the whole batch or none of it for a takeover to replay. MONITOR is read on a
 * plain socket: ioredis's monitor() can take a busy server's first lines for replies and throw.
 */
import { connect } from 'node:net';
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

/** One MONITOR line's arguments: `1.2 [0 127.0.0.1:1] "evalsha" "a\\"b"` → ['evalsha', 'a"b']. */
function monitorArgs(line: string): string[] {
  return [...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) =>
    m[1].replace(/\\x([0-9a-f]{2})|\\(.)/gi, (_, hex: string | undefined, c: string) =>
      hex
        ? String.fromCharCode(parseInt(hex, 16))
        : c === 'n'
          ? '\n'
          : c === 'r'
            ? '\r'
            : c === 't'
              ? '\t'
              : c,
    ),
  );
}

/** Every command redis-server runs from now on, until stop() (MONITOR on its own socket). */
async function watch(url: string): Promise<{ lines: string[][]; stop: () => void }> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  const lines: string[][] = [];
  let rest = '';
  let ready!: () => void;
  const ok = new Promise<void>((r) => (ready = r));
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    rest += chunk;
    let at: number;
    while ((at = rest.indexOf('\r\n')) >= 0) {
      const line = rest.slice(0, at);
      rest = rest.slice(at + 2);
      if (line === '+OK') ready();
      else if (line.startsWith('+')) lines.push(monitorArgs(line));
    }
  });
  socket.write('MONITOR\r\n');
  await ok;
  return { lines, stop: () => socket.destroy() };
}

const web = (cpu: number, vps: string) => ({ type: 'setLoad', vps, load: { cpu } });

describe('a batch of commands in Redis', () => {
  it('is appended to the lab log in one script call, every record of it', async () => {
    const monitor = await watch(redis.url);
    const batch = [web(0.31, 'web-1'), web(0.32, 'db-1'), web(0.33, 'web-1')];
    const r = await http(`${owner.url}/api/labs/whole/commands`, {
      method: 'POST',
      body: batch,
      headers: { 'x-contention-forwarded': 'test' },
    });
    expect(r.body.ok, r.text).toBe(true);
    const logged = await peek.xrange(keys.log('whole'), '-', '+');
    monitor.stop();
    const writes = monitor.lines.filter((args) => args.includes(keys.log('whole')));

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
