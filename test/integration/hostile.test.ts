/**
 * Hostile and careless clients: DNS rebinding, REST batches, commands racing a deletion, ids that
 * are Object property names, out-of-range scenario times, and floods of joins and of connections
 * that never CONNECT (against the real server in a child process, whose memory is measured).
 */
import { request as httpRequest } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  client,
  http,
  removeDir,
  request,
  settle,
  startServer,
  waitFor,
  type TestServer,
} from './helpers.js';
import { listening, spawnServer, stop, type Child } from './child.js';

/** The RSS bound stated in docs/api.md for the floods below. */
const RSS_BOUND = 400 * 1024 * 1024;

let t: TestServer;
beforeAll(async () => {
  t = await startServer({ config: { commandRate: 5 } });
  expect(
    (await http(`${t.url}/api/labs`, { method: 'POST', body: { id: 'h', preset: 'demo' } })).status,
  ).toBe(201);
});
afterAll(async () => {
  await t.close();
  removeDir(t.dataDir);
});

/** A raw HTTP request with any Host header (fetch does not let one set it). */
function raw(
  url: string,
  p: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, path: p, headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens an engine.io websocket with these headers; resolves with the first message or the refusal. */
function handshake(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ ws: WebSocket; ok: boolean }> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, { headers });
  return new Promise((resolve) => {
    ws.once('message', () => resolve({ ws, ok: true }));
    ws.once('unexpected-response', () => resolve({ ws, ok: false }));
    ws.once('error', () => resolve({ ws, ok: false }));
  });
}

describe('DNS rebinding', () => {
  it('refuses a Host name the server does not know, on REST and on the socket handshake', async () => {
    const port = new URL(t.url).port;
    const evil = { host: `evil.example:${port}`, origin: `http://evil.example:${port}` };
    const refused = await raw(t.url, '/api/labs', evil);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body).error).toMatchObject({ code: 'FORBIDDEN' });
    expect((await raw(t.url, '/api/labs', { host: `localhost:${port}` })).status).toBe(200);
    expect((await raw(t.url, '/api/labs', { host: `127.0.0.1:${port}` })).status).toBe(200);
    const bad = await handshake(t.url, evil);
    expect(bad.ok).toBe(false);
    bad.ws.terminate();
    const good = await handshake(t.url, { host: `localhost:${port}` });
    expect(good.ok).toBe(true);
    good.ws.terminate();
  });
});

describe('refused again and again', () => {
  it('a watcher without the control token that keeps steering is disconnected', async () => {
    const guarded = await startServer({ config: { controlToken: 'teacher-secret' } });
    try {
      await http(`${guarded.url}/api/labs`, {
        method: 'POST',
        headers: { authorization: 'Bearer teacher-secret' },
        body: { id: 'g', preset: 'demo' },
      });
      const s = await client(guarded.url);
      const gone = new Promise<string>((ok) => s.once('disconnect', ok));
      const codes = new Set<string>();
      for (let i = 0; i < 40 && s.connected; i++) {
        const ack = await Promise.race([
          request<{ ok: boolean; error?: { code: string } }>(s, 'command', {
            lab: 'g',
            type: 'setLoad',
            vps: 'web-1',
            load: { cpu: 0.5 },
          }),
          gone.then(() => null),
        ]);
        if (ack?.error) codes.add(ack.error.code);
      }
      expect([...codes]).toEqual(['FORBIDDEN']);
      expect(await gone).toBe('io server disconnect');
      expect(guarded.server.registry.get('g')!.engines[0].log()).toHaveLength(0);
    } finally {
      await guarded.close();
      removeDir(guarded.dataDir);
    }
  });
});

