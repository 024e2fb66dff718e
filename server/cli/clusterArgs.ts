/** `npm run cluster`'s command line: its flags, read as the server reads its own (errors name the flag). */
import { ConfigError, int, readFlags } from '../config.js';

export const CLUSTER_USAGE =
  'usage: npm run cluster -- --workers N (1 to 32, default 2) [--port P (default 3000)] [--help]\n' +
  'Each flag is given at most once. Exit codes: 2 bad flags (nothing started).';

export interface ClusterOptions {
  workers: number;
  /** The first server's port; the others take the ports after it. */
  port: number;
}

export type ClusterArgsResult =
  | { ok: true; help: true }
  | { ok: true; help?: false; options: ClusterOptions }
  | { ok: false; error: { flag: string; message: string } };

const KNOWN = new Set(['workers', 'port']);

/** Parses the command line (without `node` and the script). */
export function parseClusterArgs(argv: readonly string[]): ClusterArgsResult {
  if (argv.includes('--help') || argv.includes('-h')) return { ok: true, help: true };
  try {
    const flags = readFlags(argv, KNOWN);
    const workers = flags.get('workers');
    const port = flags.get('port');
    return {
      ok: true,
      options: {
        workers: workers === undefined ? 2 : int('--workers', workers, 1, 32),
        // Room for 32 servers on the ports after it.
        port: port === undefined ? 3000 : int('--port', port, 1024, 65_535 - 32),
      },
    };
  } catch (e) {
    if (e instanceof ConfigError) return { ok: false, error: { flag: e.variable, message: e.message } };
    throw e;
  }
}
