import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../shared/commands.js';
import { VPS_METRICS } from '../../shared/model.js';
import { parseArgs } from '../../server/cli/sim.js';
import { createRun, scenarioFromLog } from '../../server/scenario.js';
import { sim } from './runProcess.js';

const dir = mkdtempSync(join(tmpdir(), 'sim-cli-'));

const small: Scenario = {
  name: 'small',
  seed: 5,
  tickMs: 100,
  durationS: 5,
  mode: 'para',
  host: { cores: 6 },
  vps: [
    {
      id: 'web-1',
      role: 'web',
      vcpus: 2,
      ramGiB: 4,
      diskIops: 2000,
      netMbps: 200,
      profile: 'bursty',
      load: { cpu: 0.6, disk: 0.2, net: 0.2 },
    },
    { id: 'batch-1', role: 'batch', vcpus: 4, ramGiB: 4, diskIops: 2000, netMbps: 200, load: { cpu: 0.3 } },
  ],
  events: [{ atS: 2, type: 'startFault', vps: 'batch-1', fault: 'cpu_hog' }],
};
const smallFile = join(dir, 'small.json');
writeFileSync(smallFile, JSON.stringify(small));

describe('sim CLI arguments', () => {
  it('parses every flag, in both spellings', () => {
    const r = parseArgs([
      'x.json',
      '--format=csv',
      '--out',
      'o.csv',
      '--duration',
      '12.5',
      '--mode',
      '{"base":"container","netShaping":true}',
    ]);
    expect(r).toEqual({
      ok: true,
      options: {
        scenario: 'x.json',
        format: 'csv',
        out: 'o.csv',
        durationS: 12.5,
        mode: { base: 'container', netShaping: true },
        units: 'header',
      },
    });
    const u = parseArgs(['x.json', '--format', 'csv', '--units=row']);
    expect(u.ok && 'options' in u && u.options.units).toBe('row');
    const c = parseArgs(['x.json', '--compare', 'full,{"base":"container","containerLimits":false}']);
    expect(c.ok && 'options' in c && c.options.compare).toEqual([
      'full',
      { base: 'container', containerLimits: false },
    ]);
  });

  it.each([
    [['x.json', '--frobnicate'], '--frobnicate'],
    [['x.json', '--format', 'xml'], '--format'],
    [['x.json', '--format'], '--format'],
    [['x.json', '--mode', 'xen'], '--mode'],
    [['x.json', '--mode', '{"base":"para","cpuPolicy":"fifo"}'], '--mode'],
    [['x.json', '--compare', 'full'], '--compare'],
    [['x.json', '--compare', 'full,xen'], '--compare'],
    [['x.json', '--duration', '-5'], '--duration'],
    [['x.json', '--duration', '0'], '--duration'],
    [['x.json', '--duration', '10s'], '--duration'],
    [['x.json', '--mode', 'full', '--compare', 'full,para'], '--mode'],
    [['x.json', '--format', 'csv', '--units', 'kelvin'], '--units'],
    [['x.json', '--format', 'csv', '--units'], '--units'],
    [['x.json', '--units', 'row'], '--units'],
    [['x.json', '--format', 'summary', '--units', 'none'], '--units'],
    [[], '<scenario>'],
    [['a.json', 'b.json', 'c.json'], '<scenario>'],
    [['-', '-'], '<scenario>'],
    [['a.json', 'b.json', '--compare', 'para,full'], '--compare'],
    [['a.json', '--mode', 'full', 'b.json'], '--mode'],
    [['x.json', '--out', 'a.json', '--out', 'b.json'], '--out'],
    [['x.json', '--format=csv', '--format', 'json'], '--format'],
    [['x.json', '--compare', 'para,full,para'], '--compare'],
    [['x.json', '--compare', 'para,{"base":"para"}'], '--compare'],
    [['x.json', '--compare', '{"base":"para","cpuCaps":true},{"cpuCaps":true,"base":"para"}'], '--compare'],
    // A value left out takes no option after it as the value.
    [['x.json', '--out', '--format=csv'], '--out'],
    [['x.json', '--out', '--duration', '5'], '--out'],
    [['x.json', '--mode', '--format', 'csv'], '--mode'],
    [['x.json', '--out', '--help'], '--out'],
  ])('rejects %j naming %s', (argv, flag) => {
    const r = parseArgs(argv);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.flag).toBe(flag);
  });
});

