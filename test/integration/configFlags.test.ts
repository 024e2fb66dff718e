/**
 * Flags of `npm start` given with no value (`--data-dir=`, as a script writes `--data-dir=$DIR`
 * with DIR unset) stop the server naming the flag, rather than falling back to the current
 * folder: as DATA_DIR it would fill it with labs, as CLIENT_DIR serve every file in it. The real
 * server, started in an empty folder of its own.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SERVE } from '../serve.js';
import { removeDir } from './helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

/** Run the server in an empty folder with `args`; resolves with its exit code and output. */
function run(args: string[]): Promise<{ code: number | null; out: string; cwd: string }> {
  const cwd = mkdtempSync(path.join(tmpdir(), 'flags-'));
  dirs.push(cwd);
  const child = spawn(process.execPath, [SERVE, '--port', '0', ...args], {
    cwd,
    env: { ...process.env, LOG_LEVEL: 'info', CONTROL_TOKEN: '', DATA_DIR: '', CLIENT_DIR: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  // Were it to start, it is stopped once it listens (the test then fails on its exit code).
  child.stdout.on('data', () => out.includes('"msg":"labs ready"') && child.kill('SIGTERM'));
  return new Promise((ok) => child.once('exit', (code) => ok({ code, out, cwd })));
}

describe('a flag given with no value', () => {
  it.each([
    ['--data-dir', ['--data-dir=']],
    ['--client-dir', ['--client-dir=']],
    ['--data-dir', ['--data-dir', '']],
  ])(
    '%s with no value (%j) stops the server naming it, and leaves the current folder alone',
    async (flag, args) => {
      const { code, out, cwd } = await run(args);
      expect(code).toBe(2);
      expect(out).toContain(`configuration error: ${flag}: needs a value`);
      expect(readdirSync(cwd)).toEqual([]);
    },
    60_000,
  );
});
