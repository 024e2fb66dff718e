/**
 * `npm run scorecard`: the [M07] isolation experiment on the paper's small host and on a modern
 * one, printed beside the published figures with each cell's category and verdict, then the
 * other published checks. `--robustness`: the experiment over a seeded host family.
 * `--sensitivity`: each model parameter ×0.5 and ×2, listing the cells that flip. `--json`: data;
 * `--markdown`: README's tables.
 * `--help`: the usage. Exit 0 when everything demanded holds, 1 when something does not, 2 on a bad flag.
 */
import { parseScorecardArgs, USAGE } from '../scorecard/args.js';
import { MODERN_HOST, runScorecard, SMALL_HOST } from '../scorecard/experiment.js';
import { formatScorecard } from '../scorecard/format.js';
import { hostFamily } from '../scorecard/family.js';
import { formatRobustness, runRobustness } from '../scorecard/robustness.js';
import { formatSensitivity, runSensitivity } from '../scorecard/sensitivity.js';
import { formatChecks, runChecks } from '../scorecard/checks.js';
import {
  markdownChecks,
  markdownPublished,
  markdownRobustness,
  markdownTable,
} from '../scorecard/markdown.js';
import type { ScorecardJson } from '../../shared/scorecard.js';

const parsed = parseScorecardArgs(process.argv.slice(2));
if (!parsed.ok) {
  console.error(parsed.error.message);
  console.error(USAGE);
  process.exit(2);
}
const args = parsed.data;
if (args.task === 'help') {
  console.log(USAGE);
  process.exit(0);
}
const out = (text: string, data: unknown): void =>
  console.log(args.json ? JSON.stringify(data, null, 2) : text);
const progress = (msg: string): void => {
  if (!args.json) process.stderr.write(`${msg}\n`);
};

if (args.task === 'robustness') {
  const family = hostFamily(args.hosts, args.seed);
  const r = runRobustness(family, { onHost: (h, k) => progress(`[${k + 1}/${family.length}] ${h.label}`) });
  out(args.markdown ? markdownRobustness(r) : formatRobustness(r), r);
  process.exitCode = r.overall.share >= r.target ? 0 : 1;
} else if (args.task === 'sensitivity') {
  const hosts = [SMALL_HOST, MODERN_HOST, ...(args.hosts ? hostFamily(args.hosts, args.seed) : [])];
  let r;
  try {
    r = runSensitivity(hosts, { params: args.params, onParam: (p) => progress(`varied ${p}`) });
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  out(formatSensitivity(r), r);
  process.exitCode = r.supported && r.unexplained === 0 ? 0 : 1;
} else {
  const hosts = [SMALL_HOST, MODERN_HOST].filter((h) => !args.host || h.id === args.host);
  const tables = hosts.map((h) => runScorecard(h));
  const checks = runChecks();
  if (args.json) console.log(JSON.stringify(tables satisfies ScorecardJson, null, 2));
  else if (args.markdown)
    console.log(
      [
        ...tables.flatMap((t) => [markdownTable(t), ...(t.summary.published ? [markdownPublished(t)] : [])]),
        markdownChecks(checks),
      ].join('\n\n'),
    );
  else console.log([...tables.map(formatScorecard), formatChecks(checks)].join('\n\n'));
  const misses = tables.flatMap((t) => t.cells.filter((c) => c.expected && !c.matches));
  process.exitCode = misses.length ? 1 : 0;
}
