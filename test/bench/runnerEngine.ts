/**
 * The engine alone on a runner bench scenario file: load, validate, build the engine and advance
 * every tick without reading anything. Prints the seconds spent advancing (startup excluded).
 * Usage: node --import tsx test/bench/runnerEngine.ts FILE
 */
import { parseScenarioJson } from '../../server/scenario.js';
import { createEngine } from '../../server/sim/index.js';
import { readFileSync } from 'node:fs';

const loaded = parseScenarioJson(readFileSync(process.argv[2], 'utf8'), { runner: true });
if (!loaded.ok) throw new Error(loaded.error.message);
const s = loaded.data;
const engine = createEngine(s);
const ticks = Math.round(((s.durationS ?? 60) * 1000) / engine.tickMs);
const t0 = performance.now();
engine.advance(ticks);
process.stdout.write(`${((performance.now() - t0) / 1000).toFixed(4)}\n`);
