#!/usr/bin/env node
// Runs every suite (unit, integration, browser) and ends with one plain line: "N passed, N failed".
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { stdio: 'inherit', ...opts });

// Debian packages the suites need: chromium for the browser tests, redis-server for the cluster tests,
// strace for the test that checks what the file store flushes.
const missing = [
  ['/usr/bin/chromium', 'chromium'],
  ['/usr/bin/redis-server', 'redis-server'],
  ['/usr/bin/strace', 'strace'],
].filter(([bin]) => !existsSync(bin));
if (missing.length) {
  const names = missing.map(([, pkg]) => pkg);
  console.log(`Installing Debian's ${names.join(' and ')} for the tests…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const asRoot = (args) =>
    process.getuid?.() === 0 ? run(args[0], args.slice(1), { env }) : run('sudo', args, { env });
  asRoot(['apt-get', 'update', '-qq']);
  asRoot(['apt-get', 'install', '-y', '-qq', ...names]);
}

const build = run('npx', ['vite', 'build', '--config', 'client/vite.config.ts', '--logLevel', 'warn']);
if (build.status !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}

// The server's and the runner's start-up bundles, built once here rather than by the first tests
// that start a server or a run, side by side (a bundle that cannot be built leaves them on tsx).
const bundles = await import('./bundle.mjs');
for (const [name, entry] of Object.entries(bundles.ENTRIES)) {
  if (!bundles.freshBundle(undefined, name))
    await bundles
      .buildBundle(undefined, entry, name)
      .catch((e) => console.log(`bundle ${name}: ${e.message}`));
}

mkdirSync('.test-results', { recursive: true });
const out = '.test-results/vitest.json';
rmSync(out, { force: true });
const extra = process.argv.slice(2);
const res = run('npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${out}`,
  ...extra,
]);

let passed = 0;
let failed = 1;
if (existsSync(out)) {
  const report = JSON.parse(readFileSync(out, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed = report.numFailedTests ?? 0;
  // A file that failed before any of its tests ran (import error, failing hook) counts once.
  for (const suite of report.testResults ?? []) {
    if (suite.status === 'failed' && (suite.assertionResults ?? []).every((a) => a.status !== 'failed'))
      failed += 1;
  }
}
if (res.status !== 0 && failed === 0) failed = 1;

// Static checks count as one test each: the types of both ends, the lint rules (among them: no
// clock and no Math.random in the engine), and the formatting (`npm run format` fixes it). They run
// side by side, each printing once it is done, in this order.
if (extra.length === 0) {
  const checks = [
    ['typecheck (tsc)', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']],
    [
      'typecheck (svelte-check)',
      'npx',
      ['svelte-check', '--tsconfig', 'client/tsconfig.json', '--threshold', 'error'],
    ],
    ['lint (eslint)', 'npx', ['eslint', '.']],
    ['format (prettier --check)', 'npx', ['prettier', '--check', '--log-level', 'warn', '.']],
  ].map(([name, cmd, args]) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    return new Promise((done) => {
      child.on('error', (e) => done({ name, ok: false, out: `${out}${e.message}\n` }));
      child.on('close', (code) => done({ name, ok: code === 0, out }));
    });
  });
  for (const check of checks) {
    const { name, ok, out } = await check;
    process.stdout.write(out);
    console.log(`${ok ? '✓' : '✗'} ${name}`);
    if (ok) passed += 1;
    else failed += 1;
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
