/**
 * Browser test harness: the real server as a child process on 127.0.0.1 (port 0 or a given port,
 * temp DATA_DIR, fixed seed), the built client from dist/client, and headless Chromium.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const CHROMIUM = '/usr/bin/chromium';
export const SEED = 42;

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

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

/** Headless Chromium from Debian's package; each launch gets a fresh temporary profile. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (npm test does it)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export interface ServerOptions {
  /** 0 (default) picks a free port; a fixed port restarts a server where it was. */
  port?: number;
  /** Reuse a data directory (restart); a fresh temp directory otherwise. */
  dataDir?: string;
  controlToken?: string;
  env?: Record<string, string>;
}

export interface RunningServer {
  port: number;
  url: string;
  dataDir: string;
  child: ChildProcess;
  /** Everything the process printed, for failure messages. */
  log(): string;
  /** SIGTERM, then SIGKILL if it lingers; resolves once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const PORT_PATTERNS = [
  /"port"\s*:\s*(\d+)/,
  /https?:\/\/(?:127\.0\.0\.1|localhost|0\.0\.0\.0|\[::1?\]):(\d+)/,
  /listening\b[^\n]*?:(\d{2,5})\b/i,
  /\bport\s+(\d{2,5})\b/i,
];

function findPort(line: string): number | undefined {
  if (!/listen|ready|started|serving|http/i.test(line)) return undefined;
  for (const re of PORT_PATTERNS) {
    const m = re.exec(line);
    const p = m ? Number(m[1]) : 0;
    if (p > 0 && p < 65536) return p;
  }
  return undefined;
}

/** Starts `server/main.ts` as a child process and resolves once it is listening. */
export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  ensureClientBuilt();
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'contention-e2e-'));
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PORT: String(opts.port ?? 0),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    SEED: String(SEED),
    LOG_LEVEL: 'info',
    NODE_ENV: 'test',
    ...opts.env,
  };
  if (['warn', 'error', 'fatal', 'silent'].includes(env.LOG_LEVEL)) env.LOG_LEVEL = 'info';
  delete env.CONTROL_TOKEN;
  if (opts.controlToken) env.CONTROL_TOKEN = opts.controlToken;
  // One process (no tsx CLI wrapper), so a signal reaches the server itself.
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let exited = false;
  const exitPromise = new Promise<void>((res) => child.once('exit', () => ((exited = true), res())));

  // The port is read from the server's "Contention Lab at <url>" line, logged at level info.
  const port = await new Promise<number>((res, rej) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`server did not report a port within 60 s:\n${output}`));
    }, 60_000);
    let pending = '';
    const onData = (buf: Buffer): void => {
      const text = buf.toString();
      output += text;
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const p = findPort(line);
        if (p !== undefined && (opts.port === undefined || opts.port === 0 || p === opts.port)) {
          clearTimeout(timer);
          res(p);
          return;
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`server exited (${code}) before listening:\n${output}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/api/labs`, 20_000);

  return {
    port,
    url,
    dataDir,
    child,
    log: () => output,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (exited) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exitPromise;
      clearTimeout(timer);
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

/** Unwraps `{ ok, data }` results and bare payloads alike. */
export function unwrap<T>(body: unknown): T {
  if (body && typeof body === 'object' && 'ok' in body) {
    const b = body as { ok: boolean; data?: T; error?: unknown };
    if (!b.ok) throw new Error(`API error: ${JSON.stringify(b.error)}`);
    return b.data as T;
  }
  return body as T;
}

export interface OpenedPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors seen so far. */
  errors: string[];
}

/** A fresh context (own storage) and page at the given viewport, collecting errors. */
export async function openPage(
  browser: Browser,
  url: string,
  opts: { width?: number; height?: number; colorScheme?: 'light' | 'dark' } = {},
): Promise<OpenedPage> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 720 },
    colorScheme: opts.colorScheme ?? 'light',
    reducedMotion: 'reduce',
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
