#!/usr/bin/env node
/**
 * `npm start` after the client's build: the server (server/start.ts) from a bundle built once per
 * change of its sources (scripts/bundle.mjs), so a start pays neither for transpiling TypeScript
 * nor for resolving the server's own modules. Falls back to tsx when the bundle cannot be built or
 * loaded. Environment, flags and exit codes are the server's own (README).
 */
import { loadEntry } from './bundle.mjs';

const { exports, done } = await loadEntry('server');
exports.start();
// The code cache holds what compiling the start needed; written once, after the first start.
done();
