/**
 * Global setup of the browser tests: one headless Chromium for the whole run (Debian's, the shared
 * flags), each test file connecting to it (test/e2e/browser.ts) rather than starting its own. Every
 * page still gets a context of its own. Without Chromium installed it starts nothing, and each
 * file's launch says what to install.
 */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.js';

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (!existsSync(CHROMIUM)) return undefined;
  const server = await chromium.launchServer({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  project.provide('chromiumWs', server.wsEndpoint());
  return () => server.close();
}
