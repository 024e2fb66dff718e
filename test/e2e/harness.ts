/**
 * Browser test harness: the real server as a child process on 127.0.0.1 (port 0, the chosen port
 * handed over on IPC; temp DATA_DIR, fixed seed), the built client from dist/client, and headless Chromium.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SERVE } from '../serve.js';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const SEED = 42;
export { CHROMIUM, launchBrowser } from './chromium.js';

/**
 * Builds the client if dist/client is missing (npm test builds it before any test runs), or always
 * with `force` (the bench measures the current source).
 */
export function ensureClientBuilt(force = false): void {
  if (!force && existsSync(join(ROOT, 'dist/client/index.html'))) return;
  const build = 'npx vite build --config client/vite.config.ts --logLevel warn';
  const r = spawnSync(
    'flock',
    [
      '/tmp/contention-lab-build.lock',
      'sh',
      '-c',
      force ? build : `test -f dist/client/index.html || ${build}`,
    ],
    { cwd: ROOT, stdio: 'inherit' },
  );
  if (r.status !== 0) throw new Error('building the client failed');
}

export interface ServerOptions {
  /** Reuse a data directory (restart); a fresh temp directory otherwise. */
  dataDir?: string;
  controlToken?: string;
  env?: Record<string, string>;
}

export interface RunningServer {
  port: number;
  url: string;
  dataDir: string;
  /** The current server process. */
  readonly child: ChildProcess;
  /** Everything the current process printed, for failure messages. */
  log(): string;
  /** SIGTERM, then SIGKILL if it lingers; resolves once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** After `stop`: starts the server again on the same port with the same data directory. */
  restart(): Promise<void>;
}

/** What server/main.ts sends its parent over IPC once listening. */
interface ListeningMessage {
  listening: { port: number; url: string };
}

function isListening(m: unknown): m is ListeningMessage {
  const l = (m as Partial<ListeningMessage> | null)?.listening;
  return typeof l?.port === 'number' && l.port > 0;
}

interface ServerProcess {
  child: ChildProcess;
  port: number;
  exited: Promise<void>;
  hasExited(): boolean;
  log(): string;
}

/** Spawns the server as `npm start` runs it and resolves with the port its listen call hands over on IPC. */
async function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  // One process (no tsx CLI wrapper), so a signal reaches the server itself.
  const child = spawn(process.execPath, [SERVE], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  let exited = false;
  const exitPromise = new Promise<void>((res) => child.once('exit', () => ((exited = true), res())));
  const collect = (buf: Buffer): void => {
    output += buf.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const port = await new Promise<number>((res, rej) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`server did not start listening within 60 s:\n${output}`));
    }, 60_000);
    child.on('message', (m) => {
      if (!isListening(m)) return;
      clearTimeout(timer);
      res(m.listening.port);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`server exited (${code}) before listening:\n${output}`));
    });
  });
  return { child, port, exited: exitPromise, hasExited: () => exited, log: () => output };
}

/**
 * Starts `server/main.ts` as a child process and resolves once it is listening, with the port its
 * listen call chose (handed over on the IPC channel, not read from the log).
 */
export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  ensureClientBuilt();
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'contention-e2e-'));
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    SEED: String(SEED),
    LOG_LEVEL: 'info',
    NODE_ENV: 'test',
    ...opts.env,
  };
  delete env.CONTROL_TOKEN;
  if (opts.controlToken) env.CONTROL_TOKEN = opts.controlToken;
  let proc = await spawnServer(env);
  const port = proc.port;
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/api/labs`, 20_000);

  return {
    port,
    url,
    dataDir,
    get child() {
      return proc.child;
    },
    log: () => proc.log(),
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.hasExited()) return;
      proc.child.kill(signal);
      const timer = setTimeout(() => proc.child.kill('SIGKILL'), 5_000);
      await proc.exited;
      clearTimeout(timer);
    },
    async restart() {
      if (!proc.hasExited()) throw new Error('restart() needs the server stopped first');
      proc = await spawnServer({ ...env, PORT: String(port) });
      await waitForHttp(`${url}/api/labs`, 20_000);
    },
  };
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
      last = r.status;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer: ${String(last)}`);
}

/** Removes a temp data directory created by startServer. */
export function removeDataDir(dir: string): void {
  if (dir.startsWith(tmpdir())) rmSync(dir, { recursive: true, force: true });
}

/** A JSON call to the server's REST API; returns the status and parsed body. */
export async function api<T = unknown>(
  server: { url: string },
  path: string,
  init: { method?: string; body?: unknown; token?: string } = {},
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {};
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const r = await fetch(`${server.url}${path}`, {
    method: init.method ?? (init.body !== undefined ? 'POST' : 'GET'),
    headers,
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
  });
  const text = await r.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: r.status, body: body as T };
}

/** The data of a `{ ok: true, data }` answer (every REST answer has that shape); throws on anything else. */
export function unwrap<T>(body: unknown): T {
  const b = body as { ok?: unknown; data?: T; error?: unknown } | null;
  if (b?.ok !== true || !('data' in b)) throw new Error(`API error: ${JSON.stringify(body)}`);
  return b.data as T;
}

export interface OpenedPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors seen so far. */
  errors: string[];
}

/** Viewport and colour scheme of a page. */
export interface PageOptions {
  width?: number;
  height?: number;
  colorScheme?: 'light' | 'dark';
  /** A touch screen (a phone): touch events, and pointers of type touch. */
  touch?: boolean;
  /** What the user asked of motion ('reduce' unless said). */
  reducedMotion?: 'reduce' | 'no-preference';
}

/** A fresh context (own storage) and page at the given viewport, collecting errors. */
export async function openPage(browser: Browser, url: string, opts: PageOptions = {}): Promise<OpenedPage> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 720 },
    colorScheme: opts.colorScheme ?? 'light',
    hasTouch: opts.touch ?? false,
    reducedMotion: opts.reducedMotion ?? 'reduce',
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  return { context, page, errors };
}
