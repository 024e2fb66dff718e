/**
 * Headless runner: `npm run sim -- <scenario.json | preset> [--format json|csv|summary] [--out FILE]
 * [--mode M] [--compare M1,M2] [--duration S]`. Same scenario, seed and flags ⇒ byte-identical output.
 * Exit codes: 0 done, 1 the run failed, 2 bad flags or a bad scenario (nothing written).
 */
import { closeSync, existsSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ModeSpecSchema, formatPath, type ModeSpec, type Scenario } from '../../shared/commands.js';
import { MODE_IDS, type Frame } from '../../shared/model.js';
import { SummaryAccumulator, csvHeader, frameCsvRows, modeLabel, type RunSummary } from '../export.js';
import {
  PRESETS_DIR,
  createRun,
  listPresets,
  loadScenarioFile,
  parseScenarioJson,
  type Run,
  type ScenarioResult,
} from '../scenario.js';

export const FORMATS = ['json', 'csv', 'summary'] as const;
export type Format = (typeof FORMATS)[number];

/** What the command line asked for. */
export interface SimOptions {
  scenario: string;
  format: Format;
  out?: string;
  mode?: ModeSpec;
  compare?: ModeSpec[];
  durationS?: number;
}

export type ArgsResult =
  | { ok: true; help: true }
  | { ok: true; list: true }
  | { ok: true; help?: false; list?: false; options: SimOptions }
  | { ok: false; error: { flag: string; message: string } };

export const USAGE = `Usage: npm run sim -- <scenario.json | preset id | -> [options]

Runs a scenario headless and prints its frames and summary. Same scenario, seed and options
give byte-identical output.

Options:
  --format json|csv|summary  json: { meta, frames, summary } (default); csv: one row per tick
                             and VPS; summary: { meta, summary } without frames, plus a table
                             on stderr
  --out FILE                 write to FILE instead of stdout (written only if the run succeeds)
  --mode M                   run under mode M instead of the scenario's: full, para, container,
                             hosted, or JSON such as '{"base":"container","containerLimits":false}'
  --compare M1,M2            run the same scenario and events under each mode and report both
  --duration S               simulated seconds (overrides durationS; default 60)
  --list                     list the bundled presets
  -h, --help                 this text

Exit codes: 0 done, 1 the run failed, 2 bad options or scenario (nothing is written).`;

/** Parses the command line (without `node` and the script). Errors name the offending flag. */
export function parseArgs(argv: readonly string[]): ArgsResult {
  const opts: Partial<SimOptions> & { format: Format } = { format: 'json' };
  const positional: string[] = [];
  const bad = (flag: string, message: string): ArgsResult => ({ ok: false, error: { flag, message } });
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') return { ok: true, help: true };
    if (arg === '--list') return { ok: true, list: true };
    if (arg === '-' || !arg.startsWith('-')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (!['--format', '--out', '--mode', '--compare', '--duration'].includes(flag)) {
      return bad(flag, `unknown option (see --help)`);
    }
    let value: string | undefined = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') return bad(flag, 'needs a value');
    value = value.trim();
    if (flag === '--format') {
      if (!(FORMATS as readonly string[]).includes(value))
        return bad(flag, `expected json, csv or summary, got "${value}"`);
      opts.format = value as Format;
    } else if (flag === '--out') {
      opts.out = value;
    } else if (flag === '--mode') {
      const m = parseMode(value);
      if (!m.ok) return bad(flag, m.message);
      opts.mode = m.mode;
    } else if (flag === '--compare') {
      const parts = splitTopLevel(value);
      if (parts.length < 2)
        return bad(flag, `expected two or more modes separated by a comma, got "${value}"`);
      const modes: ModeSpec[] = [];
      for (const p of parts) {
        const m = parseMode(p);
        if (!m.ok) return bad(flag, m.message);
        modes.push(m.mode);
      }
      opts.compare = modes;
    } else {
      const d = Number(value);
      if (!/^[0-9.eE+-]+$/.test(value) || !Number.isFinite(d) || d <= 0) {
        return bad(flag, `expected a positive number of seconds, got "${value}"`);
      }
      if (d > 7 * 86_400) return bad(flag, `at most ${7 * 86_400} s (a week), got ${value}`);
      opts.durationS = d;
    }
  }
  if (positional.length === 0) return bad('<scenario>', 'missing scenario file or preset id (see --help)');
  if (positional.length > 1)
    return bad('<scenario>', `expected one scenario, got ${positional.length}: ${positional.join(' ')}`);
  if (opts.mode !== undefined && opts.compare)
    return bad('--mode', 'use either --mode or --compare, not both');
  return { ok: true, options: { ...opts, scenario: positional[0] } };
}

