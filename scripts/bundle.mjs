/**
 * Start-up bundles of the runner (`npm run sim`, server/cli/sim.ts) and the server (`npm start`,
 * server/start.ts): an entry and all it imports (zod included) as one CommonJS file, built by esbuild
 * once per change of its inputs, run through `node:vm` with V8's code cache kept beside it. A start
 * then costs one file read and no TypeScript, no module resolution and (from the second run) no
 * JavaScript compiling. Other packages (express, socket.io, …) stay `require`s of node_modules.
 *
 * For a bundle named `sim`, the cache folder holds `sim-manifest.json` (every input of the bundle
 * with its size and modification time, a package standing as its package.json), the bundle
 * `sim-<hash>.cjs` it names and that bundle's code cache `sim-<hash>.cjs.v8`; likewise `server-…`.
 * Every file is written to a temporary name and renamed into place, so processes started side by
 * side never read half a file.
 */
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Script } from 'node:vm';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ENTRY = join(ROOT, 'server/cli/sim.ts');
/** The bundles `npm run sim` and `npm start` run, by name. */
export const ENTRIES = { sim: ENTRY, server: join(ROOT, 'server/start.ts') };
export const DEFAULT_CACHE = join(ROOT, 'node_modules/.cache/contention-lab');

/** Packages inlined into the bundle (plain JavaScript, no native parts); any other stays a `require`. */
const INLINE = new Set(['zod']);
const manifestOf = (name) => `${name}-manifest.json`;

/** Writes `data` to `file` through a temporary name, so no reader sees it half written. */
function writeAtomic(file, data) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

/** `node_modules/zod/v4/core/core.js` → `node_modules/zod/package.json`; own sources stay as they are. */
function standIn(input) {
  const parts = input.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return input;
  const name = parts[at + 1]?.startsWith('@') ? 2 : 1;
  return [...parts.slice(0, at + 1 + name), 'package.json'].join('/');
}

/**
 * The bundle built for the current inputs, or null when there is none: no manifest, another Node,
 * or an input whose size or modification time changed (or that is gone).
 */
export function freshBundle(cache = DEFAULT_CACHE, name = 'sim') {
  let m;
  try {
    m = JSON.parse(readFileSync(join(cache, manifestOf(name)), 'utf8'));
  } catch {
    return null;
  }
  if (m.node !== process.version || typeof m.bundle !== 'string' || !Array.isArray(m.inputs)) return null;
  for (const [p, size, mtimeMs] of m.inputs) {
    const s = statSync(resolve(ROOT, p), { throwIfNoEntry: false });
    if (!s || s.size !== size || s.mtimeMs !== mtimeMs) return null;
  }
  return join(cache, m.bundle);
}

/** Builds the bundle `name` of `entry` into `cache` and returns its path (its older builds are removed). */
export async function buildBundle(cache = DEFAULT_CACHE, entry = ENTRY, name = 'sim') {
  const esbuild = await import('esbuild');
  const started = Date.now();
  const r = await esbuild.build({
    entryPoints: [entry],
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${process.versions.node.split('.')[0]}`,
    write: false,
    metafile: true,
    outfile: join(cache, `${name}.cjs`),
    logLevel: 'silent',
    // Names kept (a failed run's stack stays readable); blanks and comments dropped: less to read and hash.
    minifyWhitespace: true,
    minifySyntax: true,
    plugins: [
      {
        name: 'inline-only-listed-packages',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) => {
            const pkg = args.path.startsWith('@')
              ? args.path.split('/').slice(0, 2).join('/')
              : args.path.split('/')[0];
            return args.path.startsWith('node:') || !INLINE.has(pkg)
              ? { path: args.path, external: true }
              : undefined;
          });
        },
      },
      {
        // zod's translations of its own messages (a third of the bundle): the runner's messages are its own.
        name: 'zod-english-only',
        setup(b) {
          b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
            args.importer.includes('/node_modules/zod/')
              ? { path: join(dirname(args.importer), '../locales/en.js'), namespace: 'zod-en' }
              : undefined,
          );
          b.onLoad({ filter: /.*/, namespace: 'zod-en' }, (args) => ({
            contents: `export { default as en } from ${JSON.stringify(args.path)};`,
            resolveDir: dirname(args.path),
          }));
        },
      },
      {
        // Each source keeps its own import.meta.url, so files next to it (presets, package.json) still resolve.
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
  const code = r.outputFiles[0].contents;
  const file = `${name}-${createHash('sha1').update(code).digest('hex').slice(0, 16)}.cjs`;
  mkdirSync(cache, { recursive: true });
  writeAtomic(join(cache, file), code);
  // This file too: a change of how the bundle is built is a change of the bundle.
  const paths = [relative(ROOT, fileURLToPath(import.meta.url)), ...Object.keys(r.metafile.inputs)].map((p) =>
    relative(ROOT, resolve(ROOT, standIn(p.replace(/^[a-z-]+:/, '')))),
  );
  const inputs = [...new Set(paths)].sort().map((p) => {
    const s = statSync(resolve(ROOT, p));
    return [p, s.size, s.mtimeMs];
  });
  // A source saved while the bundle was being built may not be in it: leave no manifest, build again next time.
  if (inputs.every(([, , mtimeMs]) => mtimeMs < started - 1000))
    writeAtomic(
      join(cache, manifestOf(name)),
      JSON.stringify({ node: process.version, bundle: file, inputs }),
    );
  const older = new RegExp(`^${name}-[0-9a-f]+\\.(c?mjs|cjs\\.v8|cjs)$`);
  for (const f of readdirSync(cache))
    if (older.test(f) && !f.startsWith(file)) rmSync(join(cache, f), { force: true });
  return join(cache, file);
}

/**
 * Loads a bundle with its code cache (written after the first run, or again when V8 refuses it)
 * and returns its exports plus `done()`, to call once the run is over.
 */
export function loadBundle(file) {
  const source = readFileSync(file, 'utf8');
  const cacheFile = `${file}.v8`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    cachedData,
  });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  const done = () => {
    if (cachedData && !script.cachedDataRejected) return;
    try {
      writeAtomic(cacheFile, script.createCachedData());
    } catch {
      // A read-only cache folder only costs the next start its compiling.
    }
  };
  return { exports: module.exports, done };
}

/**
 * The exports of the bundle `name` and its `done()`: the bundle built first when its inputs changed,
 * or the entry itself run by tsx when no bundle can be built or loaded (no esbuild, a read-only tree).
 */
export async function loadEntry(name) {
  const entry = ENTRIES[name];
  try {
    const file = freshBundle(DEFAULT_CACHE, name);
    try {
      if (file) return loadBundle(file);
    } catch {
      // A bundle removed or damaged since the manifest named it: build it again.
    }
    return loadBundle(await buildBundle(DEFAULT_CACHE, entry, name));
  } catch {
    const { register } = await import('tsx/esm/api');
    register();
    return { exports: await import(pathToFileURL(entry).href), done: () => {} };
  }
}
