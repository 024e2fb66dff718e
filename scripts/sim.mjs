#!/usr/bin/env node
/**
 * `npm run sim`: starts the headless runner (server/cli/sim.ts) from a bundle compiled once per
 * change of the sources (kept in node_modules/.cache/contention-lab/), so a run does not pay for
 * transpiling TypeScript module by module at every start. Falls back to tsx when the bundler is
 * not installed or the bundle cannot be built. Flags and exit codes are the runner's own.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = join(ROOT, 'server/cli/sim.ts');
const CACHE = join(ROOT, 'node_modules/.cache/contention-lab');

/** A key of every source the runner may import: path, size and modification time. */
function sourceKey() {
  const h = createHash('sha1');
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) {
        const s = statSync(p);
        h.update(`${p}\0${s.size}\0${s.mtimeMs}\n`);
      }
    }
  };
  walk(join(ROOT, 'server'));
  walk(join(ROOT, 'shared'));
  h.update(readFileSync(join(ROOT, 'package.json')));
  h.update(process.version);
  return h.digest('hex').slice(0, 16);
}

/** Builds the bundle; each module keeps its own import.meta.url (files next to it still resolve). */
async function build(out) {
  const esbuild = await import('esbuild');
  const tmp = `${out}.${process.pid}.tmp`;
  await esbuild.build({
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: `node${process.versions.node.split('.')[0]}`,
    packages: 'external',
    outfile: tmp,
    logLevel: 'silent',
    plugins: [
      {
        name: 'own-import-meta-url',
        setup(b) {
          b.onLoad({ filter: /\.ts$/ }, (args) => ({
            contents: readFileSync(args.path, 'utf8').replaceAll(
              'import.meta.url',
              JSON.stringify(pathToFileURL(args.path).href),
            ),
            loader: 'ts',
          }));
        },
      },
    ],
  });
  renameSync(tmp, out);
  // Bundles of older sources are of no use any more.
  for (const f of readdirSync(CACHE))
    if (/^sim-[0-9a-f]+\.mjs$/.test(f) && join(CACHE, f) !== out) rmSync(join(CACHE, f), { force: true });
}

async function load() {
  try {
    const out = join(CACHE, `sim-${sourceKey()}.mjs`);
    if (!existsSync(out)) {
      mkdirSync(CACHE, { recursive: true });
      await build(out);
    }
    return await import(pathToFileURL(out).href);
  } catch {
    const { register } = await import('tsx/esm/api');
    register();
    return await import(pathToFileURL(ENTRY).href);
  }
}

const { main } = await load();
process.exitCode = await main(process.argv.slice(2));
