/** The runner's command line: flags, their checks (errors name the flag) and the usage text. */
import { ModeSpecSchema, parseInput, type ModeSpec } from '../../shared/commands.js';
import { MODE_IDS } from '../../shared/model.js';
import { UNITS_MODES, type UnitsMode } from '../export/units.js';
import { sameModeRefusal } from '../sim/compareModes.js';

export const FORMATS = ['json', 'csv', 'summary'] as const;
export type Format = (typeof FORMATS)[number];

/** What the command line asked for. */
export interface SimOptions {
  scenario: string;
  /** A second scenario, run beside the first, each in its own mode (a compare lab's two sides). */
  beside?: string;
  format: Format;
  out?: string;
  mode?: ModeSpec;
  compare?: ModeSpec[];
  durationS?: number;
  /** How CSV headers carry units (default `header`). */
  units: UnitsMode;
}

export type ArgsResult =
  | { ok: true; help: true }
  | { ok: true; list: true }
  | { ok: true; help?: false; list?: false; options: SimOptions }
  | { ok: false; error: { flag: string; message: string } };

export const USAGE = `Usage: npm run sim -- <scenario.json | preset id | -> [options]
       npm run sim -- <scenario.json> <scenario.json> [options]

Runs a scenario headless and prints its frames and summary. Same scenario, seed and options
give byte-identical output.

Two scenarios run side by side, each in its own mode, output as --compare's (a compare lab's
two recorded sides: its CSV download, byte for byte). The ticks before they first differ (same
start, same events so far: a fork's shared past) are one set of CSV rows, the first's. Both
must tick alike (tickMs) and last alike (durationS, or give --duration).

Options:
  --format json|csv|summary  json (default): { meta, frames, tickModes, modeSwitches, summary }
                             (meta.mode: the mode it started in; tickModes: the mode each frame
                             ran under; modeSwitches: [{ tick, mode }] where a setMode event of
                             the scenario changed it, [] if none); csv: one row per tick and
                             VPS; summary: { meta, modeSwitches, summary } without frames
  --out FILE                 write to FILE instead of stdout (written only if the run succeeds)
  --mode M                   run under mode M instead of the scenario's: full, para, container,
                             hosted, or JSON such as '{"base":"container","containerLimits":false}'
  --compare M1,M2            run the same scenario and events under each mode and report both
                             (two or more modes that run differently: para and
                             {"base":"para","cpuCaps":false} are one): json gives { meta, runs: [{ mode,
                             frames, tickModes, modeSwitches, summary }] }, csv a mode column;
                             a setMode event of the scenario switches every run, and tickModes
                             (per frame), modeSwitches, the mode column and the stderr summary
                             say the mode each run ran under
  --duration S               simulated seconds (overrides durationS; default 60)
  --units header|row|none    CSV units: header (default) puts them in the names where the
                             name does not say it already (cpuSteal[0-1], t[s]; fractions
                             are 0-1, the dashboard shows them as %); row keeps the bare
                             names and adds a second line of units; none: bare names only
  --list                     list the bundled presets
  -h, --help                 this text

Each option is given at most once.

Output is written as it is produced (memory does not grow with the run's length). Runs longer
than about 2 s show progress on stderr when it is a terminal. With --out, or with --format
summary, stderr gets a short summary: the host (with the modes it ran under, when it
switched, as "host (para, then full from tick 300)") and the worst-off VPSs (each run's columns
headed by its modes, "para→full"). An event scheduled after
the run's end never applies: stderr names it in a warning.

A scenario holds at most 100 000 VPSs, 1 000 000 events and 256 parameter overrides; a
scenario file (or standard input) at most 256 MiB. --out is written to a temporary file beside
it and renamed into place when the run is done: a run that fails or is stopped leaves an
existing file as it was, and a run whose --out would not fit on its disk (estimated from its
first tick) is refused before it fills it. A device or a pipe (/dev/null, a FIFO) is written as
it is; never the scenario file itself.

Exit codes: 0 done, 1 the run failed (the output could not be written: one line says where and
why), 2 bad options or scenario (nothing is written), 130 / 143 / 129 stopped by SIGINT (Ctrl-C),
SIGTERM or SIGHUP (--out not written).`;

/** Parses the command line (without `node` and the script). Errors name the offending flag. */
export function parseArgs(argv: readonly string[]): ArgsResult {
  const opts: Partial<SimOptions> & { format: Format; units: UnitsMode } = {
    format: 'json',
    units: 'header',
  };
  const positional: string[] = [];
  let unitsGiven = false;
  const seen = new Set<string>();
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
    if (!['--format', '--out', '--mode', '--compare', '--duration', '--units'].includes(flag)) {
      return bad(flag, `unknown option (see --help)`);
    }
    if (seen.has(flag)) return bad(flag, 'given twice (give each option once)');
    seen.add(flag);
    let value: string | undefined = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') return bad(flag, 'needs a value');
    // `--out --format=csv`: the value was left out; the option after it is not taken for it.
    if (eq < 0 && (value.startsWith('--') || value === '-h'))
      return bad(flag, `needs a value ("${value}" is an option; a value starting with "-": ${flag}=VALUE)`);
    value = value.trim();
    if (flag === '--format') {
      if (!(FORMATS as readonly string[]).includes(value))
        return bad(flag, `expected json, csv or summary, got "${value}"`);
      opts.format = value as Format;
    } else if (flag === '--units') {
      if (!(UNITS_MODES as readonly string[]).includes(value))
        return bad(flag, `expected ${UNITS_MODES.join(', ')}, got "${value}"`);
      opts.units = value as UnitsMode;
      unitsGiven = true;
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
      const same = sameModeRefusal(modes);
      if (same) return bad(flag, same);
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
  if (positional.length > 2)
    return bad(
      '<scenario>',
      `expected one scenario, or two to run side by side, got ${positional.length}: ${positional.join(' ')}`,
    );
  if (positional.length === 2) {
    if (positional[0] === '-' && positional[1] === '-')
      return bad('<scenario>', 'standard input (-) can be one of the two scenarios, not both');
    for (const flag of ['--mode', '--compare'] as const)
      if (seen.has(flag))
        return bad(flag, 'two scenarios run each in its own mode; give one scenario to set its mode');
  }
  if (unitsGiven && opts.format !== 'csv')
    return bad('--units', `applies to --format csv only (format is ${opts.format})`);
  if (opts.mode !== undefined && opts.compare)
    return bad('--mode', 'use either --mode or --compare, not both');
  const beside = positional.length === 2 ? { beside: positional[1] } : {};
  return { ok: true, options: { ...opts, scenario: positional[0], ...beside } };
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
  const r = parseInput(ModeSpecSchema, value, 'mode');
  return r.ok ? { ok: true, mode: r.data } : { ok: false, message: r.error.message };
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
