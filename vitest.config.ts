import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  plugins: [svelte({ configFile: false })],
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    // expect.poll waits on a server, a socket or a browser: on a loaded 2-core machine the
    // default second is not enough for a lab to switch modes or a page to receive its snapshot.
    expect: { poll: { timeout: 10_000 } },
    projects: [
      {
        // The unit tests share their worker's modules from file to file (the engine, the schemas,
        // the client's pure code): each file evaluating them again cost more than its tests.
        // Each file leaves no state behind (timers restored, nothing global set).
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], isolate: false },
      },
      {
        // Servers in process, child processes and Redis: each file in a process of its own.
        extends: true,
        test: { name: 'integration', include: ['test/integration/**/*.test.ts'] },
      },
      {
        // Real Chromium against the real server. One Chromium for the run (its global setup); each
        // file its own server (a child process) and each page a context of its own. The files share
        // their worker's modules (playwright, the helpers): importing them again cost each file
        // seconds. What a file starts it stops (servers, Redis, contexts); nothing global is set.
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/browserServer.ts'],
          isolate: false,
        },
      },
    ],
  },
});
