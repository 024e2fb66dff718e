/**
 * Scenario files: reading, validating (shape, then meaning), the bundled presets, and turning a
 * recorded command log back into a scenario that replays it.
 */
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import {
  countScenario,
  parseScenario,
  type ModeSpec,
  type Result,
  type Scenario,
  type ScenarioEvent,
} from '../shared/commands.js';
import type { Frame } from '../shared/model.js';
import { duplicateKeyMessage, findDuplicateKey } from './jsonKeys.js';
import type { AppliedCommand } from './sim/api.js';
import {
  createEngine,
  eventTick,
  validateScenario as checkMeaning,
  type ContentionEngine,
} from './sim/index.js';

/** Why a scenario could not be used. `path` is a JSON path (`events[2].vps`) or, for file errors, the file. */
export interface ScenarioError {
  code: 'INVALID_INPUT' | 'ADMISSION_REFUSED' | 'INVALID_JSON' | 'NOT_FOUND' | 'UNREADABLE';
  message: string;
  path: string;
  /** 1-based position of a JSON syntax error. */
  line?: number;
  column?: number;
}

export type ScenarioResult = Result<Scenario, ScenarioError>;

/** What the preset picker shows. `id` is the file name without `.json`. */
export interface PresetInfo {
  id: string;
  name: string;
  description: string;
  mode: Scenario['mode'];
  vpsCount: number;
  durationS?: number;
}

/** Folder of the bundled presets (`scenarios/` at the repository root). */
export const PRESETS_DIR = fileURLToPath(new URL('../scenarios/', import.meta.url));

const PRESET_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** How a scenario is read: `runner` allows the headless runner's larger VPS count. */
export interface ReadOptions {
  runner?: boolean;
}

/**
 * Validates an already-parsed value as a scenario: the schema first (unknown fields, ranges, ids),
 * then its meaning (every event names a VPS that exists at that moment, admission, …).
 * The error names the JSON path of the first offending field.
 */
export function validateScenario(input: unknown, opts: ReadOptions = {}): ScenarioResult {
  const shaped = parseScenario(input, opts);
  if (!shaped.ok) return shaped;
  const meaning = checkMeaning(shaped.data);
  if (!meaning.ok)
    return {
      ok: false,
      error: { code: 'INVALID_INPUT', message: meaning.error.message, path: meaning.error.path },
    };
  return shaped;
}

/**
 * Parses scenario JSON text. A syntax error reports its line and column; a valid document is then
 * checked by {@link validateScenario}.
 */
export function parseScenarioJson(text: string, opts: ReadOptions = {}): ScenarioResult {
  // A byte-order mark (as some Windows editors save UTF-8) is not part of the JSON.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const offset = jsonErrorOffset(text);
    const at = lineColumn(text, offset < 0 ? text.length : offset);
    const why =
      text.trim() === ''
        ? 'the file is empty'
        : (e as Error).message.replace(/ in JSON at position \d+.*$/, '');
    return {
      ok: false,
      error: {
        code: 'INVALID_JSON',
        message: `invalid JSON at line ${at.line}, column ${at.column}: ${why}`,
        path: '(root)',
        ...at,
      },
    };
  }
  // A scenario with far too many VPSs or events is refused before its text is scanned key by key.
  const tooMany = countScenario(value, opts);
  if (!tooMany.ok) return tooMany;
  const dup = findDuplicateKey(text);
  if (dup) {
    const at = lineColumn(text, dup.offset);
    return {
      ok: false,
      error: { code: 'INVALID_INPUT', message: duplicateKeyMessage(dup.path, at), path: dup.path, ...at },
    };
  }
  return validateScenario(value, opts);
}

/** Reads and validates a scenario file. File errors name the file in `path`. */
export async function loadScenarioFile(path: string, opts: ReadOptions = {}): Promise<ScenarioResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      return { ok: false, error: { code: 'NOT_FOUND', message: `${path}: no such file`, path } };
    if (code === 'EISDIR')
      return { ok: false, error: { code: 'UNREADABLE', message: `${path}: is a directory`, path } };
    return {
      ok: false,
      error: { code: 'UNREADABLE', message: `${path}: cannot read (${code ?? 'error'})`, path },
    };
  }
  const r = parseScenarioJson(text, opts);
  if (!r.ok) return { ok: false, error: { ...r.error, message: `${path}: ${r.error.message}` } };
  return r;
}

