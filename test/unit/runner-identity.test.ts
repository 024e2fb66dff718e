/**
 * The runner reads each tick straight from the engine's arrays; its CSV and JSON must be exactly
 * what the engine's own frames give for the same run, for every bundled preset (and a compare run).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModeSpec, Scenario } from '../../shared/commands.js';
import { HOST_METRICS, VPS_METRICS, type Frame } from '../../shared/model.js';
import { formatNumber, modeCell, summarize, csvHeader } from '../../server/export.js';
import { Progress } from '../../server/cli/report.js';
import { writeRuns, type RunMeta } from '../../server/cli/write.js';
import { PRESETS_DIR, createRun, listPresets, loadScenarioFile, type Run } from '../../server/scenario.js';

const ROOT = resolve(import.meta.dirname, '../..');
const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
const SECONDS = 45;

async function runs(s: Scenario, modes: ModeSpec[]): Promise<Run[]> {
  const out: Run[] = [];
  for (const m of modes) {
    const r = await createRun(s, m);
    if (!r.ok) throw new Error(r.error.message);
    out.push(r.data);
  }
  return out;
}

function metaOf(s: Scenario, run: Run, ticks: number, modes?: ModeSpec[]): RunMeta {
  return {
    scenario: s.name,
    seed: run.seed,
    tickMs: run.tickMs,
    durationS: s.durationS!,
    mode: modes ? null : run.mode,
    ...(modes ? { modes } : {}),
    ticks,
    version: VERSION,
  };
}

/** The runner's columnar path, collected into one string. */
async function columnar(s: Scenario, format: 'json' | 'csv' | 'summary', modes: ModeSpec[]): Promise<string> {
  const rs = await runs(s, modes);
  const ticks = Math.round((s.durationS! * 1000) / rs[0].tickMs);
  let text = '';
  const compare = modes.length > 1;
  await writeRuns(
    { write: (x) => (text += x) },
    { format, compare, units: 'header' },
    metaOf(s, rs[0], ticks, compare ? modes : undefined),
    rs,
    ticks,
    new Progress(ticks, null),
  );
  return text;
}

/** Frames as the engine builds them, and the mode the engine says it ran each of them under. */
async function framesAndModes(
  s: Scenario,
  modes: ModeSpec[],
): Promise<{ frames: Frame[][]; modes: ModeSpec[][] }> {
  const rs = await runs(s, modes);
  const ticks = Math.round((s.durationS! * 1000) / rs[0].tickMs);
  const out: Frame[][] = rs.map(() => []);
  const ran: ModeSpec[][] = rs.map(() => []);
  for (let t = 0; t < ticks; t++)
    rs.forEach((r, k) => {
      r.engine.advance(1);
      out[k].push(r.engine.frame());
      ran[k].push(r.engine.mode());
    });
  return { frames: out, modes: ran };
}

/** The ticks from which a run started in `start` ran under another mode, read from its frames' modes. */
function switchesOf(start: ModeSpec, f: Frame[], ran: ModeSpec[]): { tick: number; mode: ModeSpec }[] {
  const switches: { tick: number; mode: ModeSpec }[] = [];
  let held = JSON.stringify(start);
  ran.forEach((m, t) => {
    if (JSON.stringify(m) !== held) switches.push({ tick: f[t].tick, mode: m });
    held = JSON.stringify(m);
  });
  return switches;
}

/** A compare run's JSON as written from the engine's frames and modes, one run after the other. */
function compareJson(meta: RunMeta, modes: ModeSpec[], fs: Frame[][], ran: ModeSpec[][]): string {
  const runsJson = fs.map((f, k) => {
    return (
      `{"mode":${JSON.stringify(modes[k])},"frames":[\n${f.map((x) => JSON.stringify(x)).join(',\n')}\n],` +
      `"tickModes":${JSON.stringify(ran[k])},"modeSwitches":${JSON.stringify(switchesOf(modes[k], f, ran[k]))},` +
      `"summary":${JSON.stringify(summarize(f))}}`
    );
  });
  return `{"meta":${JSON.stringify(meta)},\n"runs":[\n` + runsJson.join(',\n') + '\n]}\n';
}

/** A single run's JSON as written from the engine's frames and the mode it ran each of them under. */
function singleJson(meta: RunMeta, start: ModeSpec, f: Frame[], ran: ModeSpec[]): string {
  return (
    `{"meta":${JSON.stringify(meta)},\n"frames":[\n` +
    f.map((x) => JSON.stringify(x)).join(',\n') +
    `\n],\n"tickModes":${JSON.stringify(ran)},\n"modeSwitches":${JSON.stringify(switchesOf(start, f, ran))},` +
    `\n"summary":${JSON.stringify(summarize(f))}}\n`
  );
}

