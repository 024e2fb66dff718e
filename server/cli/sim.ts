/**
 * Headless runner: `npm run sim -- <scenario.json | preset> [--format json|csv|summary] [--out FILE]
 * [--mode M] [--compare M1,M2] [--duration S] [--units header|row|none]`, or two scenarios run side
 * by side, each in its own mode (a compare lab's sides). Same scenario, seed and flags ⇒
 * byte-identical output. Exit codes: 0 done, 1 the run failed, 2 bad flags or a bad
 * scenario (nothing written), 128 + n stopped by signal n (SIGINT, SIGTERM, SIGHUP).
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isatty } from 'node:tty';
import { pathToFileURL } from 'node:url';
import type { Scenario } from '../../shared/commands.js';
import { modeLabel } from '../../shared/events.js';
import {
  PRESETS_DIR,
  createRun,
  listPresets,
  loadScenarioFile,
  parseScenarioJson,
  type Run,
  type ScenarioResult,
} from '../scenario.js';
import { USAGE, parseArgs, type SimOptions } from './args.js';
import { Breaks, Interrupted } from './breaks.js';
import { modeStory, modeTrail } from '../export/modes.js';
import { pairMismatch, ticksAlike } from './pair.js';
import { Progress, hostLines, summaryTable, timing } from './report.js';
import { OutputClosed, OutputFailed, Sink, say } from './sink.js';
import { lateWarning, modeSwitchWarning } from './warnings.js';
import { writeRuns, type RunMeta } from './write.js';

export { FORMATS, USAGE, parseArgs, type ArgsResult, type Format, type SimOptions } from './args.js';
export { summaryTable } from './report.js';
export type { RunMeta } from './write.js';

/** The runner reads scenarios with its own, larger VPS limit (the live server keeps its per-lab one). */
const RUNNER = { runner: true } as const;

/** The file the scenario argument names: itself, or a bundled preset's file; null for stdin (`-`). */
function scenarioFile(arg: string): string | null {
  if (arg === '-') return null;
  const preset = resolve(PRESETS_DIR, `${arg}.json`);
  return !existsSync(arg) && /^[a-z0-9][a-z0-9-]*$/.test(arg) && existsSync(preset) ? preset : arg;
}

/** Whether both paths name one existing file (through links too). */
function sameFile(a: string, b: string | null): boolean {
  if (b === null) return false;
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

/**
 * The largest scenario file the runner reads: far above the largest scenario it takes (100 000
 * VPSs and 1 000 000 events), and far below what reading and parsing it would need in memory.
 */
export const MAX_SCENARIO_BYTES = 256 * 2 ** 20;

const mib = (bytes: number): string => `${Math.ceil(bytes / 2 ** 20)} MiB`;

function tooBig(what: string, bytes: string): ScenarioResult {
  return {
    ok: false,
    error: {
      code: 'UNREADABLE',
      message: `${what}: ${bytes}; a scenario file may be at most ${mib(MAX_SCENARIO_BYTES)}`,
      path: what,
    },
  };
}

/**
 * What file descriptor `fd` gives (standard input, a pipe, a device) as text, or null once it grows
 * past MAX_SCENARIO_BYTES (then not read further).
 */
function readBounded(fd: number): string | null {
  const chunks: Buffer[] = [];
  let size = 0;
  const chunk = Buffer.allocUnsafe(1 << 20);
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, chunk);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue;
      if (code === 'EOF') break;
      throw e;
    }
    if (n === 0) break;
    size += n;
    if (size > MAX_SCENARIO_BYTES) return null;
    chunks.push(Buffer.from(chunk.subarray(0, n)));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Bytes of a regular file; 0 for nothing (reading it says what is wrong); null for a pipe or a device. */
function sizeOf(path: string): number | null {
  try {
    const st = statSync(path);
    return st.isFile() ? st.size : st.isDirectory() ? 0 : null;
  } catch {
    return 0;
  }
}

