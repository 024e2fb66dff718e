/**
 * `npm run bench [-- name…]`: runs the bench modules in sequence (engine, runner, fanout, restart, dashboard, snapshot, history, redis: each
 * that exists), each printing its own figures. Names on the command line pick a subset.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cpus, loadavg } from 'node:os';

const BENCHES = [
  'engine',
  'runner',
  'fanout',
  'restart',
  'dashboard',
  'snapshot',
  'history',
  'redis',
] as const;

interface BenchModule {
  run(): Promise<void>;
}

async function main(argv: string[]): Promise<number> {
  const unknown = argv.filter((a) => !(BENCHES as readonly string[]).includes(a));
  if (unknown.length) {
    process.stderr.write(`bench: unknown bench ${unknown.join(', ')} (known: ${BENCHES.join(', ')})\n`);
    return 2;
  }
  const picked = argv.length ? BENCHES.filter((b) => argv.includes(b)) : BENCHES;
  const load = loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
  console.log(
    `Contention Lab benches — node ${process.version}, ${cpus().length} CPU(s): ${cpus()[0]?.model ?? '?'}, load average ${load}`,
  );
  console.log(
    'Figures are medians of repeated runs; compare ratios, not absolute times, on a shared machine.\n',
  );
  let failed = 0;
  for (const name of picked) {
    const file = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
    if (!existsSync(file)) {
      console.log(`== ${name}: not present, skipped\n`);
      continue;
    }
    console.log(`== ${name}`);
    const t0 = performance.now();
    try {
      const mod = (await import(pathToFileURL(file).href)) as BenchModule;
      await mod.run();
    } catch (e) {
      failed++;
      console.log(`${name} failed: ${(e as Error).stack ?? String(e)}`);
    }
    console.log(`(${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
  }
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => process.exit(code));
