/**
 * The scorecard and cluster commands as a user first meets them: `--help` prints the usage on
 * stdout and exits 0 without running anything; an unknown flag is named on stderr with exit 2.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const run = (cli: string, args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', `server/cli/${cli}.ts`, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });

describe.each([
  ['scorecard', 'npm run scorecard --'],
  ['cluster', 'usage: npm run cluster --'],
])('%s command line', (cli, usage) => {
  it.each([['--help'], ['-h']])(
    '%s prints the usage and exits 0',
    (flag) => {
      const r = run(cli, [flag]);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(usage);
      expect(r.stdout).toContain('--help');
      expect(r.stderr).toBe('');
    },
    60_000,
  );

  it('names an unknown flag and exits 2', () => {
    const r = run(cli, ['--bogus']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--bogus');
    expect(r.stderr).not.toContain('undefined');
    expect(r.stdout).toBe('');
  }, 60_000);
});
