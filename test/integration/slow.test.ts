import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { Ack } from '../../shared/protocol.js';
import { http, removeDir, settle, startServer, type TestServer } from './helpers.js';

let t: TestServer;
beforeAll(async () => {
  t = await startServer({ config: { commandRate: 100_000 } });
  expect(
    (await http(`${t.url}/api/labs`, { method: 'POST', body: { id: 's', preset: 'demo' } })).status,
  ).toBe(201);
});
afterAll(async () => {
  await t.close();
  removeDir(t.dataDir);
});

/** A socket.io client at the protocol level that joins a lab, then stops reading its socket. */
async function stalledClient(url: string, lab = 's'): Promise<WebSocket> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (data) => {
      const text = data.toString();
      if (text.startsWith('0{')) ws.send('40');
      else if (text.startsWith('40')) ws.send(`42["join",{"lab":"${lab}"}]`);
      else if (text.startsWith('42["snapshot"')) resolve();
    });
    ws.once('error', reject);
  });
  (ws as unknown as { _socket: { pause(): void } })._socket.pause();
  return ws;
}

interface ServerSide {
  writeBuffer: unknown[];
  transport: { socket?: { _socket?: { writableLength: number } } };
}

describe('a client that stops reading', () => {
  it('costs bounded memory while frames flow, and is dropped once non-frame messages pile up', async () => {
    const ws = await stalledClient(t.url);
    const [id] = [...t.server.io.sockets.sockets.keys()];
    const conn = t.server.io.sockets.sockets.get(id)!.conn as unknown as ServerSide;
    const lab = t.server.registry.get('s')!;
    // 15 simulated minutes of frames at 1× (≈ 18 MB, more than the kernel buffers hold), one I/O
    // turn per frame so every one is offered to the stalled socket.
    let maxBuffered = 0;
    for (let i = 0; i < 9000; i++) {
      t.advance(100);
      await new Promise((r) => setImmediate(r));
      maxBuffered = Math.max(maxBuffered, conn.transport.socket?._socket?.writableLength ?? 0);
      expect(conn.writeBuffer.length).toBeLessThanOrEqual(1);
    }
    expect(lab.tick).toBeGreaterThanOrEqual(9000);
    expect((conn.transport as unknown as { writable: boolean }).writable).toBe(false);
    // What waits in user space for this client stays around one frame, not thousands.
    expect(maxBuffered).toBeLessThan(64 * 1024);
    expect(t.server.io.sockets.sockets.has(id)).toBe(true);

    // Log entries are not volatile: when hundreds wait for it, the client is disconnected.
    for (let i = 0; i < 6; i++) {
      const batch = Array.from({ length: 100 }, (_, k) => ({
        type: 'setLoad',
        vps: 'web-1',
        load: { cpu: ((i * 100 + k) % 90) / 100 },
      }));
      const r = await settle(t, http(`${t.url}/api/labs/s/commands`, { method: 'POST', body: batch }));
      expect((r.body as Ack<unknown>).ok).toBe(true);
    }
    t.advance(2500);
    expect(t.server.io.sockets.sockets.has(id)).toBe(false);
    ws.terminate();
  });

  it('costs bounded memory on a big lab too, whose frames travel as binary attachments', async () => {
    const demo = (await http(`${t.url}/api/labs/s/scenario`)).body as {
      data: Record<string, unknown> & { vps: { id: string }[] };
    };
    const base = demo.data;
    const vps = Array.from({ length: 128 }, (_, i) => ({ ...base.vps[i % base.vps.length], id: `vm-${i}` }));
    const scenario = {
      ...base,
      name: 'big',
      events: [],
      durationS: undefined,
      mode: 'container',
      vps,
      host: { cores: 64, ramGiB: 1024, diskIops: 200_000, netMbps: 40_000, memBwGBs: 100 },
    };
    const made = await http(`${t.url}/api/labs`, { method: 'POST', body: { id: 'big', scenario } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const before = new Set(t.server.io.sockets.sockets.keys());
    const ws = await stalledClient(t.url, 'big');
    const id = [...t.server.io.sockets.sockets.keys()].find((k) => !before.has(k))!;
    const conn = t.server.io.sockets.sockets.get(id)!.conn as unknown as ServerSide;
    let maxBuffered = 0;
    let maxQueued = 0;
    for (let i = 0; i < 3000; i++) {
      t.advance(100);
      await new Promise((r) => setImmediate(r));
      maxBuffered = Math.max(maxBuffered, conn.transport.socket?._socket?.writableLength ?? 0);
      maxQueued = Math.max(maxQueued, conn.writeBuffer.length);
    }
    expect(t.server.registry.get('big')!.tick).toBeGreaterThanOrEqual(3000);
    // A frame's JSON header and its attachment go together: at most one frame waits in user space.
    expect(maxQueued).toBeLessThanOrEqual(2);
    expect(maxBuffered).toBeLessThan(128 * 1024);
    expect(t.server.io.sockets.sockets.has(id)).toBe(true);
    ws.terminate();
  });
});
