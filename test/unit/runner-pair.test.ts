/**
 * Two scenarios run side by side, each in its own mode (a compare lab's two recorded sides): the
 * ticks they run alike are told from their files, a pair that cannot run tick for tick is refused
 * naming the field, and the output reads as a compare run's.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../shared/commands.js';
import { parseArgs } from '../../server/cli/args.js';
import { ticksAlike } from '../../server/cli/pair.js';
import { modeTrail } from '../../server/export/modes.js';
import { sim, small } from './runProcess.js';

const dir = mkdtempSync(join(tmpdir(), 'sim-pair-'));
function file(name: string, s: Scenario): string {
  const f = join(dir, name);
  writeFileSync(f, JSON.stringify(s));
  return f;
}

/** `small` as a recorded fork's side: para, switched to `mode` at tick 8, a fault at tick 12. */
function side(mode: Scenario['mode'], name = 'small (recorded)'): Scenario {
  return {
    ...small,
    name,
    events: [
      { atTick: 3, type: 'setLoad', vps: 'a', load: { cpu: 0.9 } },
      { atTick: 8, type: 'setMode', mode },
      { atTick: 12, type: 'startFault', vps: 'b', fault: 'cpu_hog' },
    ],
  };
}

describe('the ticks two scenarios run alike', () => {
  it('are those before their first different event, whatever their names and lengths', () => {
    expect(ticksAlike(side('full'), side('container', 'other'), 20)).toBe(8);
    expect(ticksAlike(side('full'), { ...side('full'), durationS: 9 }, 20)).toBe(20);
    // Never more than the run.
    expect(ticksAlike(side('full'), side('container'), 5)).toBe(5);
    // An event one has and the other lacks, at tick 3: alike until then.
    const fewer = { ...side('full'), events: side('full').events!.slice(1) };
    expect(ticksAlike(side('full'), fewer, 20)).toBe(3);
    expect(ticksAlike(fewer, side('full'), 20)).toBe(3);
    // The same event at the same tick, as seconds or as a tick, in any key order.
    const asSeconds: Scenario = {
      ...side('full'),
      events: [{ load: { cpu: 0.9 }, vps: 'a', type: 'setLoad', atS: 0.3 }, ...side('full').events!.slice(1)],
    };
    expect(ticksAlike(side('full'), asSeconds, 20)).toBe(20);
  });

  it('are none when they start otherwise (another mode, seed or VPS)', () => {
    expect(ticksAlike(side('full'), { ...side('full'), mode: 'full' }, 20)).toBe(0);
    expect(ticksAlike(side('full'), { ...side('full'), seed: 6 }, 20)).toBe(0);
    const bigger = { ...side('full'), vps: [{ ...small.vps[0], vcpus: 2 }, small.vps[1]] };
    expect(ticksAlike(side('full'), bigger, 20)).toBe(0);
  });

  it('start alike when only their spelling of a default, name or description differs', () => {
    const { seed: _seed, ...plain } = side('full');
    const spelled: Scenario = {
      ...side('full', 'spelled out'),
      description: 'the same lab, its defaults written down',
      seed: 1,
      tickMs: 100,
      params: {},
      vps: plain.vps.map((v) => ({ ...v, weight: 256, profile: v.profile ?? 'steady' })),
    };
    expect(ticksAlike(plain, spelled, 20)).toBe(20);
    expect(ticksAlike(spelled, plain, 20)).toBe(20);
    // A default written as another value is another start.
    expect(ticksAlike(plain, { ...spelled, seed: 2 }, 20)).toBe(0);
    expect(ticksAlike(plain, { ...spelled, vps: spelled.vps.map((v) => ({ ...v, weight: 512 })) }, 20)).toBe(
      0,
    );
  });

  it("a run's columns are headed by its modes, in order", () => {
    expect(modeTrail('para', [])).toBe('para');
    expect(modeTrail('para', [{ tick: 8, mode: 'full' }])).toBe('para→full');
    const three = [
      { tick: 8, mode: 'full' as const },
      { tick: 9, mode: 'container' as const },
    ];
    expect(modeTrail('para', three)).toBe('para→full→container');
    expect(modeTrail('para', [...three, { tick: 10, mode: 'full' }])).toBe('para→…→full');
  });
});