function parseMode(text: string): { ok: true; mode: ModeSpec } | { ok: false; message: string } {
  const expected = `expected ${MODE_IDS.join(', ')} or JSON such as {"base":"para"}`;
  if (!text.startsWith('{')) {
    if ((MODE_IDS as readonly string[]).includes(text)) return { ok: true, mode: text as ModeSpec };
    return { ok: false, message: `unknown mode "${text}" (${expected})` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, message: `invalid JSON mode ${text} (${expected})` };
  }
  const r = ModeSpecSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    return { ok: false, message: `mode ${formatPath(issue.path)}: ${issue.message}` };
  }
  return { ok: true, mode: r.data };
}

/** Splits "a,b" on commas outside braces, so JSON modes may be compared. */
function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out.filter((s) => s !== '');
}

/** Loads the scenario named on the command line: a file, `-` for stdin, or a bundled preset id. */
export async function resolveScenario(arg: string): Promise<ScenarioResult> {
  if (arg === '-') return parseScenarioJson(readFileSync(0, 'utf8'));
  if (
    !existsSync(arg) &&
    /^[a-z0-9][a-z0-9-]*$/.test(arg) &&
    existsSync(resolve(PRESETS_DIR, `${arg}.json`))
  ) {
    return loadScenarioFile(resolve(PRESETS_DIR, `${arg}.json`));
  }
  return loadScenarioFile(arg);
}

const VERSION: string = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
).version;
const DEFAULT_DURATION_S = 60;

/** Header of every output: what was run. */
export interface RunMeta {
  scenario: string;
  seed: number;
  tickMs: number;
  durationS: number;
  mode: ModeSpec | null;
  modes?: ModeSpec[];
  ticks: number;
  version: string;
}

/** Writes output in chunks: to stdout, or to a temporary file renamed into place only on success. */
class Sink {
  private fd: number;
  private tmp?: string;
  private buf = '';
  constructor(private readonly out?: string) {
    if (out) {
      this.tmp = resolve(dirname(out), `.${process.pid}.sim.tmp`);
      this.fd = openSync(this.tmp, 'w');
    } else this.fd = 1;
  }
  write(s: string): void {
    this.buf += s;
    if (this.buf.length > 1 << 20) this.flush();
  }
  private flush(): void {
    let b = Buffer.from(this.buf, 'utf8');
    this.buf = '';
    while (b.length) {
      try {
        b = b.subarray(writeSync(this.fd, b));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      }
    }
  }
  close(): void {
    this.flush();
    if (this.tmp) {
      closeSync(this.fd);
      renameSync(this.tmp, this.out!);
    }
  }
  abort(): void {
    if (this.tmp) {
      closeSync(this.fd);
      if (existsSync(this.tmp)) unlinkSync(this.tmp);
    }
  }
}