describe('REST batches', () => {
  it('are all or nothing: one bad command, none applied, the error names commands[i]', async () => {
    const lab = t.server.registry.get('h')!;
    const before = lab.engines[0].log().length;
    const shape = await http(`${t.url}/api/labs/h/commands`, {
      method: 'POST',
      body: [
        { type: 'setLoad', vps: 'web-1', load: { cpu: 0.3 } },
        { type: 'setLoad', vps: 'web-1', load: { cpu: 'x' } },
      ],
    });
    expect(shape.status).toBe(400);
    expect(shape.body.error).toMatchObject({ code: 'INVALID_INPUT', path: 'commands[1].load.cpu' });
    t.advance(1000); // refill the rate bucket
    const state = settle(
      t,
      http(`${t.url}/api/labs/h/commands`, {
        method: 'POST',
        body: [
          { type: 'setLoad', vps: 'web-1', load: { cpu: 0.3 } },
          { type: 'removeVps', vps: 'ghost' },
        ],
      }),
    );
    const r = await state;
    expect(r.status).toBe(404);
    expect(r.body.error).toMatchObject({ code: 'UNKNOWN_VPS', path: 'commands[1].vps' });
    expect(lab.engines[0].log().length).toBe(before);
  });

  it('count each command against the rate limit', async () => {
    t.advance(10_000); // a full bucket: 2 × COMMAND_RATE = 10
    const many = Array.from({ length: 11 }, () => ({ type: 'setLoad', vps: 'web-1', load: { cpu: 0.2 } }));
    const over = await http(`${t.url}/api/labs/h/commands`, { method: 'POST', body: many });
    expect(over.status).toBe(429);
    const fits = await settle(
      t,
      http(`${t.url}/api/labs/h/commands`, { method: 'POST', body: many.slice(0, 10) }),
    );
    expect(fits.status).toBe(200);
    const after = await http(`${t.url}/api/labs/h/commands`, { method: 'POST', body: many[0] });
    expect(after.status).toBe(429);
  });
});

describe('bad input', () => {
  it('answers a command racing its lab deletion with UNKNOWN_LAB', async () => {
    expect(
      (await http(`${t.url}/api/labs`, { method: 'POST', body: { id: 'doomed', preset: 'demo' } })).status,
    ).toBe(201);
    const s = await client(t.url);
    const sent = request<{ ok: boolean; error?: { code: string } }>(s, 'command', {
      lab: 'doomed',
      type: 'setLoad',
      vps: 'web-1',
      load: { cpu: 0.9 },
    });
    await new Promise((r) => setTimeout(r, 50)); // the command is queued, waiting for a tick
    expect((await http(`${t.url}/api/labs/doomed`, { method: 'DELETE' })).status).toBe(200);
    const ack = await sent;
    expect(ack).toMatchObject({ ok: false, error: { code: 'UNKNOWN_LAB' } });
    s.close();
  });

  it('refuses scenario times beyond finite safe ticks, and too many VPSs before validating the rest', async () => {
    const vps = (id: string) => ({ id, vcpus: 1, ramGiB: 1, diskIops: 100, netMbps: 10 });
    const base = { name: 'x', mode: 'container', vps: [vps('a')] };
    const far = await http(`${t.url}/api/labs`, {
      method: 'POST',
      body: { scenario: { ...base, events: [{ atS: 1e308, type: 'setLoad', vps: 'a', load: { cpu: 1 } }] } },
    });
    expect(far.status).toBe(400);
    expect(far.body.error.path).toMatch(/^scenario\.events\[0\]\.atS/);
    const huge = {
      ...base,
      // About 1 MB: under the body limit, refused on its count before any of it is validated.
      events: Array.from({ length: 10_500 }, (_, i) => ({
        atTick: i,
        type: 'addVps',
        vps: { id: `v${i}`, vcpus: 1, ramGiB: 1, diskIops: 1, netMbps: 1 },
      })),
    };
    const r = await http(`${t.url}/api/labs`, { method: 'POST', body: { scenario: huge } });
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: 'LIMIT_EXCEEDED', path: 'scenario.vps' });
  });

  it('treats VPS ids that are Object property names like any other, in the history too', async () => {
    const vps = (id: string) => ({ id, vcpus: 1, ramGiB: 1, diskIops: 100, netMbps: 10 });
    const made = await http(`${t.url}/api/labs`, {
      method: 'POST',
      body: {
        id: 'proto',
        scenario: { name: 'proto', mode: 'container', vps: ['constructor', 'toString', 'valueOf'].map(vps) },
      },
    });
    expect(made.status).toBe(201);
    t.advance(1000);
    const h = await http(`${t.url}/api/labs/proto/history?metrics=cpuGranted`);
    expect(Object.keys(h.body.data.vps).sort()).toEqual(['constructor', 'toString', 'valueOf']);
    expect(h.body.data.vps.constructor.cpuGranted.mean.length).toBeGreaterThan(0);
    await http(`${t.url}/api/labs/proto`, { method: 'DELETE' });
  });
});