/** A pipe or a device named as the scenario (`<(…)`, /dev/stdin), read no further than a file may be. */
function readStream(arg: string): ScenarioResult {
  let fd: number;
  try {
    fd = openSync(arg, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    return { ok: false, error: { code: 'UNREADABLE', message: `${arg}: cannot read (${code})`, path: arg } };
  }
  try {
    const text = readBounded(fd);
    if (text === null) return tooBig(arg, `more than ${mib(MAX_SCENARIO_BYTES)}`);
    const r = parseScenarioJson(text, RUNNER);
    return r.ok ? r : { ok: false, error: { ...r.error, message: `${arg}: ${r.error.message}` } };
  } finally {
    closeSync(fd);
  }
}

/** Loads the scenario named on the command line: a file, `-` for stdin, or a bundled preset id. */
export async function resolveScenario(arg: string): Promise<ScenarioResult> {
  if (arg === '-') {
    const text = readBounded(0);
    if (text === null) return tooBig('-', `more than ${mib(MAX_SCENARIO_BYTES)}`);
    return parseScenarioJson(text, RUNNER);
  }
  const file = scenarioFile(arg)!;
  const size = sizeOf(file);
  if (size === null) return readStream(file);
  if (size > MAX_SCENARIO_BYTES) return tooBig(arg, mib(size));
  if (file !== arg) return loadScenarioFile(file, RUNNER);
  const r = await loadScenarioFile(arg, RUNNER);
  // A mistyped preset id is not a file either: say both, and where the presets are listed.
  if (!r.ok && r.error.code === 'NOT_FOUND' && /^[a-z0-9][a-z0-9-]*$/.test(arg))
    return { ok: false, error: { ...r.error, message: `${arg}: no such file, nor a preset (see --list)` } };
  return r;
}

const VERSION: string = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
).version;
const DEFAULT_DURATION_S = 60;

