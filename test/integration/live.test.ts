import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack, FrameMessage, LabEvent, LabState, SnapshotMessage } from '../../shared/protocol.js';
import { decodeFrameMessage, type WireFrameMessage } from '../../shared/wireFrame.js';
import { decodeHistory, rowsOf } from '../wireHistory.js';
import {
  client,
  http,
  removeDir,
  request,
  settle,
  startServer,
  stepTo,
  waitFor,
  type Client,
  type TestServer,
} from './helpers.js';

let t: TestServer;
const LAB = 'live';

beforeAll(async () => {
  t = await startServer();
  const made = await http(`${t.url}/api/labs`, { method: 'POST', body: { id: LAB, preset: 'demo' } });
  expect(made.status).toBe(201);
});

afterAll(async () => {
  await t.close();
  removeDir(t.dataDir);
});

async function joined(auth?: { token?: string }): Promise<{ socket: Client; snapshot: SnapshotMessage }> {
  const socket = await client(t.url, auth);
  const snap = waitFor<SnapshotMessage>(socket, 'snapshot');
  const ack = await request<Ack<{ lab: string }>>(socket, 'join', { lab: LAB });
  expect(ack).toEqual({ ok: true, data: { lab: LAB } });
  return { socket, snapshot: await snap };
}

/** Collect decoded frames on a socket. */
function frames(socket: Client): FrameMessage[] {
  const out: FrameMessage[] = [];
  socket.on('frame', (m: WireFrameMessage) => out.push(decodeFrameMessage(m)));
  return out;
}

/** Step the lab tick by tick until `socket` has seen frame `tick`. */
async function until(socket: Client, tick: number): Promise<FrameMessage> {
  return decodeFrameMessage((await stepTo(t, LAB, [socket], tick))[0]);
}

