#!/usr/bin/env node
/**
 * `npm run sim`: starts the headless runner (server/cli/sim.ts) from a bundle built once per change
 * of its sources (scripts/bundle.mjs), so a run pays neither for transpiling TypeScript nor for
 * resolving modules at every start. Falls back to tsx when the bundler is not installed or the
 * bundle cannot be built or loaded. Flags and exit codes are the runner's own.
 */
import { loadEntry } from './bundle.mjs';

const { exports, done } = await loadEntry('sim');
try {
  process.exitCode = await exports.main(process.argv.slice(2));
} catch (e) {
  // Whatever went wrong is said in one line: a stack trace tells a user nothing.
  process.stderr.write(`sim: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
}
done();