describe('sim CLI', { timeout: 90_000 }, () => {
  it('prints usage with --help', async () => {
    const r = await sim(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--compare M1,M2');
  });

  it.each([
    [['--format', 'xml'], '--format'],
    [['--mode', 'xen'], '--mode'],
    [['--duration', '-3'], '--duration'],
    [['--bogus'], '--bogus'],
    [['--units', 'row'], '--units'],
  ])('exits 2 on %j, names the flag and writes nothing', async (flags, flag) => {
    const out = join(dir, `never-${flag.slice(2)}.json`);
    const r = await sim([smallFile, ...flags, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(flag);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });

  it('exits 2 when --out names a folder or a missing folder, before running', async () => {
    const folder = await sim([smallFile, '--out', dir]);
    const missing = await sim([smallFile, '--out', join(dir, 'no-such-folder', 'x.json')]);
    expect([folder.code, missing.code]).toEqual([2, 2]);
    expect(folder.stderr).toContain('--out');
    expect(missing.stderr).toContain('--out');
    expect(folder.stdout + missing.stdout).toBe('');
  });

  it('exits 2 on a missing file, naming it', async () => {
    const r = await sim([join(dir, 'missing.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing.json');
    expect(r.stdout).toBe('');
  });

  it('exits 2 on a bad scenario, naming the JSON path', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        ...small,
        events: [...small.events!, { atS: 1, type: 'setLoad', vps: 'web-9', load: { cpu: 1 } }],
      }),
    );
    const r = await sim([bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('events[1].vps');
    const syntax = join(dir, 'syntax.json');
    writeFileSync(syntax, '{\n  "name": "x",\n  "mode": "para"\n  "vps": []\n}');
    const s = await sim([syntax]);
    expect(s.code).toBe(2);
    expect(s.stderr).toContain('line 4, column 3');
  });

  it('writes byte-identical JSON for the same inputs, with meta, one frame per tick and a summary', async () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    const [ra, rb] = await Promise.all([sim([smallFile, '--out', a]), sim([smallFile, '--out', b])]);
    expect([ra.code, rb.code]).toEqual([0, 0]);
    // With --out, stderr says what ran and how the host and the VPSs fared.
    expect(ra.stderr).toMatch(/^sim: 2 VPSs × 50 ticks in [\d.]+ s \(.* VPS-ticks\/s\) → /);
    expect(ra.stderr).toContain('host: cpu ');
    expect(ra.stderr).toContain('batch-1');
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    const out = JSON.parse(readFileSync(a, 'utf8'));
    expect(out.meta).toMatchObject({
      scenario: 'small',
      seed: 5,
      tickMs: 100,
      durationS: 5,
      mode: 'para',
      ticks: 50,
    });
    expect(typeof out.meta.version).toBe('string');
    expect(out.frames).toHaveLength(50);
    expect(out.frames.map((f: { tick: number }) => f.tick)).toEqual([...Array(50).keys()]);
    expect(Object.keys(out.summary.vps)).toEqual(['web-1', 'batch-1']);
    expect(out.summary.vps['web-1']).toHaveProperty('degradationPct');
    expect(out.summary.vps['web-1']).toHaveProperty('dnr');
  });

  it('writes byte-identical CSV, overrides mode and duration', async () => {
    const args = [smallFile, '--format', 'csv', '--mode', 'full', '--duration', '3', '--units', 'none'];
    const [x, y] = await Promise.all([sim(args), sim(args)]);
    expect(x.code).toBe(0);
    expect(x.stdout).toBe(y.stdout);
    // Piped stderr stays silent when the data goes to stdout.
    expect(x.stderr).toBe('');
    const lines = x.stdout.trimEnd().split('\n');
    const header = lines[0].split(',');
    expect(header.slice(0, 4)).toEqual(['tick', 't', 'vps', 'state']);
    for (const m of VPS_METRICS) expect(header).toContain(m);
    expect(lines).toHaveLength(1 + 30 * 2);
    // Under full, CPU is a fixed quota: the hog's neighbour is never throttled by another's demand
    // and nobody is granted more than its vCPUs.
    const granted = header.indexOf('cpuGranted');
    for (const l of lines.slice(1)) expect(Number(l.split(',')[granted])).toBeLessThanOrEqual(4);
  });

  it('puts units in the CSV header by default, or on a second line with --units row', async () => {
    const [h, r] = await Promise.all([
      sim([smallFile, '--format', 'csv', '--duration', '1']),
      sim([smallFile, '--format', 'csv', '--duration', '1', '--units', 'row']),
    ]);
    expect([h.code, r.code]).toEqual([0, 0]);
    const head = h.stdout.split('\n')[0].split(',');
    expect(head).toEqual(
      expect.arrayContaining(['t[s]', 'cpuSteal[0-1]', 'latencyP99Ms', 'host.dom0CpuUtil[0-1]']),
    );
    const [names, units, first] = r.stdout.split('\n').map((l) => l.split(','));
    expect(names).toContain('cpuSteal');
    expect(units[names.indexOf('cpuSteal')]).toBe('0-1');
    expect(units[names.indexOf('t')]).toBe('s');
    expect(first[0]).toBe('0');
    // Same rows either way.
    expect(h.stdout.split('\n').slice(1)).toEqual(r.stdout.split('\n').slice(2));
  });

  it('with many VPSs, stderr lists the host and the worst few, not one line per VPS', async () => {
    const many: Scenario = {
      ...small,
      name: 'many',
      host: { cores: 8, ramGiB: 256 },
      vps: Array.from({ length: 40 }, (_, i) => ({
        id: `v${i}`,
        vcpus: 1,
        ramGiB: 1,
        diskIops: 100,
        netMbps: 10,
        load: { cpu: i === 7 ? 1 : 0.1 },
      })),
      events: [{ atS: 1, type: 'startFault', vps: 'v7', fault: 'kernel_panic' }],
    };
    const file = join(dir, 'many.json');
    writeFileSync(file, JSON.stringify(many));
    const out = join(dir, 'many.csv');
    const r = await sim([file, '--format', 'csv', '--out', out, '--duration', '4']);
    expect(r.code).toBe(0);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.length).toBeLessThan(16);
    expect(r.stderr).toContain('worst 8 of 40 VPSs');
    // The one that panicked is the worst off and comes first.
    expect(lines.find((l) => /^v\d/.test(l))).toMatch(/^v7 /);
    expect(readFileSync(out, 'utf8').trimEnd().split('\n')).toHaveLength(1 + 40 * 40);
  });

  it('compares two modes on the same events, in JSON, CSV and summary forms', async () => {
    const [j, c, s] = await Promise.all([
      sim([smallFile, '--compare', 'para,full', '--duration', '3']),
      sim([smallFile, '--compare', 'para,full', '--duration', '3', '--format', 'csv']),
      sim([smallFile, '--compare', 'para,full', '--duration', '3', '--format', 'summary']),
    ]);
    expect([j.code, c.code, s.code]).toEqual([0, 0, 0]);
    const out = JSON.parse(j.stdout);
    expect(out.meta.modes).toEqual(['para', 'full']);
    expect(out.runs.map((r: { mode: string }) => r.mode)).toEqual(['para', 'full']);
    expect(out.runs[0].frames).toHaveLength(30);
    expect(out.runs[1].summary.vps['web-1']).toBeDefined();
    const rows = c.stdout.trimEnd().split('\n');
    expect(rows[0].split(',').slice(0, 4)).toEqual(['tick', 't[s]', 'mode', 'vps']);
    expect(new Set(rows.slice(1).map((l) => l.split(',')[2]))).toEqual(new Set(['para', 'full']));
    const sum = JSON.parse(s.stdout);
    expect(sum.runs).toHaveLength(2);
    expect(sum.runs[0]).not.toHaveProperty('frames');
    expect(s.stderr).toContain('Δ full');
    expect(s.stderr).toContain('web-1');
  });

  it('summarizes a small run whose means can be checked by hand', async () => {
    // Full virtualization, CPU only: a gets 0.5 × 2 vCPUs = 1 core every tick; b offers 0.75 × 4 = 3
    // cores against a 2-core cap for the first second, then 0.25 × 4 = 1 core.
    const hand: Scenario = {
      name: 'hand',
      seed: 1,
      tickMs: 100,
      durationS: 2,
      mode: 'full',
      host: { cores: 8 },
      vps: [
        {
          id: 'a',
          vcpus: 2,
          ramGiB: 2,
          diskIops: 100,
          netMbps: 10,
          profile: 'steady',
          load: { cpu: 0.5, mem: 0.5, disk: 0, net: 0 },
        },
        {
          id: 'b',
          vcpus: 4,
          cpuCapCores: 2,
          ramGiB: 2,
          diskIops: 100,
          netMbps: 10,
          profile: 'steady',
          load: { cpu: 0.75, mem: 0.5, disk: 0, net: 0 },
        },
      ],
      events: [{ atS: 1, type: 'setLoad', vps: 'b', load: { cpu: 0.25 } }],
    };
    const file = join(dir, 'hand.json');
    writeFileSync(file, JSON.stringify(hand));
    const [sum, full] = await Promise.all([sim([file, '--format', 'summary']), sim([file])]);
    expect([sum.code, full.code]).toEqual([0, 0]);
    const s = JSON.parse(sum.stdout).summary;
    expect(s.ticks).toBe(20);
    expect(s.vps.a.cpuGranted).toBeCloseTo(1, 9);
    expect(s.vps.b.cpuDemand).toBeCloseTo((10 * 3 + 10 * 1) / 20, 9);
    expect(s.vps.b.cpuGranted).toBeCloseTo((10 * 2 + 10 * 1) / 20, 9);
    expect(s.vps.b.cpuThrottled).toBeCloseTo((10 * 0.25 + 10 * 0) / 20, 9);
    expect(s.host.cpuUtil).toBeCloseTo((1 + 1.5) / 8, 9);
    expect(s.vps.a.dnr).toBe(false);
    // The streamed summary equals the one written beside the frames, and both match the frames' means.
    const out = JSON.parse(full.stdout);
    expect(out.summary).toEqual(s);
    const p99 =
      out.frames.reduce(
        (acc: number, f: { vps: { latencyP99Ms: number }[] }) => acc + f.vps[0].latencyP99Ms,
        0,
      ) / 20;
    expect(s.vps.a.latencyP99Ms).toBeCloseTo(p99, 9);
  });

  it('runs a bundled preset by id in summary form', async () => {
    const r = await sim(['demo', '--format', 'summary', '--duration', '2']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).not.toHaveProperty('frames');
    expect(out.meta.ticks).toBe(20);
    expect(Object.keys(out.summary.vps)).toHaveLength(6);
  });
});

describe('replay', { timeout: 90_000 }, () => {
  it('a run exported as a scenario (its log, stamped with ticks) reproduces identical frames', async () => {
    const live = await createRun(small);
    if (!live.ok) throw new Error(live.error.message);
    const frames: string[] = [];
    const steer: Record<number, Parameters<typeof live.data.engine.apply>[0]> = {
      7: { type: 'setLoad', vps: 'web-1', load: { cpu: 0.9, disk: 0.6 } },
      15: { type: 'startFault', vps: 'web-1', fault: 'io_storm', durationS: 1 },
      31: { type: 'resizeVps', vps: 'batch-1', plan: { vcpus: 2 } },
      33: { type: 'setMode', mode: 'container' },
    };
    for (let t = 0; t < 50; t++) {
      if (steer[t]) expect(live.data.engine.apply(steer[t]).ok).toBe(true);
      frames.push(JSON.stringify(live.data.step()));
    }
    const replayScenario = scenarioFromLog(small, live.data.engine.log(), { ticks: 50 });
    expect(replayScenario.events!.length).toBe(5); // four live commands and the scheduled cpu_hog
    const file = join(dir, 'replay.json');
    writeFileSync(file, JSON.stringify(replayScenario));
    const r = await sim([file]);
    expect(r.code).toBe(0);
    const replayed = JSON.parse(r.stdout).frames.map((f: unknown) => JSON.stringify(f));
    expect(replayed).toHaveLength(50);
    expect(replayed).toEqual(frames);
    // Without the live commands the run differs: the test can tell runs apart.
    const plain = await sim([smallFile]);
    expect(JSON.parse(plain.stdout).frames.map((f: unknown) => JSON.stringify(f))).not.toEqual(frames);
  });
});