/** The bundled presets, sorted by id. Files that do not validate are left out (a test keeps them valid). */
export async function listPresets(dir: string = PRESETS_DIR): Promise<PresetInfo[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const out: PresetInfo[] = [];
  for (const file of names.filter((f) => f.endsWith('.json')).sort()) {
    const id = file.slice(0, -5);
    if (!PRESET_ID.test(id)) continue;
    const r = await loadScenarioFile(join(dir, file));
    if (!r.ok) continue;
    const s = r.data;
    out.push({
      id,
      name: s.name,
      description: s.description ?? '',
      mode: s.mode,
      vpsCount: s.vps.length,
      durationS: s.durationS,
    });
  }
  return out;
}

/** Loads one preset by id (the file name without `.json`). An unknown id is `NOT_FOUND`. */
export async function loadPreset(id: string, dir: string = PRESETS_DIR): Promise<ScenarioResult> {
  if (!PRESET_ID.test(id))
    return { ok: false, error: { code: 'NOT_FOUND', message: `unknown preset "${id}"`, path: 'preset' } };
  const r = await loadScenarioFile(join(dir, `${id}.json`));
  if (!r.ok && r.error.code === 'NOT_FOUND')
    return { ok: false, error: { code: 'NOT_FOUND', message: `unknown preset "${id}"`, path: 'preset' } };
  return r;
}

/**
 * A scenario that replays a recorded run: the starting scenario with its scheduled events replaced by
 * the applied-command log, each stamped with its exact tick. Running it reproduces the same frames.
 * `ticks` (how many ticks the run lasted) sets `durationS`; by default the base's duration is kept.
 */
export function scenarioFromLog(
  base: Scenario,
  log: readonly AppliedCommand[],
  options: { ticks?: number; name?: string } = {},
): Scenario {
  const tickMs = base.tickMs ?? 100;
  const events: ScenarioEvent[] = log.map(({ tick, command }) => ({ atTick: tick, ...command }));
  const out: Scenario = { ...base, events };
  if (options.name !== undefined) out.name = options.name;
  // Integer arithmetic first: 639 ticks of 100 ms is 63.9 s, not 63.900000000000006.
  if (options.ticks !== undefined) out.durationS = (Math.max(options.ticks, 1) * tickMs) / 1000;
  return out;
}

/** A scenario ready to step under one mode (what the runner, the lab and behaviour tests drive). */
export interface Run {
  mode: ModeSpec;
  seed: number;
  tickMs: number;
  engine: ContentionEngine;
  step(): Frame;
}

/** Seed used when a scenario names none (the engine's default). */
export const DEFAULT_SEED = 1;

/**
 * Builds an engine for a schema-valid `scenario` under `mode` (default: the scenario's own). A
 * scenario the engine refuses under that mode (admission, an event it cannot apply) is an
 * `ADMISSION_REFUSED` or `INVALID_INPUT` error naming the JSON path. Asynchronous for callers that
 * load engines lazily.
 */
export async function createRun(
  scenario: Scenario,
  mode: ModeSpec = scenario.mode,
): Promise<Result<Run, ScenarioError>> {
  const seed = scenario.seed ?? DEFAULT_SEED;
  const full: Scenario = { ...scenario, seed, mode };
  const v = checkMeaning(full, mode);
  if (!v.ok) return { ok: false, error: v.error };
  let engine: ContentionEngine;
  try {
    engine = createEngine(full, { mode });
  } catch (e) {
    return { ok: false, error: { code: 'INVALID_INPUT', message: (e as Error).message, path: '(root)' } };
  }
  return { ok: true, data: { mode, seed, tickMs: engine.tickMs, engine, step: () => engine.step() } };
}

/** The tick an event applies at: `atTick` if given, else `atS` rounded to the nearest tick. */
export { eventTick };

/** Where the first syntax error in `text` is (0-based offset), or -1 if the text is valid JSON. */
function jsonErrorOffset(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw new SyntaxAt(i);
  };
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const expect = (re: RegExp): void => {
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) fail();
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{' || ch === '[') {
      const close = ch === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) return void i++;
      for (;;) {
        if (ch === '{') {
          ws();
          if (text[i] !== '"') fail();
          expect(STRING);
          ws();
          if (text[i] !== ':') fail();
          i++;
        }
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === close) return void i++;
        else fail();
      }
    } else if (ch === '"') expect(STRING);
    else if (ch === '-' || (ch >= '0' && ch <= '9')) expect(NUMBER);
    else expect(LITERAL);
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
    return -1;
  } catch (e) {
    if (e instanceof SyntaxAt) return Math.min(e.offset, text.length);
    // Nested deeper than this scanner's stack: the parser's own message stands, placed at the end.
    if (e instanceof RangeError) return -1;
    throw e;
  }
}

// eslint-disable-next-line no-control-regex -- JSON forbids raw control characters in strings
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

class SyntaxAt extends Error {
  constructor(readonly offset: number) {
    super(`JSON syntax error at offset ${offset}`);
  }
}
