/**
 * The runner's `--out` as an outsider uses it, through `node scripts/sim.mjs` in a child process on
 * real files: never onto the scenario it reads, never replacing a device or a pipe by a file,
 * writing through a link and keeping a file's mode, and leaving an existing file as it was when a
 * run is stopped by a signal.
 */
import { spawn, execFileSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  createReadStream,
  lstatSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  statfsSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runnerScenario } from '../bench/runnerWorkload.js';
import { ROOT, sim, small } from './runProcess.js';

const base = mkdtempSync(join(tmpdir(), 'sim-output-'));
let folders = 0;
/** A folder of its own per test: what is left in it is what the runner left. */
const folder = (): string => mkdtempSync(join(base, `t${folders++}-`));

function scenarioIn(dir: string, name = 'small.json'): string {
  const f = join(dir, name);
  writeFileSync(f, JSON.stringify(small, null, 2));
  return f;
}

/** One line on stderr, no stack trace. */
function oneLine(stderr: string): void {
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr.trim().split('\n')).toHaveLength(1);
}

describe('the runner writing --out', { timeout: 120_000 }, () => {
  it('refuses to write over the scenario it reads, named directly or through a link: exit 2, the file untouched', async () => {
    const dir = folder();
    const f = scenarioIn(dir);
    const before = readFileSync(f);
    const link = join(dir, 'link.json');
    symlinkSync(f, link);
    for (const out of [f, link]) {
      const r = await sim([f, '--format', 'summary', '--out', out]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--out');
      expect(r.stderr).toContain('scenario');
      oneLine(r.stderr);
      expect(readFileSync(f).equals(before)).toBe(true);
    }
    // Read through the link, written onto the file itself: the same refusal.
    const r = await sim([link, '--out', f]);
    expect(r.code).toBe(2);
    expect(readFileSync(f).equals(before)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['link.json', 'small.json']);
  });

  it('refuses an --out ending in a slash that names no folder (it wrote a file of that name): exit 2, nothing written', async () => {
    const dir = folder();
    const f = scenarioIn(dir);
    const r = await sim([f, '--format', 'csv', '--out', join(dir, 'results') + '/']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--out');
    expect(r.stderr).toContain('names a folder');
    oneLine(r.stderr);
    expect(readdirSync(dir)).toEqual(['small.json']);
  });

  it('writes into a named pipe as it is, without putting a file in its place', async () => {
    const dir = folder();
    const f = scenarioIn(dir);
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const chunks: Buffer[] = [];
    const reader = createReadStream(fifo);
    reader.on('data', (b) => chunks.push(b as Buffer));
    const read = new Promise<void>((ok, fail) => {
      reader.on('close', ok);
      reader.on('error', fail);
    });
    const r = await sim([f, '--format', 'csv', '--out', fifo]);
    expect(r.code).toBe(0);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    await read;
    const direct = await sim([f, '--format', 'csv']);
    expect(Buffer.concat(chunks).toString()).toBe(direct.stdout);
    expect(direct.stdout.split('\n').length).toBeGreaterThan(20);
    expect(readdirSync(dir).sort()).toEqual(['pipe', 'small.json']);
  });

  it('writes through a link to the file it points to, keeping the link and the file’s mode', async () => {
    const dir = folder();
    const f = scenarioIn(dir);
    const target = join(dir, 'target.csv');
    writeFileSync(target, 'old\n');
    chmodSync(target, 0o600);
    const link = join(dir, 'out.csv');
    symlinkSync(target, link);
    const r = await sim([f, '--format', 'csv', '--out', link]);
    expect(r.code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    const text = readFileSync(target, 'utf8');
    expect(text.startsWith('tick,')).toBe(true);
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual(['out.csv', 'small.json', 'target.csv']);
  });

  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`stopped by ${signal} mid-run: exit ${code}, one line, the existing --out as it was and no temporary file left`, async () => {
      const dir = folder();
      const out = join(dir, 'keep.csv');
      writeFileSync(out, 'what was there before\n');
      const child = spawn(
        process.execPath,
        ['scripts/sim.mjs', 'demo', '--format', 'csv', '--duration', '604800', '--out', out],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      const exited = new Promise<number | null>((ok) => child.on('exit', ok));
      // Mid-run: once the runner has started writing its temporary file.
      const started = Date.now();
      while (readdirSync(dir).length < 2 && Date.now() - started < 60_000)
        await new Promise((ok) => setTimeout(ok, 50));
      expect(readdirSync(dir).length).toBe(2);
      try {
        child.kill(signal);
        expect(await exited).toBe(code);
      } finally {
        child.kill('SIGKILL');
      }
      expect(readFileSync(out, 'utf8')).toBe('what was there before\n');
      expect(readdirSync(dir)).toEqual(['keep.csv']);
      expect(stderr).toContain(signal);
      oneLine(stderr);
    });
  }

  it('refuses a scenario file too big to read, in one line naming its size and the limit, before reading it', async () => {
    const dir = folder();
    const f = join(dir, 'huge.json');
    writeFileSync(f, '');
    truncateSync(f, 700 * 2 ** 20); // sparse: no disk used
    const out = join(dir, 'out.json');
    const r = await sim([f, '--format', 'summary', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('huge.json: 700 MiB');
    expect(r.stderr).toMatch(/at most 256 MiB/);
    oneLine(r.stderr);
    expect(readdirSync(dir)).toEqual(['huge.json']);
    // The same on standard input (`-`): read up to the limit, not to the end.
    const fd = openSync(f, 'r');
    try {
      const child = spawn(process.execPath, ['scripts/sim.mjs', '-', '--format', 'summary', '--out', out], {
        cwd: ROOT,
        stdio: [fd, 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
      expect(await new Promise((ok) => child.on('close', ok))).toBe(2);
      expect(stderr).toContain('-: more than 256 MiB');
      oneLine(stderr);
    } finally {
      closeSync(fd);
    }
    expect(readdirSync(dir)).toEqual(['huge.json']);
  });

  it('refuses, after its first tick, a run whose --out would not fit on its disk: one line with both sizes, nothing left', async () => {
    const dir = folder();
    // A week of frames from enough VPSs to need ten times the disk's free space (a JSON or CSV row
    // of one VPS at one tick takes well over 50 bytes): 1 024 VPSs, more on a disk with more room.
    const { bavail, bsize } = statfsSync(dir);
    const vps = Math.min(100_000, Math.max(1024, Math.ceil((10 * bavail * bsize) / (50 * 7 * 864_000))));
    const f = join(dir, 'big.json');
    writeFileSync(f, JSON.stringify(runnerScenario(vps, 7 * 86_400)));
    const out = join(dir, 'frames.json');
    writeFileSync(out, 'kept\n');
    for (const format of ['json', 'csv']) {
      const r = await sim([f, '--format', format, '--out', out]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`--out ${out}: the run would write about`);
      expect(r.stderr).toMatch(/about [\d.]+ [kMGTPE]?B, more than the [\d.]+ [kMGTPE]?B free on its disk/);
      oneLine(r.stderr);
      expect(readFileSync(out, 'utf8')).toBe('kept\n');
      expect(readdirSync(dir).sort()).toEqual(['big.json', 'frames.json']);
    }
  });
});
