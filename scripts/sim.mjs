#!/usr/bin/env node
/**
 * `npm run sim`: starts the headless runner (server/cli/sim.ts) from a bundle built once per change
 * of its sources (scripts/sim-bundle.mjs), so a run pays neither for transpiling TypeScript nor for
 * resolving modules at every start. Falls back to tsx when the bundler is not installed or the
 * bundle cannot be built or loaded. Flags and exit codes are the runner's own.
 */
import { pathToFileURL } from 'node:url';
import { ENTRY, buildBundle, freshBundle, loadBundle } from './sim-bundle.mjs';

async function load() {
  try {
    const file = freshBundle();
    try {
      if (file) return loadBundle(file);
    } catch {
      // A bundle removed or damaged since the manifest named it: build it again.
    }
    return loadBundle(await buildBundle());
  } catch {
    const { register } = await import('tsx/esm/api');
    register();
    return { exports: await import(pathToFileURL(ENTRY).href), done: () => {} };
  }
}

const { exports, done } = await load();
try {
  process.exitCode = await exports.main(process.argv.slice(2));
} catch (e) {
  // Whatever went wrong is said in one line: a stack trace tells a user nothing.
  process.stderr.write(`sim: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
}
done();