/** 64 VPSs on a host that admits them. */
function bigScenario() {
  return {
    name: 'big',
    mode: 'container',
    host: { cores: 128, ramGiB: 1024, diskIops: 1_000_000, netMbps: 100_000 },
    vps: Array.from({ length: 64 }, (_, i) => ({
      id: `v-${i}`,
      vcpus: 1,
      ramGiB: 2,
      diskIops: 1000,
      netMbps: 100,
    })),
  };
}

describe('floods against the real server', () => {
  const dirs: string[] = [];
  let server: Child;
  let url: string;
  beforeAll(async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'flood-'));
    dirs.push(dataDir);
    server = spawnServer({
      DATA_DIR: dataDir,
      MAX_CLIENTS_PER_ADDRESS: '100',
      MAX_CLIENTS: '150',
      COMMAND_RATE: '1000',
    });
    url = await listening(server);
    const r = await http(`${url}/api/labs`, { method: 'POST', body: { id: 'big', scenario: bigScenario() } });
    expect(r.status).toBe(201);
    await new Promise((r) => setTimeout(r, 2000)); // a little history to put in snapshots
  }, 60_000);
  afterAll(async () => {
    await stop(server, 'SIGKILL');
    dirs.forEach(removeDir);
  });

  it('a client that sends join 100 times a second and never reads is refused, dropped, and costs bounded memory', async () => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
    await new Promise<void>((resolve, reject) => {
      ws.on('message', (d) => {
        const text = d.toString();
        if (text.startsWith('0{')) ws.send('40');
        else if (text.startsWith('40')) resolve();
      });
      ws.once('error', reject);
    });
    (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    let peak = server.rss();
    const closed = new Promise<void>((ok) => ws.once('close', () => ok()));
    for (let i = 0; i < 300 && ws.readyState === WebSocket.OPEN; i++) {
      ws.send('42["join",{"lab":"big"}]');
      if (i % 10 === 9) {
        await new Promise((r) => setTimeout(r, 100));
        peak = Math.max(peak, server.rss());
      }
    }
    // Refused past its join rate, then dropped for being refused again and again (it sees the
    // close once it reads what was sent before it).
    (ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await closed;
    peak = Math.max(peak, server.rss());
    expect(peak).toBeLessThan(RSS_BOUND);
    expect((await http(`${url}/healthz`)).status).toBe(200);
  }, 60_000);

  it('connections that never CONNECT are bounded per address and let others in once closed', async () => {
    const opened = await Promise.all(Array.from({ length: 300 }, () => handshake(url)));
    const accepted = opened.filter((o) => o.ok).length;
    expect(accepted).toBeLessThanOrEqual(100);
    expect(accepted).toBeGreaterThan(0);
    expect(server.rss()).toBeLessThan(RSS_BOUND);
    expect((await http(`${url}/healthz`)).status).toBe(200);
    // A socket.io client from the same address is refused while the flood holds its places…
    await expect(client(url)).rejects.toBeInstanceOf(Error);
    for (const o of opened) o.ws.terminate();
    // …and admitted once they are gone.
    let s: Awaited<ReturnType<typeof client>> | null = null;
    for (let i = 0; i < 50 && !s; i++) {
      s = await client(url).catch(() => null);
      if (!s) await new Promise((r) => setTimeout(r, 100));
    }
    expect(s?.connected).toBe(true);
    s?.close();
  }, 60_000);

  it('a connection that never sends CONNECT is closed by the server (after 10 s)', async () => {
    const { ws, ok } = await handshake(url);
    expect(ok).toBe(true);
    // It answers pings, so only the missing CONNECT can end it.
    ws.on('message', (d) => {
      if (d.toString() === '2') ws.send('3');
    });
    const code = await new Promise<number>((resolve) => ws.once('close', (c) => resolve(c)));
    expect(code).toBeGreaterThan(0);
    expect((await http(`${url}/healthz`)).status).toBe(200);
  }, 30_000);

  it('a viewer that stops reading gets no more frames past the byte budget and is dropped (past 8 MiB or 500 packets); others keep getting ticks', async () => {
    // The stalled viewer: a raw engine.io websocket that joins, then stops reading its socket.
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
    const received: string[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.on('message', (d) => {
        const text = d.toString();
        received.push(text);
        if (text.startsWith('0{')) ws.send('40');
        else if (text === '2') ws.send('3');
        else if (text.startsWith('40')) ws.send('42["join",{"lab":"big"}]');
        else if (text.startsWith('42["snapshot"')) resolve();
      });
      ws.once('error', reject);
    });
    (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const closed = new Promise<void>((ok) => ws.once('close', () => ok()));
    // A reading viewer of the same lab, counting its frames.
    const reader = await client(url);
    const ticks: number[] = [];
    reader.on('frame', (m) => ticks.push(m.tick));
    await request(reader, 'join', { lab: 'big' });
    // Events (each with the 64-VPS state) flow to every viewer: 100 commands every 100 ms.
    let peak = server.rss();
    let rounds = 0;
    const mark = server.out().length;
    const dropped = () => server.out().slice(mark).includes('client is not reading; disconnected');
    for (; rounds < 300 && !dropped(); rounds++) {
      const batch = Array.from({ length: 100 }, (_, i) => ({
        type: 'setLoad',
        vps: `v-${i % 64}`,
        load: { cpu: ((rounds + i) % 10) / 10 },
      }));
      const r = await http(`${url}/api/labs/big/commands`, { method: 'POST', body: batch });
      expect(r.status).toBe(200);
      await new Promise((r) => setTimeout(r, 100));
      peak = Math.max(peak, server.rss());
    }
    expect(dropped()).toBe(true);
    const line = server
      .out()
      .slice(mark)
      .split('\n')
      .find((l) => l.includes('client is not reading'))!;
    const { bytes, packets } = JSON.parse(line) as { bytes: number; packets: number };
    expect(bytes > 8 * 1024 * 1024 || packets > 500).toBe(true);
    // The reader got ticks all along and still does.
    const before = ticks.length;
    const last = ticks.at(-1) ?? 0;
    await waitFor(reader, 'frame', (m: { tick: number }) => m.tick > last, 20_000);
    expect(before).toBeGreaterThan(rounds / 2);
    // What reached the stalled viewer: once it reads what was sent before, it sees the close. Its
    // frames stopped long before it was dropped, while the reader kept getting every broadcast.
    (ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await closed;
    // A 64-VPS frame is one text message; a larger one is a binary event (`451-["frame",…]`, then its data).
    const stalled = received
      .filter((m) => m.startsWith('42["frame"') || m.startsWith('451-["frame"'))
      .map((m) => (JSON.parse(m.slice(m.indexOf('['))) as [string, { tick: number }])[1].tick);
    expect(stalled.length).toBeGreaterThan(0);
    const afterStall = ticks.filter((t) => t > (stalled.at(-1) as number) && t <= last);
    expect(afterStall.length).toBeGreaterThanOrEqual(10);
    peak = Math.max(peak, server.rss());
    expect(peak).toBeLessThan(RSS_BOUND);
    expect((await http(`${url}/healthz`)).status).toBe(200);
    reader.close();
  }, 180_000);
});
