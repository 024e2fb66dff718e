/**
 * `npm run scorecard`: the [M07] isolation experiment on the paper's small host and on a modern
 * one, printed beside the published figures with each cell's category and verdict.
 * Options: --host paper|modern (default both), --json (the tables as data).
 */
import { formatScorecard, MODERN_HOST, runScorecard, SMALL_HOST } from '../scorecard/experiment.js';

const args = process.argv.slice(2);
const hostArg = args.includes('--host') ? args[args.indexOf('--host') + 1] : undefined;
const hosts = [SMALL_HOST, MODERN_HOST].filter((h) => !hostArg || h.id === hostArg);
if (!hosts.length) {
  console.error(`unknown --host "${hostArg}" (paper or modern)`);
  process.exit(2);
}
const tables = hosts.map(runScorecard);
if (args.includes('--json')) console.log(JSON.stringify(tables, null, 2));
else console.log(tables.map(formatScorecard).join('\n\n'));
const misses = tables.flatMap((t) => t.cells.filter((c) => c.expected && !c.matches && !c.departure));
process.exitCode = misses.length ? 1 : 0;