describe('two scenarios on the command line', { timeout: 120_000 }, () => {
  it('run each in its own mode; the CSV writes the ticks they share once', async () => {
    const a = file('a.json', side('full'));
    const b = file('b.json', side('container'));
    const [csv, json, summary] = await Promise.all([
      sim([a, b, '--format', 'csv', '--units', 'none']),
      sim([a, b]),
      sim([a, b, '--format', 'summary']),
    ]);
    expect([csv.code, json.code, summary.code], csv.stderr + json.stderr).toEqual([0, 0, 0]);
    const rows = csv.stdout.trimEnd().split('\n');
    expect(rows[0].split(',').slice(0, 4)).toEqual(['tick', 't', 'mode', 'vps']);
    const at = (tick: number) =>
      rows.filter((r) => r.startsWith(`${tick},`)).map((r) => r.split(',').slice(2, 4).join(' '));
    expect(at(7)).toEqual(['para a', 'para b']);
    expect(at(8)).toEqual(['full a', 'full b', 'container a', 'container b']);
    expect(rows).toHaveLength(1 + 2 * 8 + 4 * 12);
    // JSON and summary: each run whole, saying how it ran.
    const out = JSON.parse(json.stdout);
    expect(out.meta.modes).toEqual(['para', 'para']);
    expect(out.meta.scenarios).toEqual(['small (recorded)', 'small (recorded)']);
    expect(out.runs.map((r: { frames: unknown[] }) => r.frames.length)).toEqual([20, 20]);
    expect(out.runs[0].frames.slice(0, 8)).toEqual(out.runs[1].frames.slice(0, 8));
    expect(out.runs[1].modeSwitches).toEqual([{ tick: 8, mode: 'container' }]);
    expect(summary.stderr).toContain('host (para, then full from tick 8): cpu ');
    expect(summary.stderr).toContain('host (para, then container from tick 8): cpu ');
    expect(summary.stderr).toMatch(/degr % para→full +degr % para→container +Δ para→container /);
  });

  it('are refused, naming the field and the file, when they cannot run tick for tick', async () => {
    const a = file('a.json', side('full'));
    const fast = file('fast.json', { ...side('full'), tickMs: 50 });
    const r = await sim([a, fast, '--format', 'csv']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${fast}: tickMs: 50, but ${a} ticks every 100 ms`);
    const long = file('long.json', { ...side('full'), durationS: 5 });
    const d = await sim([a, long, '--format', 'csv']);
    expect(d.code).toBe(2);
    expect(d.stderr).toContain(`${long}: durationS: 5 s, but ${a} runs 2 s; give --duration`);
    expect((await sim([a, long, '--format', 'csv', '--duration', '1'])).code).toBe(0);
    // A run the second file's own mode refuses (admission) names that file and the field.
    const host = { cores: 4, ramGiB: 8 };
    const vps = small.vps.map((v) => ({ ...v, ramGiB: 6 }));
    const para = file('para-tight.json', { ...small, host, vps });
    const full = file('full-tight.json', { ...small, host, vps, mode: 'full' });
    const h = await sim([para, full, '--format', 'csv']);
    expect(h.code).toBe(2);
    expect(h.stderr).toBe(
      `sim: ${full}: vps[1]: RAM plans would total 12 GiB; full admits at most 8 GiB on this host\n`,
    );
    // An event after the end is named with its file.
    const late = file('late.json', {
      ...side('container'),
      events: [...side('container').events!, { atS: 30, type: 'stopFault', vps: 'b', fault: 'cpu_hog' }],
    });
    const w = await sim([a, late, '--format', 'summary']);
    expect(w.code).toBe(0);
    expect(w.stderr).toContain(`warning: ${late}: events[3] (stopFault) comes after the run's end`);
  });

  it('flags that set a mode are refused beside two scenarios', () => {
    const r = parseArgs(['a.json', 'b.json', '--mode', 'full']);
    expect(!r.ok && r.error).toEqual({
      flag: '--mode',
      message: 'two scenarios run each in its own mode; give one scenario to set its mode',
    });
    const ok = parseArgs(['a.json', 'b.json', '--format', 'csv']);
    expect(ok.ok && 'options' in ok && [ok.options.scenario, ok.options.beside]).toEqual([
      'a.json',
      'b.json',
    ]);
  });
});
