import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildBundle, freshBundle, loadBundle } from '../../scripts/bundle.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'sim-bundle-'));

/** A two-file program standing for the runner: `main` returns what dep.ts says. */
function program(word: string): string {
  const src = join(dir, 'src');
  mkdirSync(src, { recursive: true });
  writeFileSync(
    join(src, 'entry.ts'),
    `import { word } from './dep.js';\nexport async function main(argv: string[]): Promise<string> { return word + ':' + argv.join(','); }\n`,
  );
  writeFileSync(join(src, 'dep.ts'), `export const word: string = ${JSON.stringify(word)};\n`);
  // Sources older than the build, as a tree checked out earlier is.
  const past = new Date(Date.now() - 60_000);
  for (const f of ['entry.ts', 'dep.ts']) utimesSync(join(src, f), past, past);
  return join(src, 'entry.ts');
}

describe('the runner start-up bundle', { timeout: 90_000 }, () => {
  it('is built once, reused while its inputs stay, and rebuilt when one changes', async () => {
    const cache = join(dir, 'cache');
    const entry = program('one');
    expect(freshBundle(cache)).toBeNull();
    const first = await buildBundle(cache, entry);
    expect(freshBundle(cache)).toBe(first);
    const run = loadBundle(first);
    expect(await (run.exports.main as (a: string[]) => Promise<string>)(['a', 'b'])).toBe('one:a,b');

    // The code cache is written after the first run and kept by the next one.
    expect(existsSync(`${first}.v8`)).toBe(false);
    run.done();
    const cached = statSync(`${first}.v8`).mtimeMs;
    const again = loadBundle(first);
    expect(await (again.exports.main as (a: string[]) => Promise<string>)([])).toBe('one:');
    again.done();
    expect(statSync(`${first}.v8`).mtimeMs).toBe(cached);

    // An edited import makes the bundle stale; the new one replaces it.
    writeFileSync(join(dir, 'src/dep.ts'), `export const word: string = "two!";\n`);
    const past = new Date(Date.now() - 30_000);
    utimesSync(join(dir, 'src/dep.ts'), past, past);
    expect(freshBundle(cache)).toBeNull();
    const second = await buildBundle(cache, entry);
    expect(second).not.toBe(first);
    expect(freshBundle(cache)).toBe(second);
    expect(await (loadBundle(second).exports.main as (a: string[]) => Promise<string>)([])).toBe('two!:');
    expect(readdirSync(cache).filter((f) => f.endsWith('.cjs'))).toEqual([second.split('/').pop()]);
  });

  it('leaves no manifest when a source changed while it was built, so the next start builds again', async () => {
    const cache = join(dir, 'cache-now');
    const entry = program('fresh');
    const now = new Date();
    utimesSync(join(dir, 'src/dep.ts'), now, now);
    const file = await buildBundle(cache, entry);
    expect(existsSync(file)).toBe(true);
    expect(freshBundle(cache)).toBeNull();
  });

  it('lists the runner sources and zod (by its package.json) as the inputs of the real runner', async () => {
    const cache = join(dir, 'cache-sim');
    const file = await buildBundle(cache);
    const manifest = JSON.parse(readFileSync(join(cache, 'sim-manifest.json'), 'utf8'));
    const inputs = manifest.inputs.map((i: [string, number, number]) => i[0]);
    expect(inputs).toContain('server/cli/sim.ts');
    expect(inputs).toContain('server/export/summary.ts');
    expect(inputs).toContain('shared/commands.ts');
    expect(inputs).toContain('node_modules/zod/package.json');
    // How the bundle is built is one of its inputs too.
    expect(inputs).toContain('scripts/bundle.mjs');
    expect(inputs.filter((p: string) => p.includes('node_modules/zod/v4'))).toEqual([]);
    // zod is inside: the bundle requires no package, only Node's own modules.
    const requires = [...readFileSync(file, 'utf8').matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(requires.length).toBeGreaterThan(0);
    expect(requires.filter((r) => !r.startsWith('node:'))).toEqual([]);
  });

  it('npm run sim (scripts/sim.mjs) writes what the runner run by tsx writes, byte for byte', () => {
    const outs = ['bundled', 'tsx'].map((how) => join(dir, `${how}.json`));
    const args = ['sre-incident', '--format', 'summary', '--duration', '20'];
    const bundled = spawnSync(process.execPath, ['scripts/sim.mjs', ...args, '--out', outs[0]], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    const tsx = spawnSync(
      join(ROOT, 'node_modules/.bin/tsx'),
      ['server/cli/sim.ts', ...args, '--out', outs[1]],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(bundled.status, bundled.stderr).toBe(0);
    expect(tsx.status, tsx.stderr).toBe(0);
    expect(readFileSync(outs[0], 'utf8')).toBe(readFileSync(outs[1], 'utf8'));
    expect(JSON.parse(readFileSync(outs[0], 'utf8')).meta.ticks).toBe(200);
    // Bad flags: the same message and exit code either way.
    const bad = ['sre-incident', '--format', 'xml'];
    const b = spawnSync(process.execPath, ['scripts/sim.mjs', ...bad], { cwd: ROOT, encoding: 'utf8' });
    const t = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), ['server/cli/sim.ts', ...bad], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(b.status).toBe(2);
    expect(b.stderr).toBe(t.stderr);
    expect(b.stderr).toMatch(/--format/);
  });

  it('stops quietly with exit 0 when the reader of its output leaves (`npm run sim … | head`)', async () => {
    const child = spawn(
      process.execPath,
      ['scripts/sim.mjs', 'demo', '--format', 'csv', '--duration', '3600'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const first = await new Promise<string>((ok) =>
      child.stdout.once('data', (b: Buffer) => ok(b.toString())),
    );
    child.stdout.destroy();
    const code = await new Promise<number | null>((ok) => child.on('exit', ok));
    expect(first.startsWith('tick,')).toBe(true);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