/** CSV written from frame objects, cell by cell (independent of the runner's writer). */
function csvOfFrames(perMode: Frame[][], modes?: ModeSpec[]): string {
  let out = csvHeader({ mode: modes !== undefined });
  const cell = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  for (let t = 0; t < perMode[0].length; t++)
    perMode.forEach((fs, k) => {
      const f = fs[t];
      for (const v of f.vps) {
        const cells = [String(f.tick), formatNumber(f.t)];
        if (modes) cells.push(cell(modeCell(modes[k])));
        cells.push(cell(v.id), v.state, ...VPS_METRICS.map((m) => formatNumber(v[m])));
        cells.push(...HOST_METRICS.map((m) => formatNumber(f.host[m])));
        out += cells.join(',') + '\n';
      }
    });
  return out;
}

const presets = await listPresets();

describe('runner output equals the engine frames, byte for byte', { timeout: 120_000 }, () => {
  it('covers every preset file', async () => {
    expect(presets.length).toBeGreaterThanOrEqual(10);
  });

  for (const p of presets) {
    it(`${p.id}: JSON and CSV`, async () => {
      const loaded = await loadScenarioFile(join(PRESETS_DIR, `${p.id}.json`));
      if (!loaded.ok) throw new Error(loaded.error.message);
      const s: Scenario = { ...loaded.data, durationS: Math.min(SECONDS, loaded.data.durationS ?? SECONDS) };
      const {
        frames: [fs],
        modes: [ran],
      } = await framesAndModes(s, [s.mode]);
      const rs = await runs(s, [s.mode]);
      const meta = metaOf(s, rs[0], fs.length);
      const expectedJson = singleJson(meta, s.mode, fs, ran);
      const json = await columnar(s, 'json', [s.mode]);
      expect(json === expectedJson).toBe(true);
      expect(JSON.parse(json).frames).toHaveLength(fs.length);
      const csv = await columnar(s, 'csv', [s.mode]);
      expect(csv === csvOfFrames([fs])).toBe(true);
    });
  }

  it('a compare run (para beside a JSON mode, events included) in JSON and CSV', async () => {
    const loaded = await loadScenarioFile(join(PRESETS_DIR, 'cpu-noisy-neighbour-para.json'));
    if (!loaded.ok) throw new Error(loaded.error.message);
    const s: Scenario = { ...loaded.data, durationS: 40 };
    const modes: ModeSpec[] = ['para', { base: 'container', containerLimits: false }];
    const { frames: fs, modes: ran } = await framesAndModes(s, modes);
    const rs = await runs(s, modes);
    const meta = metaOf(s, rs[0], fs[0].length, modes);
    expect((await columnar(s, 'json', modes)) === compareJson(meta, modes, fs, ran)).toBe(true);
    expect((await columnar(s, 'csv', modes)) === csvOfFrames(fs, modes)).toBe(true);
  });

  it('a single run whose scenario switches mode says, tick by tick, the mode the engine ran', async () => {
    const loaded = await loadScenarioFile(join(PRESETS_DIR, 'demo.json'));
    if (!loaded.ok) throw new Error(loaded.error.message);
    // A recorded session switched back and forth, run longer than the thousand ticks the tick
    // modes are written by: in the scenario's own starting mode, and in another (`--mode`).
    const s: Scenario = {
      ...loaded.data,
      durationS: 110,
      events: [
        { atS: 30, type: 'setMode', mode: 'full' },
        { atTick: 700, type: 'setMode', mode: { base: 'container', containerLimits: false } },
        { atTick: 1050, type: 'setMode', mode: 'full' },
        { atTick: 1050, type: 'setMode', mode: 'para' },
      ],
    };
    const switches = [
      { tick: 300, mode: 'full' },
      { tick: 700, mode: { base: 'container', containerLimits: false } },
      { tick: 1050, mode: 'para' },
    ];
    for (const start of [s.mode, 'container'] as ModeSpec[]) {
      const {
        frames: [fs],
        modes: [ran],
      } = await framesAndModes(s, [start]);
      const [run] = await runs(s, [start]);
      const meta = metaOf(s, run, fs.length);
      const json = await columnar(s, 'json', [start]);
      expect(json === singleJson(meta, start, fs, ran)).toBe(true);
      const out = JSON.parse(json);
      expect(out.meta.mode).toEqual(start);
      expect(out.tickModes).toHaveLength(out.frames.length);
      expect([out.tickModes[0], out.tickModes[299], out.tickModes[300], out.tickModes[1099]]).toEqual([
        start,
        start,
        'full',
        'para',
      ]);
      expect(out.modeSwitches).toEqual(switches);
      // The summary form says the same, without the frames and the per-tick modes.
      const summary = JSON.parse(await columnar(s, 'summary', [start]));
      expect(Object.keys(summary)).toEqual(['meta', 'modeSwitches', 'summary']);
      expect(summary.modeSwitches).toEqual(switches);
      expect(summary.summary).toEqual(out.summary);
    }
    // A run that keeps its mode says so: no switch, its one mode on every tick.
    const kept = JSON.parse(await columnar({ ...s, durationS: 20, events: [] }, 'json', ['full']));
    expect(kept.modeSwitches).toEqual([]);
    expect(kept.tickModes).toEqual(Array(200).fill('full'));
  });

  it('a compare run whose scenario switches mode says, tick by tick, the mode the engine ran', async () => {
    const loaded = await loadScenarioFile(join(PRESETS_DIR, 'demo.json'));
    if (!loaded.ok) throw new Error(loaded.error.message);
    // Longer than the thousand ticks the tick modes are written by, switching back and forth.
    const s: Scenario = {
      ...loaded.data,
      durationS: 110,
      events: [
        { atS: 30, type: 'setMode', mode: 'full' },
        { atTick: 700, type: 'setMode', mode: { base: 'container', containerLimits: false } },
        { atTick: 1050, type: 'setMode', mode: 'full' },
        { atTick: 1050, type: 'setMode', mode: 'para' },
      ],
    };
    const modes: ModeSpec[] = ['para', 'container'];
    const { frames: fs, modes: ran } = await framesAndModes(s, modes);
    const rs = await runs(s, modes);
    const meta = metaOf(s, rs[0], fs[0].length, modes);
    const json = await columnar(s, 'json', modes);
    expect(json === compareJson(meta, modes, fs, ran)).toBe(true);
    const out = JSON.parse(json);
    for (const run of out.runs) expect(run.tickModes).toHaveLength(run.frames.length);
    expect(out.runs.map((r: { tickModes: ModeSpec[] }) => [r.tickModes[299], r.tickModes[300]])).toEqual([
      ['para', 'full'],
      ['container', 'full'],
    ]);
    const switches = [
      { tick: 300, mode: 'full' },
      { tick: 700, mode: { base: 'container', containerLimits: false } },
      { tick: 1050, mode: 'para' },
    ];
    expect(out.runs[0].modeSwitches).toEqual(switches);
    expect(out.runs[1].modeSwitches).toEqual(switches);
    // The summary form says the same, without the frames and the per-tick modes.
    const summary = JSON.parse(await columnar(s, 'summary', modes));
    expect(summary.runs.map((r: { mode: ModeSpec }) => r.mode)).toEqual(modes);
    expect(summary.runs[1].modeSwitches).toEqual(switches);
    expect(summary.runs[1]).not.toHaveProperty('tickModes');
    // A para run switched to para is no switch.
    const same = await columnar(
      { ...s, durationS: 2, events: [{ atS: 1, type: 'setMode', mode: 'para' }] },
      'json',
      ['para', 'full'],
    );
    expect(JSON.parse(same).runs.map((r: { modeSwitches: unknown[] }) => r.modeSwitches)).toEqual([
      [],
      [{ tick: 10, mode: 'para' }],
    ]);
  });
});

describe('a compare run’s CSV mode column', () => {
  it('names the mode each tick ran under, a scenario’s own switch included', async () => {
    const loaded = await loadScenarioFile(join(PRESETS_DIR, 'demo.json'));
    if (!loaded.ok) throw new Error(loaded.error.message);
    const s: Scenario = {
      ...loaded.data,
      durationS: 2,
      events: [{ atS: 1, type: 'setMode', mode: 'full' }],
    };
    const csv = await columnar(s, 'csv', ['para', 'container']);
    const lines = csv.trimEnd().split('\n');
    expect(lines[0].split(',')[2]).toBe('mode');
    const n = s.vps.length;
    const modesAt = (tick: number) =>
      lines
        .slice(1)
        .filter((l) => l.startsWith(`${tick},`))
        .map((l) => l.split(',')[2]);
    expect(modesAt(9)).toEqual([...Array(n).fill('para'), ...Array(n).fill('container')]);
    expect(modesAt(10)).toEqual(Array(2 * n).fill('full'));
    expect(modesAt(19)).toEqual(Array(2 * n).fill('full'));
  });
});
