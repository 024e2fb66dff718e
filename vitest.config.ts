import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  plugins: [svelte({ configFile: false })],
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    // expect.poll waits on a server, a socket or a browser: on a loaded 2-core machine the
    // default second is not enough for a lab to switch modes or a page to receive its snapshot.
    expect: { poll: { timeout: 10_000 } },
  },
});
