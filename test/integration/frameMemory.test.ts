/**
 * A big lab's frame data is memory the server writes again once every connection it went to has
 * written it out. A client that stops reading keeps what it was sent: when it reads again, every
 * frame it gets is the frame of its tick, byte for byte, while a client that keeps up got new
 * frames all along.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { Frame } from '../../shared/model.js';
import { encodeFrameMessage, wireInts, type WireFrameMessage } from '../../shared/wireFrame.js';
import { client, http, removeDir, startServer, type TestServer } from './helpers.js';

let t: TestServer;
beforeAll(async () => {
  t = await startServer({ config: { commandRate: 100_000 } });
});
afterAll(async () => {
  await t.close();
  removeDir(t.dataDir);
});

/** A lab of `n` VPSs (binary frames of about 27 KB at 256). */
async function bigLab(id: string, n: number): Promise<void> {
  const made = await http(`${t.url}/api/labs`, {
    method: 'POST',
    body: { id: `${id}-seed`, preset: 'demo' },
  });
  expect(made.status).toBe(201);
  const demo = (await http(`${t.url}/api/labs/${id}-seed/scenario`)).body as {
    data: Record<string, unknown> & { vps: { id: string }[] };
  };
  const base = demo.data;
  const vps = Array.from({ length: n }, (_, i) => ({ ...base.vps[i % base.vps.length], id: `vm-${i}` }));
  const scenario = {
    ...base,
    name: id,
    events: [],
    durationS: undefined,
    mode: 'container',
    vps,
    host: { cores: 64, ramGiB: 1024, diskIops: 200_000, netMbps: 40_000, memBwGBs: 100 },
  };
  const r = await http(`${t.url}/api/labs`, { method: 'POST', body: { id, scenario } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
}

interface Got {
  header: Omit<WireFrameMessage, 'data'>;
  data: Uint8Array;
}

/**
 * A socket.io client at the protocol level: joins a lab, keeps every frame it reads (the JSON
 * header and its binary attachment), and can stop and resume reading its TCP socket.
 */
async function rawViewer(url: string, lab: string) {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
  const frames: Got[] = [];
  let header: Got['header'] | null = null;
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        if (header) frames.push({ header, data: new Uint8Array(data as Buffer) });
        header = null;
        return;
      }
      const text = data.toString();
      if (text === '2') ws.send('3');
      else if (text.startsWith('0{')) ws.send('40');
      else if (text.startsWith('40')) ws.send(`42["join",{"lab":"${lab}"}]`);
      else if (text.startsWith('42["snapshot"')) resolve();
      else if (text.startsWith('451-["frame",'))
        header = (JSON.parse(text.slice(4)) as [string, Got['header']])[1];
    });
    ws.once('error', reject);
  });
  const socket = (ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
  return { ws, frames, pause: () => socket.pause(), resume: () => socket.resume() };
}

interface ServerConn {
  transport: { writable: boolean; socket?: { _socket?: { writableLength: number } } };
}

function sameInts(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

describe('frame memory written again', () => {
  it('reaches a client that stopped reading intact, while one that keeps up gets new frames', async () => {
    await bigLab('big', 256);
    const lab = t.server.registry.get('big')!;
    // What each tick's frame message must hold, built apart from the server's sending path.
    const expected = new Map<number, WireFrameMessage>();
    lab.onFrames((frames: readonly Frame[]) =>
      expected.set(frames[0].tick, encodeFrameMessage('big', frames)),
    );

    const before = new Set(t.server.io.sockets.sockets.keys());
    const slow = await rawViewer(t.url, 'big');
    const slowId = [...t.server.io.sockets.sockets.keys()].find((k) => !before.has(k))!;
    const slowConn = t.server.io.sockets.sockets.get(slowId)!.conn as unknown as ServerConn;
    const fast = await client(t.url);
    const fastTicks: number[] = [];
    const fastFrames = new Map<number, WireFrameMessage>();
    fast.on('frame', (m) => {
      fastTicks.push(m.tick);
      fastFrames.set(m.tick, m);
    });
    fast.emit('join', { lab: 'big' });
    slow.pause();

    // Run until the slow client's connection has been unable to take a frame for 100 broadcasts in
    // a row (its socket's buffers are full; what it was last sent waits in the server's memory).
    let blocked = 0;
    let heldBytes = 0;
    for (let i = 0; i < 3000 && blocked < 100; i++) {
      t.advance(100);
      await new Promise((r) => setImmediate(r));
      if (slowConn.transport.writable) blocked = 0;
      else blocked++;
      heldBytes = slowConn.transport.socket?._socket?.writableLength ?? 0;
    }
    expect(blocked).toBe(100);
    expect(heldBytes).toBeGreaterThan(0);
    const stalledAt = lab.tick;
    const fastDuringStall = fastTicks.filter((k) => k > stalledAt - 100).length;
    expect(fastDuringStall).toBeGreaterThanOrEqual(90);

    // Reading again, the slow client gets what waited for it, then new frames.
    const had = slow.frames.length;
    slow.resume();
    for (let i = 0; i < 200 && !slow.frames.some((f) => f.header.tick > stalledAt); i++) {
      t.advance(100);
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(slow.frames.some((f) => f.header.tick > stalledAt)).toBe(true);
    expect(slow.frames.length).toBeGreaterThan(had);

    for (const f of slow.frames) {
      const want = expected.get(f.header.tick);
      expect(want, `tick ${f.header.tick}`).toBeDefined();
      expect(f.header.frames).toEqual(want!.frames);
      expect(sameInts(wireInts(f.data), wireInts(want!.data)), `data of tick ${f.header.tick}`).toBe(true);
    }
    for (const [tick, m] of fastFrames) {
      expect(sameInts(wireInts(m.data), wireInts(expected.get(tick)!.data)), `fast, tick ${tick}`).toBe(true);
    }
    slow.ws.terminate();
    fast.close();
  });
});
