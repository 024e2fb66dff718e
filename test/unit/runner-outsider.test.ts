import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runProcess, sim, small } from './runProcess.js';

// What a user runs: `npm run sim` is `node scripts/sim.mjs`.
const dir = mkdtempSync(join(tmpdir(), 'sim-outsider-'));
const opened: number[] = [];
afterAll(() => opened.forEach((fd) => closeSync(fd)));

function file(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}
const smallFile = file('small.json', JSON.stringify(small));

/** One line on stderr, no stack trace. */
function oneLine(stderr: string): void {
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr.trim().split('\n')).toHaveLength(1);
}

describe('the runner facing a clumsy user', { timeout: 120_000 }, () => {
  it('an --out whose folder cannot take a file: exit 2, one line naming --out', async () => {
    const notAFolder = file('plain-file', 'x');
    const r = await sim([smallFile, '--out', join(notAFolder, 'out.csv'), '--format', 'csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--out');
    expect(r.stderr).toContain('ENOTDIR');
    oneLine(r.stderr);
  });

  it('a full disk on the output: exit 1, one line saying where and why', async () => {
    const full = openSync('/dev/full', 'w');
    opened.push(full);
    const r = await sim([smallFile, '--format', 'csv'], full);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot write to the standard output: .*ENOSPC/);
    oneLine(r.stderr);
  });

  it('an --out whose file was left out takes no option after it as its file, and writes nothing', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'sim-out-missing-'));
    const script = join(ROOT, 'scripts', 'sim.mjs');
    const r = await runProcess(process.execPath, [script, smallFile, '--out', '--format=csv'], cwd);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--out: needs a value');
    expect(r.stderr).toContain('"--format=csv" is an option');
    oneLine(r.stderr);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('a field name holding terminal control characters is named escaped, never written to the terminal as is', async () => {
    // Sets the terminal's title and colour, and reverses the text after it, when printed as is.
    const key = '\u001b]0;pwned\u0007\u001b[31mred\u202e\u009bx';
    const unknownField = file('escapes.json', JSON.stringify({ ...small, [key]: 1 }));
    const unknownParam = file('escapes-param.json', JSON.stringify({ ...small, params: { [key]: 1 } }));
    for (const f of [unknownField, unknownParam]) {
      const r = await sim([f]);
      expect(r.code).toBe(2);
      // eslint-disable-next-line no-control-regex -- what must not reach the terminal
      expect(r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      expect(r.stderr).toContain('\\u001b]0;pwned\\u0007\\u001b[31mred\\u202e\\u009bx');
      oneLine(r.stderr);
    }
  });

  it('a mistyped preset id says it is neither a file nor a preset, and where presets are listed', async () => {
    const r = await sim(['demo-lab']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('demo-lab: no such file, nor a preset (see --list)');
    oneLine(r.stderr);
  });

  it('a file saved with a byte-order mark runs like the same file without it', async () => {
    const bom = file('bom.json', '\ufeff' + JSON.stringify(small));
    const [a, b] = await Promise.all([sim([bom, '--format', 'csv']), sim([smallFile, '--format', 'csv'])]);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
  });

  it('an event giving both atS and atTick is refused, naming it', async () => {
    const both = file(
      'both.json',
      JSON.stringify({ ...small, events: [{ atS: 1, atTick: 5, type: 'removeVps', vps: 'b' }] }),
    );
    const r = await sim([both]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('events[0].atTick');
    expect(r.stdout).toBe('');
  });

  it('a key given twice is refused, naming it and where, instead of the last one silently winning', async () => {
    const text = JSON.stringify(small, null, 2).replace('"vcpus": 1,', '"vcpus": 4,\n      "vcpus": 1,');
    const r = await sim([file('twice.json', text)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/vps\[0\]\.vcpus: duplicate key \(line \d+, column \d+\): give it once/);
    oneLine(r.stderr);
    expect(r.stdout).toBe('');
  });

  it('a file nested deeper than any scenario is refused in one line, not with a stack overflow', async () => {
    const r = await sim([file('deep.json', '['.repeat(200_000))]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid JSON at line 1, column 200001/);
    oneLine(r.stderr);
  });

  it('an event after the end of the run is named in a warning (it never applies)', async () => {
    const late = file(
      'late.json',
      JSON.stringify({
        ...small,
        events: [
          { atS: 1, type: 'startFault', vps: 'a', fault: 'cpu_hog' },
          { atS: 100, type: 'removeVps', vps: 'b' },
        ],
      }),
    );
    const r = await sim([late, '--format', 'csv']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: events\[1\] \(removeVps\) comes after the run's end \(2 s\)/);
    const longer = await sim([late, '--format', 'csv', '--duration', '101']);
    expect(longer.stderr).toBe('');
  });

  it('--compare or --mode on a scenario that switches mode (a recorded session) warns that the switch wins', async () => {
    const switching = file(
      'switching.json',
      JSON.stringify({
        ...small,
        events: [
          { atTick: 3, type: 'startFault', vps: 'a', fault: 'cpu_hog' },
          { atTick: 5, type: 'setMode', mode: 'container' },
          { atTick: 9, type: 'setMode', mode: { base: 'para', dom0Vcpus: 2 } },
        ],
      }),
    );
    const r = await sim([switching, '--compare', 'para,full', '--format', 'csv']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /warning: events\[1\] \(setMode container at tick 5\) switches the mode of every run: --compare's modes hold only until then; 1 more switch follows/,
    );
    const one = await sim([switching, '--mode', 'full', '--format', 'csv']);
    expect(one.stderr).toMatch(
      /events\[1\] \(setMode container at tick 5\) switches the mode of every run: --mode's mode holds only until then/,
    );
    // Without either, the scenario's own switches are what it asks for: nothing to warn of.
    expect((await sim([switching, '--format', 'csv'])).stderr).toBe('');
    // A switch after the run's end never applies: that warning alone.
    const short = await sim([switching, '--compare', 'para,full', '--format', 'csv', '--duration', '0.4']);
    expect(short.stderr).not.toMatch(/switches the mode/);
  });

  it('--compare on a scenario that switches mode says how each run ran in its summary', async () => {
    const switching = file(
      'switching-summary.json',
      JSON.stringify({
        ...small,
        events: [
          { atTick: 5, type: 'setMode', mode: 'container' },
          { atTick: 9, type: 'setMode', mode: { base: 'para', dom0Vcpus: 2 } },
        ],
      }),
    );
    const r = await sim([switching, '--compare', 'para,full', '--format', 'summary']);
    expect(r.code).toBe(0);
    const then = 'then container from tick 5, then para (dom0Vcpus=2) from tick 9';
    expect(r.stderr).toContain(`host (para, ${then}): cpu `);
    expect(r.stderr).toContain(`host (full, ${then}): cpu `);
    expect(r.stderr).toMatch(/Δ full→container→para \(dom0Vcpus=2\) /);
    expect(JSON.parse(r.stdout).runs[1].modeSwitches).toEqual([
      { tick: 5, mode: 'container' },
      { tick: 9, mode: { base: 'para', dom0Vcpus: 2 } },
    ]);
    // Without a switch, each run is its mode alone.
    const plain = await sim([smallFile, '--compare', 'para,full', '--format', 'summary']);
    expect(plain.stderr).toContain('host (para): cpu ');
    expect(plain.stderr).toContain('host (full): cpu ');
    expect(plain.stderr).toMatch(/degr % para +degr % full +Δ full /);
  });

  it('a single run of a scenario that switches mode says how it ran, with --mode or without', async () => {
    // A recorded session: the page switched the mode twice.
    const switching = file(
      'switching-single.json',
      JSON.stringify({
        ...small,
        events: [
          { atTick: 5, type: 'setMode', mode: 'container' },
          { atTick: 9, type: 'setMode', mode: { base: 'para', dom0Vcpus: 2 } },
        ],
      }),
    );
    const switches = [
      { tick: 5, mode: 'container' },
      { tick: 9, mode: { base: 'para', dom0Vcpus: 2 } },
    ];
    const then = 'then container from tick 5, then para (dom0Vcpus=2) from tick 9';
    const [own, full] = await Promise.all([
      sim([switching, '--format', 'summary']),
      sim([switching, '--mode', 'full', '--format', 'summary']),
    ]);
    expect([own.code, full.code]).toEqual([0, 0]);
    expect(own.stderr).toContain(`host (para, ${then}): cpu `);
    expect(full.stderr).toContain(`host (full, ${then}): cpu `);
    // The table's columns are headed by the modes the run went through, not its first alone.
    expect(own.stderr).toMatch(/degr % para→container→para \(dom0Vcpus=2\) +p99 ms para→container→para/);
    expect(full.stderr).toMatch(/degr % full→container→para \(dom0Vcpus=2\) /);
    for (const r of [own, full]) {
      const out = JSON.parse(r.stdout);
      expect(out.modeSwitches).toEqual(switches);
      expect(out).not.toHaveProperty('tickModes');
    }
    expect(JSON.parse(full.stdout).meta.mode).toBe('full');
    // Its JSON says the mode of every frame.
    const json = JSON.parse((await sim([switching, '--format', 'json'])).stdout);
    expect(json.modeSwitches).toEqual(switches);
    expect(json.tickModes.slice(3, 11)).toEqual([
      'para',
      'para',
      'container',
      'container',
      'container',
      'container',
      { base: 'para', dom0Vcpus: 2 },
      { base: 'para', dom0Vcpus: 2 },
    ]);
    // A run that keeps its mode: the host line as ever, no switch in the summary.
    const plain = await sim([smallFile, '--format', 'summary']);
    expect(plain.stderr).toContain('\nhost: cpu ');
    expect(JSON.parse(plain.stdout).modeSwitches).toEqual([]);
  });

  it('a mode given as JSON names the bad field inside it, and writes nothing', async () => {
    const sub = mkdtempSync(join(dir, 'mode-'));
    const r = await sim([smallFile, '--mode', '{"base":"x"}', '--out', join(sub, 'never.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('mode.base');
    oneLine(r.stderr);
    const unknown = await sim([smallFile, '--mode', '{"base":"para","bogus":1}']);
    expect(unknown.stderr).toContain('mode.bogus');
    expect(readdirSync(sub)).toEqual([]);
  });

  it('a scenario named by a device or a pipe is read no further than a file may be', async () => {
    // /dev/zero was read without end (the runner died reading it, saying "cannot read (error)").
    const zero = join(dir, 'zero.json');
    symlinkSync('/dev/zero', zero);
    const endless = await sim([zero, '--format', 'summary']);
    expect(endless.code).toBe(2);
    expect(endless.stderr).toContain(`${zero}: more than 256 MiB; a scenario file may be at most 256 MiB`);
    oneLine(endless.stderr);
    // A named pipe (as a shell's <(…) gives) is read to its end, as a file.
    const fifo = join(dir, 'scenario.fifo');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', 'cat "$0" > "$1"', smallFile, fifo]);
    const piped = await sim([fifo, '--format', 'summary']);
    writer.kill();
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout).toContain('"scenario": "small"');
  });
});
