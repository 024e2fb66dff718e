/**
 * The browser of a browser test: the run's one headless Chromium, started by the e2e project's
 * global setup (test/e2e/browserServer.ts) and reached over its WebSocket, or one launched for the
 * file when there is none. Closing what this gives closes the contexts it made and, for the shared
 * browser, only disconnects.
 */
import { inject } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { launchBrowser } from './chromium.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared Chromium's WebSocket endpoint; absent when the global setup did not start one. */
    chromiumWs?: string;
  }
}

export async function testBrowser(): Promise<Browser> {
  const ws = inject('chromiumWs');
  return ws ? chromium.connect(ws) : launchBrowser();
}
