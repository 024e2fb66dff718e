/**
 * Integration helpers: the real app on 127.0.0.1 port 0 with a manual clock and a temp data dir,
 * real socket.io clients, and waiting for events with a timeout (never sleeping).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import { DEFAULTS, type Config } from '../../server/config.js';
import { ManualClock } from '../../server/lab/clock.js';
import { simEngines, type EngineFactory } from '../../server/lab/engines.js';
import { openFileStore } from '../../server/lab/fileStore.js';
import type { Store } from '../../server/lab/store.js';
import { silentLogger } from '../../server/log.js';
import { createApp, type LabServer } from '../../server/net/app.js';
import type { Command } from '../../shared/commands.js';
import type {
  ClientToServer,
  LabEvent,
  LabState,
  ServerToClient,
  SnapshotMessage,
} from '../../shared/protocol.js';
import type { WireFrameMessage } from '../../shared/wireFrame.js';

export type Client = Socket<ServerToClient, ClientToServer>;

export interface TestServer {
  server: LabServer;
  url: string;
  clock: ManualClock;
  dataDir: string;
  /** Advance the manual clock by `ms` (the labs run the ticks that fall due). */
  advance(ms: number): void;
  close(): Promise<void>;
}

export async function startServer(
  opts: {
    dataDir?: string;
    config?: Partial<Config>;
    engines?: EngineFactory;
    scorecard?: () => Promise<unknown>;
    persist?: boolean;
    /** The store the labs persist in (a Redis one); by default a file store in `dataDir`. */
    store?: Store;
    rebuildTicks?: number;
    /** Where the server logs (silent by default). */
    logger?: Logger;
  } = {},
): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), 'lab-it-'));
  const config: Config = {
    ...DEFAULTS,
    port: 0,
    host: '127.0.0.1',
    dataDir,
    clientDir: path.join(dataDir, 'no-client'),
    ...opts.config,
  };
  const clock = new ManualClock(1000);
  const logger = opts.logger ?? silentLogger();
  const store = opts.store ?? (opts.persist === false ? undefined : await openFileStore(dataDir, logger));
  const server = await createApp({
    config,
    clock,
    logger,
    store,
    engines: opts.engines,
    scorecard: opts.scorecard,
    rebuildTicks: opts.rebuildTicks,
  });
  const { url } = await server.listen();
  await server.restored;
  return {
    server,
    url,
    clock,
    dataDir,
    advance: (ms) => clock.advance(ms),
    close: () => server.close(),
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A connected websocket client. */
export async function client(url: string, auth?: { token?: string }, ms = 5000): Promise<Client> {
  const s: Client = connect(url, { transports: ['websocket'], auth, reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no connection within ${ms} ms`)), ms);
    s.once('connect', () => {
      clearTimeout(t);
      resolve();
    });
    s.once('connect_error', (e) => {
      clearTimeout(t);
      reject(e);
    });
  });
  return s;
}

/** The next `event` on `socket` that satisfies `pred`, or a rejection after `ms`. */
export function waitFor<T = unknown>(
  socket: Client,
  event: string,
  pred: (msg: T) => boolean = () => true,
  ms = 5000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const anySocket = socket as unknown as {
      on(e: string, f: (m: T) => void): void;
      off(e: string, f: (m: T) => void): void;
    };
    const t = setTimeout(() => {
      anySocket.off(event, on);
      reject(new Error(`timed out waiting for "${event}"`));
    }, ms);
    const on = (msg: T) => {
      if (!pred(msg)) return;
      clearTimeout(t);
      anySocket.off(event, on);
      resolve(msg);
    };
    anySocket.on(event, on);
  });
}

/** Emit with an ack and wait for it. */
export function request<T>(socket: Client, event: string, msg: unknown, ms = 5000): Promise<T> {
  return (socket as unknown as { timeout(ms: number): { emitWithAck(e: string, m: unknown): Promise<T> } })
    .timeout(ms)
    .emitWithAck(event, msg);
}

/** fetch JSON with an optional bearer token. */
export async function http(
  url: string,
  init: {
    method?: string;
    body?: unknown;
    raw?: string;
    token?: string;
    headers?: Record<string, string>;
  } = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
): Promise<{ status: number; body: any; text: string; headers: Headers }> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.body !== undefined || init.raw !== undefined) headers['content-type'] ??= 'application/json';
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers,
    body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
  });
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body, text, headers: res.headers };
}

/**
 * Run one tick at a time until the lab has computed `tick`, waiting after each tick until every
 * socket received its frame (frames are volatile: a client still busy with the last one would miss
 * the next, exactly as a slow client should). Resolves with each socket's frame of `tick`.
 */
export async function stepTo(
  t: TestServer,
  labId: string,
  sockets: Client[],
  tick: number,
): Promise<WireFrameMessage[]> {
  const lab = t.server.registry.get(labId);
  if (!lab) throw new Error(`no lab ${labId}`);
  let last: WireFrameMessage[] = [];
  while (lab.tick <= tick) {
    const expect = lab.tick;
    const got = Promise.all(
      sockets.map((s) => waitFor<WireFrameMessage>(s, 'frame', (m) => m.tick >= expect)),
    );
    t.advance(lab.tickMs);
    last = await got;
  }
  return last;
}

/**
 * Await `p` (an ack that needs a tick boundary) while letting the manual clock move: each turn
 * yields to I/O once, then advances `stepMs` if a lab has commands waiting for a tick boundary
 * (an applied command waiting for its record to reach the disk does not move the clock).
 * Bounded by the ack's own timeout.
 */
export async function settle<T>(t: TestServer, p: Promise<T>, stepMs = 10): Promise<T> {
  let done = false;
  const out = p.finally(() => {
    done = true;
  });
  while (!done) {
    await new Promise((r) => setImmediate(r));
    if (!done && t.server.registry.list().some((l) => l.queued > 0)) t.advance(stepMs);
  }
  return out;
}

/** POST one command to lab `id`, stepping the manual clock until it is answered; the answer's body. */
export async function postCommand(
  t: TestServer,
  id: string,
  body: unknown,
): Promise<{ ok: boolean; data?: { tick: number } }> {
  const r = http(`${t.url}/api/labs/${id}/commands`, { method: 'POST', body });
  return (await settle(t, r)).body;
}

/** The log a page joining lab `id` is sent (its snapshot's events). */
export async function joinedLog(t: TestServer, id: string): Promise<LabEvent[]> {
  const socket = await client(t.url);
  try {
    const snap = waitFor<SnapshotMessage>(socket, 'snapshot', (m) => m.lab === id);
    const joined = await request<{ ok: boolean }>(socket, 'join', { lab: id });
    if (!joined.ok) throw new Error(`could not join lab "${id}": ${JSON.stringify(joined)}`);
    return (await snap).events;
  } finally {
    socket.disconnect();
  }
}

/** A command adding a small steady VPS `id` (1 vCPU, 2 GiB). */
export const addSteadyVps = (id: string): Command => ({
  type: 'addVps',
  vps: { id, vcpus: 1, ramGiB: 2, diskIops: 1000, netMbps: 100, profile: 'steady' },
});

/** A command removing VPS `id`. */
export const removeVps = (id: string): Command => ({ type: 'removeVps', vps: id });

/** Lab `id`'s state as REST gives it (the answer checked to be 200). */
export async function labState(t: { url: string }, id: string): Promise<LabState> {
  const r = await http(`${t.url}/api/labs/${id}`);
  if (r.status !== 200) throw new Error(`GET /api/labs/${id}: ${r.status} ${r.text}`);
  return r.body.data as LabState;
}

/** The engine factory a restart runs with, every engine build held until `release()`. */
export function gatedEngines(): { engines: EngineFactory; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((ok) => (release = ok));
  const engines: EngineFactory = {
    create: async (...args) => (await gate, simEngines.create(...args)),
    restore: async (snap) => (await gate, simEngines.restore(snap)),
  };
  return { engines, release };
}

/**
 * The real app again on `dataDir` (saved by an earlier run), on 127.0.0.1 port 0, every engine
 * build held until `release()`: its labs stay being restored until the test lets them go.
 */
export async function restartHeld(
  dataDir: string,
): Promise<{ url: string; server: LabServer; release: () => void }> {
  const { engines, release } = gatedEngines();
  const logger = silentLogger();
  const config: Config = {
    ...DEFAULTS,
    port: 0,
    host: '127.0.0.1',
    dataDir,
    clientDir: path.join(dataDir, 'no-client'),
  };
  const server = await createApp({
    config,
    clock: new ManualClock(1000),
    logger,
    store: await openFileStore(dataDir, logger),
    engines,
  });
  const { url } = await server.listen();
  return { url, server, release };
}
