/**
 * The one fixture of the browser tests: per test file, the real server (child process on port 0,
 * its port handed over by its listen call) and a connection to the run's headless Chromium; per test, `open(path)` gives
 * pages on that server whose contexts close when the test ends.
 *
 * ```ts
 * const test = browserTest();                       // or browserTest({ controlToken: 'x' })
 * test('…', async ({ server, open }) => { const { page, errors } = await open('/?lab=demo'); });
 * ```
 */
import { test as base } from 'vitest';
import type { Browser } from 'playwright-core';
import { testBrowser } from './browser.js';
import {
  openPage,
  removeDataDir,
  startServer,
  type OpenedPage,
  type PageOptions,
  type RunningServer,
  type ServerOptions,
} from './harness.js';

/** Opens a page at `path` (relative to the server) in a fresh context, closed after the test. */
export type Open = (path: string, opts?: PageOptions) => Promise<OpenedPage>;

/** What a file's server is asked once it listens, without waiting for the answer. */
export interface Warm {
  /**
   * Paths fetched at once (e.g. `/api/scorecard`, computed on first ask): what a later test opens
   * is ready, or under way, by then.
   */
  warm?: readonly string[];
}

/** The browser-test API for one file; `server` options apply to the file's server. */
export function browserTest(server: ServerOptions = {}, { warm = [] }: Warm = {}) {
  return (
    base
      // Vitest reads a fixture's dependencies from its first parameter, so `{}` says "none".
      // eslint-disable-next-line no-empty-pattern
      .extend('server', { scope: 'file' }, async ({}, { onCleanup }): Promise<RunningServer> => {
        const s = await startServer(server);
        const warming = warm.map((path) =>
          fetch(`${s.url}${path}`)
            .then((r) => r.arrayBuffer())
            .catch(() => undefined),
        );
        onCleanup(async () => {
          await Promise.all(warming);
          await s.stop();
          removeDataDir(s.dataDir);
        });
        return s;
      })
      // eslint-disable-next-line no-empty-pattern
      .extend('browser', { scope: 'file' }, async ({}, { onCleanup }): Promise<Browser> => {
        const b = await testBrowser();
        onCleanup(() => b.close());
        return b;
      })
      .extend('open', async ({ server, browser }, { onCleanup }): Promise<Open> => {
        const opened: OpenedPage[] = [];
        onCleanup(async () => {
          await Promise.all(opened.map((o) => o.context.close().catch(() => undefined)));
        });
        return async (path, opts) => {
          const o = await openPage(browser, `${server.url}${path}`, opts);
          opened.push(o);
          return o;
        };
      })
  );
}