/** Runs the command line and returns the exit code. Output goes to stdout or `--out`; messages to stderr. */
export async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseArgs(argv);
  if (!parsed.ok) {
    process.stderr.write(`sim: ${parsed.error.flag}: ${parsed.error.message}\n`);
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
  const loaded = await resolveScenario(opts.scenario);
  if (!loaded.ok) {
    process.stderr.write(`sim: ${loaded.error.message}\n`);
    return 2;
  }
  const scenario: Scenario = {
    ...loaded.data,
    durationS: opts.durationS ?? loaded.data.durationS ?? DEFAULT_DURATION_S,
  };
  const modes = opts.compare ?? [opts.mode ?? scenario.mode];
  const runs: Run[] = [];
  for (const mode of modes) {
    const r = await createRun(scenario, mode);
    if (!r.ok) {
      process.stderr.write(
        `sim: ${opts.compare ? `--compare ${modeLabel(mode)}: ` : opts.mode ? `--mode: ` : ''}${r.error.message}\n`,
      );
      return 2;
    }
    runs.push(r.data);
  }
  if (opts.out && !existsSync(dirname(resolve(opts.out)))) {
    process.stderr.write(`sim: --out: folder ${dirname(resolve(opts.out))} does not exist\n`);
    return 2;
  }
  const ticks = Math.max(1, Math.round((scenario.durationS! * 1000) / runs[0].tickMs));
  const meta: RunMeta = {
    scenario: scenario.name,
    seed: runs[0].seed,
    tickMs: runs[0].tickMs,
    durationS: scenario.durationS!,
    mode: opts.compare ? null : modes[0],
    ...(opts.compare ? { modes } : {}),
    ticks,
    version: VERSION,
  };
  const sink = new Sink(opts.out);
  try {
    const summaries = write(sink, opts, meta, runs, ticks);
    sink.close();
    if (opts.format === 'summary') process.stderr.write(summaryTable(modes, summaries));
    return 0;
  } catch (e) {
    sink.abort();
    process.stderr.write(`sim: the run failed: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}

function write(sink: Sink, opts: SimOptions, meta: RunMeta, runs: Run[], ticks: number): RunSummary[] {
  const accs = runs.map(() => new SummaryAccumulator());
  const compare = opts.compare !== undefined;
  const frames: Frame[][] = runs.map(() => []);
  if (opts.format === 'csv') sink.write(csvHeader({ mode: compare }));
  else if (opts.format === 'json') sink.write(`{"meta":${JSON.stringify(meta)},\n`);
  for (let t = 0; t < ticks; t++) {
    for (let r = 0; r < runs.length; r++) {
      const f = runs[r].step();
      accs[r].add(f);
      if (opts.format === 'csv') sink.write(frameCsvRows(f, compare ? runs[r].mode : undefined));
      else if (opts.format === 'json') {
        if (compare) frames[r].push(f);
        else sink.write(`${t === 0 ? '"frames":[\n' : ',\n'}${JSON.stringify(f)}`);
      }
    }
  }
  const summaries = accs.map((a) => a.result());
  if (opts.format === 'json' && !compare) sink.write(`\n],\n"summary":${JSON.stringify(summaries[0])}}\n`);
  if (opts.format === 'json' && compare) {
    sink.write('"runs":[\n');
    runs.forEach((run, r) => {
      sink.write(`${r ? ',\n' : ''}{"mode":${JSON.stringify(run.mode)},"frames":[\n`);
      sink.write(frames[r].map((f) => JSON.stringify(f)).join(',\n'));
      sink.write(`\n],"summary":${JSON.stringify(summaries[r])}}`);
    });
    sink.write('\n]}\n');
  }
  if (opts.format === 'summary') {
    const body = compare
      ? { meta, runs: runs.map((run, r) => ({ mode: run.mode, summary: summaries[r] })) }
      : { meta, summary: summaries[0] };
    sink.write(JSON.stringify(body, null, 2) + '\n');
  }
  return summaries;
}

/** A readable per-VPS table; with several modes, each beside the first with the difference. */
export function summaryTable(modes: readonly ModeSpec[], summaries: readonly RunSummary[]): string {
  const ids = [...new Set(summaries.flatMap((s) => Object.keys(s.vps)))];
  const labels = modes.map(modeLabel);
  const cols: { title: string; get: (s: RunSummary, id: string) => number | null; digits: number }[] = [
    { title: 'degr %', get: (s, id) => s.vps[id]?.degradationPct ?? null, digits: 2 },
    { title: 'p99 ms', get: (s, id) => s.vps[id]?.latencyP99Ms ?? null, digits: 1 },
    { title: 'rps', get: (s, id) => s.vps[id]?.throughputRps ?? null, digits: 1 },
  ];
  const head = ['vps'];
  for (const c of cols) {
    labels.forEach((l) => head.push(`${c.title} ${l}`));
    if (summaries.length > 1) labels.slice(1).forEach((l) => head.push(`Δ ${l}`));
  }
  head.push('DNR');
  const rows = [head];
  for (const id of ids) {
    const row = [id];
    for (const c of cols) {
      const vals = summaries.map((s) => c.get(s, id));
      vals.forEach((v) => row.push(v === null ? '–' : v.toFixed(c.digits)));
      for (const v of vals.slice(1)) {
        row.push(
          v === null || vals[0] === null
            ? '–'
            : (v - vals[0] >= 0 ? '+' : '') + (v - vals[0]).toFixed(c.digits),
        );
      }
    }
    row.push(summaries.map((s) => (s.vps[id] ? (s.vps[id].dnr ? 'DNR' : 'ok') : '–')).join(' / '));
    rows.push(row);
  }
  const widths = head.map((_, k) => Math.max(...rows.map((r) => r[k].length)));
  return (
    rows
      .map((r) => r.map((c, k) => (k === 0 ? c.padEnd(widths[k]) : c.padStart(widths[k]))).join('  '))
      .join('\n') + '\n'
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      process.stderr.write(`sim: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
