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
async function columnar(s: Scenario, format: 'json' | 'csv', modes: ModeSpec[]): Promise<string> {
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

/** Frames as the engine builds them, tick by tick, for each mode. */
async function frames(s: Scenario, modes: ModeSpec[]): Promise<Frame[][]> {
  const rs = await runs(s, modes);
  const ticks = Math.round((s.durationS! * 1000) / rs[0].tickMs);
  const out: Frame[][] = rs.map(() => []);
  for (let t = 0; t < ticks; t++)
    rs.forEach((r, k) => {
      r.engine.advance(1);
      out[k].push(r.engine.frame());
    });
  return out;
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
      const [fs] = await frames(s, [s.mode]);
      const rs = await runs(s, [s.mode]);
      const meta = metaOf(s, rs[0], fs.length);
      const expectedJson =
        `{"meta":${JSON.stringify(meta)},\n"frames":[\n` +
        fs.map((f) => JSON.stringify(f)).join(',\n') +
        `\n],\n"summary":${JSON.stringify(summarize(fs))}}\n`;
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
    const fs = await frames(s, modes);
    const rs = await runs(s, modes);
    const meta = metaOf(s, rs[0], fs[0].length, modes);
    const expectedJson =
      `{"meta":${JSON.stringify(meta)},\n"runs":[\n` +
      fs
        .map(
          (f, k) =>
            `{"mode":${JSON.stringify(modes[k])},"frames":[\n${f.map((x) => JSON.stringify(x)).join(',\n')}\n],"summary":${JSON.stringify(summarize(f))}}`,
        )
        .join(',\n') +
      '\n]}\n';
    expect((await columnar(s, 'json', modes)) === expectedJson).toBe(true);
    expect((await columnar(s, 'csv', modes)) === csvOfFrames(fs, modes)).toBe(true);
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
