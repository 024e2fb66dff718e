/**
 * `npm run cluster`'s flags are read as the server's and the runner's: a flag given twice, or left
 * without a value, is refused naming it (exit 2, nothing started) rather than one silently winning.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const cluster = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/cluster.ts', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });

describe('npm run cluster command line', () => {
  it.each([
    [['--workers', '2', '--workers', '40'], '--workers: given twice'],
    [['--workers=3', '--port', '4000', '--workers', '2'], '--workers: given twice'],
    [['--port', '4000', '--port=5000'], '--port: given twice'],
    [['--port', '--workers', '3'], '--port: needs a value'],
    [['--workers=', '--port', '4000'], '--workers: needs a value'],
    [['--workers'], '--workers: needs a value'],
    [['--workers', '3=4'], '--workers: expected a whole number from 1 to 32, got "3=4"'],
    [['--workers=3=4'], '--workers: expected a whole number from 1 to 32, got "3=4"'],
    [['--port', '80'], '--port: expected a whole number from 1024 to 65503, got "80"'],
  ])(
    '%j is refused naming the flag (exit 2, nothing started)',
    (args, message) => {
      const r = cluster(args);
      expect(r.stderr).toContain(`cluster: ${message}`);
      expect(r.stderr).toContain('usage: npm run cluster --');
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
    },
    60_000,
  );
});