/** Runs the command line and returns the exit code. Output goes to stdout or `--out`; messages to stderr. */
export async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseArgs(argv);
  if (!parsed.ok) {
    say(`sim: ${parsed.error.flag}: ${parsed.error.message}\n`);
    return 2;
  }
  if ('help' in parsed && parsed.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if ('list' in parsed && parsed.list) {
    for (const p of await listPresets()) process.stdout.write(`${p.id.padEnd(32)} ${p.description}\n`);
    return 0;
  }
  const opts = (parsed as { options: SimOptions }).options;
  // One scenario, or two run side by side (each in its own mode).
  const files = opts.beside === undefined ? [opts.scenario] : [opts.scenario, opts.beside];
  const given: Scenario[] = [];
  for (const file of files) {
    const loaded = await resolveScenario(file);
    if (!loaded.ok) {
      say(`sim: ${loaded.error.message}\n`);
      return 2;
    }
    given.push(loaded.data);
  }
  const pair = given.length === 2;
  if (pair) {
    const bad = pairMismatch([files[0], files[1]], given[0], given[1], opts.durationS, DEFAULT_DURATION_S);
    if (bad) {
      say(`sim: ${bad}\n`);
      return 2;
    }
  }
  const scenarios: Scenario[] = given.map((s) => ({
    ...s,
    durationS: opts.durationS ?? s.durationS ?? DEFAULT_DURATION_S,
  }));
  const scenario = scenarios[0];
  const modes = pair ? scenarios.map((s) => s.mode) : (opts.compare ?? [opts.mode ?? scenario.mode]);
  const compare = pair || opts.compare !== undefined;
  const runs: Run[] = [];
  for (let k = 0; k < modes.length; k++) {
    const mode = modes[k];
    const r = await createRun(scenarios[pair ? k : 0], mode);
    if (!r.ok) {
      const where = opts.compare ? `--compare ${modeLabel(mode)}: ` : opts.mode ? `--mode: ` : '';
      // A file's own errors name it already; one run of a pair names the file it came from.
      const file = pair && !r.error.message.startsWith(files[k]) ? `${files[k]}: ` : '';
      say(`sim: ${where}${file}${r.error.message}\n`);
      return 2;
    }
    runs.push(r.data);
  }
  if (opts.out && !existsSync(dirname(resolve(opts.out)))) {
    say(`sim: --out: folder ${dirname(resolve(opts.out))} does not exist\n`);
    return 2;
  }
  if (opts.out && /[/\\]$/.test(opts.out) && !existsSync(opts.out)) {
    say(`sim: --out: ${opts.out} names a folder (it ends in ${opts.out.slice(-1)}); name a file\n`);
    return 2;
  }
  if (opts.out && existsSync(opts.out) && statSync(opts.out).isDirectory()) {
    say(`sim: --out: ${opts.out} is a folder; name a file\n`);
    return 2;
  }
  if (opts.out && files.some((f) => sameFile(opts.out!, scenarioFile(f)))) {
    say(`sim: --out: ${opts.out} is the scenario file itself; name another file\n`);
    return 2;
  }
  const ticks = Math.max(1, Math.round((scenario.durationS! * 1000) / runs[0].tickMs));
  scenarios.forEach((s, k) => {
    const length =
      opts.durationS !== undefined ? ', --duration' : given[k].durationS === undefined ? ', the default' : '';
    const late = lateWarning(s, runs[0].tickMs, ticks, length, pair ? files[k] : undefined);
    if (late) say(late);
  });
  const switched = modeSwitchWarning(scenario.events ?? [], runs[0].tickMs, ticks, opts);
  if (switched) say(switched);
  const meta: RunMeta = {
    scenario: scenario.name,
    seed: runs[0].seed,
    tickMs: runs[0].tickMs,
    durationS: scenario.durationS!,
    mode: compare ? null : modes[0],
    ...(compare ? { modes } : {}),
    ...(pair ? { scenarios: scenarios.map((s) => s.name) } : {}),
    ticks,
    version: VERSION,
  };
  // Signals are heard from before the output is opened: none can end the process between the
  // temporary file's creation and the handlers that remove it.
  const breaks = new Breaks().listen();
  let sink: Sink;
  try {
    sink = new Sink(opts.out);
  } catch (e) {
    breaks.close();
    if (!(e instanceof OutputFailed)) throw e;
    say(`sim: ${e.message}\n`);
    return 2;
  }
  const progress = new Progress(ticks * runs.length, isatty(2) ? process.stderr : null);
  // The report on stderr (with --out, or for a summary) reads the runs' summaries; nothing else does.
  const report = Boolean(opts.out) || opts.format === 'summary';
  try {
    const results = await writeRuns(
      sink,
      {
        format: opts.format,
        compare,
        units: opts.units,
        csvSummary: report,
        ...(pair ? { shared: ticksAlike(scenarios[0], scenarios[1], ticks) } : {}),
      },
      meta,
      runs,
      ticks,
      progress,
      breaks,
    );
    breaks.check();
    sink.close();
    const took = progress.end();
    if (report) {
      // (Kept whenever a report is made: csvSummary above.)
      const summaries = results.map((r) => r.summary!);
      // Each run said as it ran: a scenario's own mode switches apply to every run. A single run
      // is named only when it switched (its one mode heads the table's columns).
      const trails = results.map((r, k) => modeTrail(modes[k], r.modeSwitches));
      const stories = results.map((r, k) =>
        runs.length > 1 || r.modeSwitches.length ? modeStory(modes[k], r.modeSwitches) : null,
      );
      const n = Object.keys(summaries[0].vps).length;
      say(
        `sim: ${n} VPSs × ${ticks} ticks${runs.length > 1 ? ` × ${runs.length} modes` : ''} ${timing(took)}` +
          `${opts.out ? ` → ${opts.out}` : ''}\n` +
          hostLines(stories, summaries) +
          summaryTable(trails, summaries),
      );
    }
    return 0;
  } catch (e) {
    progress.end();
    const replaces = sink.replaces;
    sink.abort();
    // The reader took what it wanted (`| head`) and left: the run stops there, as a Unix filter does.
    if (e instanceof OutputClosed) return 0;
    if (e instanceof Interrupted) {
      const kept = replaces ? `; --out ${opts.out} not written` : '';
      say(`sim: ${e.message} after ${progress.done} of ${ticks * runs.length} ticks${kept}\n`);
      return e.exitCode;
    }
    say(`sim: ${e instanceof OutputFailed ? '' : 'the run failed: '}${(e as Error).message ?? String(e)}\n`);
    return 1;
  } finally {
    breaks.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      say(`sim: ${(e as Error).message ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