describe('live lab over socket.io', () => {
  it('two clients see the same ticks with the same numbers', async () => {
    const a = await joined();
    const b = await joined();
    const fa = frames(a.socket);
    const fb = frames(b.socket);
    const start = t.server.registry.get(LAB)!.tick;
    await stepTo(t, LAB, [a.socket, b.socket], start + 9);
    expect(fa.map((f) => f.tick)).toEqual(Array.from({ length: 10 }, (_, i) => start + i));
    expect(fb).toEqual(fa);
    a.socket.disconnect();
    b.socket.disconnect();
  });

  it('a command from one client reaches both within one tick, recorded with who sent it', async () => {
    const a = await joined();
    const b = await joined();
    const evA = waitFor<{ lab: string; event: LabEvent; state?: LabState }>(
      a.socket,
      'event',
      (m) => m.event.kind === 'command',
    );
    const evB = waitFor<{ lab: string; event: LabEvent; state?: LabState }>(
      b.socket,
      'event',
      (m) => m.event.kind === 'command',
    );
    const ack = await settle(
      t,
      request<Ack<{ tick: number }>>(a.socket, 'command', {
        lab: LAB,
        type: 'setLoad',
        vps: 'batch-1',
        load: { cpu: 1 },
      }),
    );
    expect(ack.ok).toBe(true);
    const tick = ack.ok ? ack.data.tick : -1;
    const [ea, eb] = await Promise.all([evA, evB]);
    expect(ea.event).toMatchObject({
      tick,
      by: a.snapshot.you,
      command: { type: 'setLoad', vps: 'batch-1' },
    });
    expect(a.snapshot.you).toMatch(/^viewer \d+$/);
    expect(b.snapshot.you).not.toBe(a.snapshot.you);
    expect(eb.event).toEqual(ea.event);
    expect(ea.state?.vps.find((v) => v.id === 'batch-1')?.load.cpu).toBe(1);
    const [fa, fb] = (await stepTo(t, LAB, [a.socket, b.socket], tick)).map(decodeFrameMessage);
    const batch = (f: FrameMessage) => f.frames[0].vps.find((v) => v.id === 'batch-1')!;
    const vcpus = ea.state!.vps.find((v) => v.id === 'batch-1')!.vcpus;
    expect(batch(fa).cpuDemand).toBeCloseTo(vcpus, 1); // 100 % of its vCPUs, steady profile
    expect(batch(fb)).toEqual(batch(fa));
    a.socket.disconnect();
    b.socket.disconnect();
  });

  it('invalid commands get coded errors naming the field and change nothing', async () => {
    const a = await joined();
    const lab = t.server.registry.get(LAB)!;
    t.advance(100);
    const before = JSON.stringify(lab.engines[0].save());
    const cases: [unknown, string, string | undefined][] = [
      [{ lab: LAB, type: 'setLoad', vps: 'web-1', load: { cpu: 7 } }, 'INVALID_INPUT', 'load.cpu'],
      [{ lab: LAB, type: 'explode' }, 'INVALID_INPUT', 'type'],
      [{ lab: LAB, type: 'startFault', vps: 'nope-9', fault: 'cpu_hog' }, 'UNKNOWN_VPS', undefined],
      [{ lab: 'missing', type: 'setLoad', vps: 'web-1', load: { cpu: 1 } }, 'UNKNOWN_LAB', 'lab'],
      [{ type: 'setLoad', vps: 'web-1', load: { cpu: 1 } }, 'INVALID_INPUT', 'lab'],
      ['not an object', 'INVALID_INPUT', '(root)'],
    ];
    for (const [msg, code, path] of cases) {
      const r = await settle(t, request<Ack<{ tick: number }>>(a.socket, 'command', msg));
      expect(r.ok, JSON.stringify(msg)).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe(code);
        if (path) expect(r.error.path).toBe(path);
        expect(r.error.message).not.toMatch(/\n\s+at /);
      }
    }
    expect(JSON.stringify(lab.engines[0].save())).toBe(before);
    a.socket.disconnect();
  });

  it('clock actions pause, step and set speed, acknowledged with the tick', async () => {
    const a = await joined();
    const lab = t.server.registry.get(LAB)!;
    const paused = await request<Ack<{ tick: number; paused: boolean }>>(a.socket, 'clock', {
      lab: LAB,
      action: 'pause',
    });
    expect(paused).toMatchObject({ ok: true, data: { paused: true, tick: lab.tick } });
    const at = lab.tick;
    t.advance(1000);
    expect(lab.tick).toBe(at);
    const stepped = await request<Ack<{ tick: number }>>(a.socket, 'clock', {
      lab: LAB,
      action: 'step',
      ticks: 5,
    });
    expect(stepped).toMatchObject({ ok: true, data: { tick: at + 5 } });
    const bad = await request<Ack<unknown>>(a.socket, 'clock', { lab: LAB, action: 'speed', speed: 500 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', path: 'speed' } });
    await request(a.socket, 'clock', { lab: LAB, action: 'speed', speed: 1 });
    await request(a.socket, 'clock', { lab: LAB, action: 'resume' });
    a.socket.disconnect();
  });

  it('a reconnecting client gets a snapshot first and continues without a gap', async () => {
    const a = await joined();
    await until(a.socket, t.server.registry.get(LAB)!.tick + 3);
    a.socket.disconnect();
    // Ticks go by while it is away.
    t.advance(2000);
    const again = await client(t.url);
    const order: string[] = [];
    again.onAny((e) => order.push(e));
    const snap = waitFor<SnapshotMessage>(again, 'snapshot');
    await request(again, 'join', { lab: LAB });
    const s = await snap;
    const lab = t.server.registry.get(LAB)!;
    expect(s.state.tick).toBe(lab.tick);
    const entries = decodeHistory(s.historyColumns);
    const last = entries.at(-1)!.tick;
    expect(last).toBe(lab.tick - 1);
    const hist = entries.map((h) => h.tick);
    expect(hist).toEqual(Array.from({ length: hist.length }, (_, i) => last - hist.length + 1 + i));
    const next = waitFor<WireFrameMessage>(again, 'frame');
    t.advance(100);
    expect((await next).tick).toBe(last + 1);
    expect(order[0]).toBe('snapshot');
    again.disconnect();
  });
});

describe('frame delivery by transport', () => {
  it('a long-polling client gets the same frames as a websocket client (those its poll was open for)', async () => {
    const { io: connect } = await import('socket.io-client');
    const polling: Client = connect(t.url, { transports: ['polling'], reconnection: false, forceNew: true });
    await new Promise<void>((ok, fail) => {
      polling.once('connect', ok);
      polling.once('connect_error', fail);
    });
    const ws = await client(t.url);
    for (const s of [polling, ws]) {
      const snap = waitFor<SnapshotMessage>(s, 'snapshot');
      await request(s, 'join', { lab: LAB });
      await snap;
    }
    const got = new Map<number, WireFrameMessage>();
    polling.on('frame', (m: WireFrameMessage) => got.set(m.tick, m));
    const sent = new Map<number, WireFrameMessage>();
    for (let i = 0; i < 50 && got.size < 3; i++) {
      const polled = waitFor<WireFrameMessage>(polling, 'frame', () => true, 500).catch(() => null);
      const [m] = await stepTo(t, LAB, [ws], t.server.registry.get(LAB)!.tick);
      sent.set(m.tick, m);
      // A poll that was not open when the frame went out misses it (volatile): then the next one.
      await polled;
    }
    expect(got.size).toBeGreaterThanOrEqual(3);
    // The same numbers either way (the binary data arrives base64-coded over polling).
    for (const [tick, m] of got) expect(rowsOf(m)).toEqual(rowsOf(sent.get(tick)!));
    polling.disconnect();
    ws.disconnect();
  });
});

describe('snapshot history forms', () => {
  async function joinWith(msg: Record<string, unknown>): Promise<SnapshotMessage> {
    const socket = await client(t.url);
    const snap = waitFor<SnapshotMessage>(socket, 'snapshot');
    const ack = await request<Ack<{ lab: string }>>(socket, 'join', { lab: LAB, ...msg });
    expect(ack.ok).toBe(true);
    const s = await snap;
    socket.disconnect();
    return s;
  }

  it('in columns, a join gets the entries as frames would be; historyS and metrics bound them; the next frame follows', async () => {
    const lab = t.server.registry.get(LAB)!;
    t.advance(3000);
    const plain = await joinWith({});
    // An older page still naming the (only) form gets the same.
    const cols = await joinWith({ historyForm: 'columns' });
    expect(cols.historyColumns).toEqual(plain.historyColumns);
    const entries = decodeHistory(plain.historyColumns);
    expect(JSON.stringify(cols).length * 3).toBeLessThan(JSON.stringify(entries).length);
    const short = await joinWith({ historyS: 2, metrics: ['latencyP99Ms'] });
    const got = decodeHistory(short.historyColumns);
    expect(got.map((m) => m.tick)).toEqual(entries.slice(-21).map((m) => m.tick));
    expect(got.at(-1)).toEqual(entries.at(-1));
    expect(got.at(-1)!.tick).toBe(lab.tick - 1);
  });

  it('refuses an unknown history form or metric, naming the field', async () => {
    const socket = await client(t.url);
    for (const [msg, path] of [
      [{ historyForm: 'csv' }, 'historyForm'],
      [{ historyForm: 'frames' }, 'historyForm'],
      [{ historyForm: 'columns', metrics: ['nope'] }, 'metrics[0]'],
      [{ historyS: -1 }, 'historyS'],
    ] as const) {
      const r = await request<Ack<unknown>>(socket, 'join', { lab: LAB, ...msg });
      expect(r.ok ? null : r.error).toMatchObject({ code: 'INVALID_INPUT', path });
    }
    socket.disconnect();
  });
});

describe('log entries', () => {
  it('a fault with a duration ends by itself: one faultEnded entry, carrying the new state', async () => {
    const a = await joined();
    const ended: { event: LabEvent; state?: LabState }[] = [];
    a.socket.on('event', (m: { event: LabEvent; state?: LabState }) => {
      if (m.event.kind === 'faultEnded') ended.push(m);
    });
    const ack = await settle(
      t,
      request<Ack<{ tick: number }>>(a.socket, 'command', {
        lab: LAB,
        type: 'startFault',
        vps: 'ci-1',
        fault: 'io_storm',
        durationS: 1,
      }),
    );
    expect(ack.ok).toBe(true);
    const start = ack.ok ? ack.data.tick : 0;
    const got = waitFor<{ event: LabEvent; state?: LabState }>(
      a.socket,
      'event',
      (m) => m.event.kind === 'faultEnded',
    );
    await stepTo(t, LAB, [a.socket], start + 12);
    const m = await got;
    expect(m.event.message).toMatch(/io_storm on ci-1 ended/);
    expect(m.event.tick).toBe(start + 10);
    expect(m.state?.faults.some((f) => f.vps === 'ci-1' && f.fault === 'io_storm')).toBe(false);
    expect(ended).toHaveLength(1);
    a.socket.disconnect();
  });
});

describe('watch-only without the control token', () => {
  let w: TestServer;
  beforeAll(async () => {
    w = await startServer({ config: { controlToken: 'teacher-secret' } });
    const made = await http(`${w.url}/api/labs`, {
      method: 'POST',
      body: { id: 'class', preset: 'demo' },
      token: 'teacher-secret',
    });
    expect(made.status).toBe(201);
  });
  afterAll(async () => {
    await w.close();
    removeDir(w.dataDir);
  });

  it('watchers get frames and canControl false; their commands are FORBIDDEN and change nothing', async () => {
    const s = await client(w.url);
    const snap = waitFor<SnapshotMessage>(s, 'snapshot');
    await request(s, 'join', { lab: 'class' });
    expect((await snap).canControl).toBe(false);
    const lab = w.server.registry.get('class')!;
    const frame = waitFor<WireFrameMessage>(s, 'frame');
    w.advance(100);
    await frame;
    const before = JSON.stringify(lab.engines[0].save());
    const r = await request<Ack<unknown>>(s, 'command', {
      lab: 'class',
      type: 'startFault',
      vps: 'web-1',
      fault: 'cpu_hog',
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const c = await request<Ack<unknown>>(s, 'clock', { lab: 'class', action: 'pause' });
    expect(c).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    w.advance(10);
    expect(JSON.stringify(lab.engines[0].save())).toBe(before);
    expect(lab.paused).toBe(false);
    const rest = await http(`${w.url}/api/labs/class/commands`, {
      method: 'POST',
      body: { type: 'removeVps', vps: 'web-1' },
    });
    expect(rest.status).toBe(403);
    expect(rest.body.error.code).toBe('FORBIDDEN');
    const wrong = await http(`${w.url}/api/labs/class/commands`, {
      method: 'POST',
      body: { type: 'removeVps', vps: 'web-1' },
      token: 'guess-guess',
    });
    expect(wrong.status).toBe(403);
    s.disconnect();
  });

  it('a wrong token is told so, not asked for a token it gave; nothing changes', async () => {
    const lab = w.server.registry.get('class')!;
    const before = JSON.stringify(lab.engines[0].save());
    const none = await http(`${w.url}/api/labs/class/commands`, {
      method: 'POST',
      body: { type: 'removeVps', vps: 'web-1' },
    });
    expect(none.body.error.message).toMatch(/needs the control token/);
    const rest = await http(`${w.url}/api/labs/class/commands`, {
      method: 'POST',
      body: { type: 'removeVps', vps: 'web-1' },
      token: 'guess-guess',
    });
    expect(rest.status).toBe(403);
    expect(rest.body.error).toMatchObject({ code: 'FORBIDDEN', path: 'token' });
    expect(rest.body.error.message).toMatch(/token given is not this server's control token/);
    // The token in the address, as the page's link carries it: told where it goes instead.
    const inUrl = await http(`${w.url}/api/labs/class/commands?token=teacher-secret`, {
      method: 'POST',
      body: { type: 'removeVps', vps: 'web-1' },
    });
    expect(inUrl.status).toBe(400);
    expect(inUrl.body.error).toMatchObject({ code: 'INVALID_INPUT', path: 'token' });
    expect(inUrl.body.error.message).toMatch(/Authorization: Bearer/);
    const s = await client(w.url, { token: 'guess-guess' });
    const snap = waitFor<SnapshotMessage>(s, 'snapshot');
    await request(s, 'join', { lab: 'class' });
    expect((await snap).canControl).toBe(false);
    const r = await request<Ack<unknown>>(s, 'command', { lab: 'class', type: 'removeVps', vps: 'web-1' });
    expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', path: 'token' } });
    if (r.ok) return;
    expect(r.error.message).toMatch(/token given is not this server's control token/);
    w.advance(10);
    expect(JSON.stringify(lab.engines[0].save())).toBe(before);
    s.disconnect();
  });

  it('the teacher with the token steers', async () => {
    const s = await client(w.url, { token: 'teacher-secret' });
    const snap = waitFor<SnapshotMessage>(s, 'snapshot');
    await request(s, 'join', { lab: 'class' });
    expect((await snap).canControl).toBe(true);
    const p = request<Ack<{ tick: number }>>(s, 'command', {
      lab: 'class',
      type: 'setLoad',
      vps: 'web-1',
      load: { cpu: 0.9 },
    });
    expect((await settle(w, p)).ok).toBe(true);
    s.disconnect();
  });
});

describe('client limit', () => {
  it('refuses connections beyond MAX_CLIENTS at the handshake, and takes one again once a place frees', async () => {
    const s = await startServer({ persist: false, config: { maxClients: 2 } });
    const a = await client(s.url);
    const b = await client(s.url);
    const refused = await client(s.url).then(
      () => null,
      (e: Error) => e,
    );
    expect(refused).toBeInstanceOf(Error);
    expect(a.connected && b.connected).toBe(true);
    a.disconnect();
    await waitUntil(() => s.server.io.engine.clientsCount < 2);
    const c = await client(s.url);
    expect(c.connected).toBe(true);
    c.disconnect();
    b.disconnect();
    await s.close();
    removeDir(s.dataDir);
  });
});

async function waitUntil(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
