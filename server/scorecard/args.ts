/** Command-line flags of `npm run scorecard`, parsed into options or an error naming the flag. */

export interface ScorecardArgs {
  /** `help`: print the usage and stop. */
  task: 'tables' | 'robustness' | 'sensitivity' | 'help';
  /** Tables: which experiment host (default both). */
  host?: 'paper' | 'modern';
  json: boolean;
  /** Markdown tables for README (tables and robustness). */
  markdown: boolean;
  /** Robustness and sensitivity: family size and seed. */
  hosts: number;
  seed: number;
  /** Sensitivity: only these parameters (default all). */
  params?: string[];
}

export const USAGE = `npm run scorecard -- [--host paper|modern] [--json | --markdown] [--help]
npm run scorecard -- --robustness [--hosts N (≥ 3, default 60)] [--seed S] [--json | --markdown]
npm run scorecard -- --sensitivity [--hosts N (default 2: the paper and modern hosts)] [--params a,b] [--json]`;

export type ParseResult =
  { ok: true; data: ScorecardArgs } | { ok: false; error: { flag: string; message: string } };

const bad = (flag: string, message: string): ParseResult => ({
  ok: false,
  error: { flag, message: `${flag}: ${message}` },
});

function intIn(v: string | undefined, lo: number, hi: number): number | undefined {
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  const n = Number(v);
  return n >= lo && n <= hi ? n : undefined;
}

/** Parses argv (without node and the script). */
export function parseScorecardArgs(argv: string[]): ParseResult {
  const out: ScorecardArgs = { task: 'tables', json: false, markdown: false, hosts: 60, seed: 1 };
  let hostsGiven = false;
  let seedGiven = false;
  for (let k = 0; k < argv.length; k++) {
    const flag = argv[k];
    const value = (): string | undefined => {
      const v = argv[k + 1];
      if (v === undefined || v.startsWith('--')) return undefined;
      k++;
      return v;
    };
    switch (flag) {
      case '-h':
      case '--help':
        return { ok: true, data: { ...out, task: 'help' } };
      case '--json':
        out.json = true;
        break;
      case '--markdown':
        out.markdown = true;
        break;
      case '--robustness':
      case '--sensitivity': {
        const task = flag.slice(2) as 'robustness' | 'sensitivity';
        if (out.task !== 'tables' && out.task !== task)
          return bad(flag, `cannot be combined with --${out.task}`);
        out.task = task;
        break;
      }
      case '--host': {
        const v = value();
        if (v !== 'paper' && v !== 'modern')
          return bad(flag, `expects paper or modern, got ${v === undefined ? 'nothing' : `"${v}"`}`);
        out.host = v;
        break;
      }
      case '--hosts': {
        const n = intIn(value(), 1, 1000);
        if (n === undefined) return bad(flag, 'expects a whole number of hosts, 1 to 1000');
        out.hosts = n;
        hostsGiven = true;
        break;
      }
      case '--seed': {
        const n = intIn(value(), 0, 2 ** 32 - 1);
        if (n === undefined) return bad(flag, 'expects a whole number, 0 to 4294967295');
        out.seed = n;
        seedGiven = true;
        break;
      }
      case '--params': {
        const v = value();
        if (!v) return bad(flag, 'expects a comma-separated list of parameter names');
        out.params = v.split(',').filter(Boolean);
        break;
      }
      default:
        return bad(flag, 'unknown flag');
    }
  }
  if (out.json && out.markdown) return bad('--markdown', 'cannot be combined with --json');
  if (out.markdown && out.task === 'sensitivity')
    return bad('--markdown', 'applies to the tables and --robustness');
  if (out.host && out.task !== 'tables') return bad('--host', `applies to the tables, not to --${out.task}`);
  if (out.params && out.task !== 'sensitivity') return bad('--params', 'applies to --sensitivity only');
  if (seedGiven && out.task === 'tables')
    return bad('--seed', 'applies to --robustness and --sensitivity only');
  if (hostsGiven && out.task === 'tables')
    return bad('--hosts', 'applies to --robustness and --sensitivity only');
  if (out.task === 'robustness' && out.hosts < 3)
    return bad('--hosts', 'the family needs at least 3 hosts (the named ones)');
  if (out.task === 'sensitivity' && !hostsGiven) out.hosts = 0;
  return { ok: true, data: out };
}
