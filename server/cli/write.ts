/**
 * The runner's loop: steps each run's engine, reads every tick as columns and hands them to the
 * format's writer as they are produced. Nothing per tick is kept: memory grows with the number of
 * VPSs, not with the length of the run.
 */
import type { ModeSpec } from '../../shared/commands.js';
import { TickColumns, readEngineTick } from '../export/columns.js';
import { CsvRowWriter, csvHeader } from '../export/csv.js';
import { JsonFrameWriter } from '../export/json.js';
import { SummaryAccumulator, type RunSummary } from '../export/summary.js';
import type { UnitsMode } from '../export/units.js';
import type { Run } from '../scenario.js';
import type { Breaks } from './breaks.js';
import type { Progress } from './report.js';

/** Header of every output: what was run. */
export interface RunMeta {
  scenario: string;
  seed: number;
  tickMs: number;
  durationS: number;
  mode: ModeSpec | null;
  modes?: ModeSpec[];
  ticks: number;
  version: string;
}

/** Where the text goes (see `Sink`). */
export interface TextOut {
  write(s: string): void;
  /**
   * Told once the run's first tick is written, with the share of the whole run's output that tick
   * stands for: may refuse (throw) a run whose output would not fit where it goes.
   */
  plan?(share: number): void;
}

export interface WriteOptions {
  format: 'json' | 'csv' | 'summary';
  compare: boolean;
  units: UnitsMode;
}

/** The engine's events (the live lab's log) are not part of any output: dropped every 256 ticks so none piles up. */
function drainEvents(run: Run, t: number): void {
  if ((t & 255) === 255) run.engine.takeEvents();
}

/**
 * Runs `ticks` ticks of every run, writing the chosen format; returns each run's summary. With
 * `breaks`, the loop pauses now and then so a signal can stop it (it then rejects with `Interrupted`).
 */
export async function writeRuns(
  out: TextOut,
  opts: WriteOptions,
  meta: RunMeta,
  runs: readonly Run[],
  ticks: number,
  progress: Progress,
  breaks?: Breaks,
): Promise<RunSummary[]> {
  if (opts.format === 'json') return writeJson(out, opts.compare, meta, runs, ticks, progress, breaks);
  const accs = runs.map(() => new SummaryAccumulator());
  const cols = runs.map(() => new TickColumns());
  const csv =
    opts.format === 'csv' ? runs.map((r) => new CsvRowWriter(opts.compare ? r.mode : undefined)) : null;
  if (csv) out.write(csvHeader({ mode: opts.compare, units: opts.units }));
  for (let t = 0; t < ticks; t++) {
    for (let r = 0; r < runs.length; r++) {
      runs[r].engine.advance(1);
      drainEvents(runs[r], t);
      const c = readEngineTick(runs[r].engine, cols[r]);
      accs[r].addColumns(c);
      if (csv) {
        // Labelled with the mode this tick ran under: a scenario's own switches apply to every run.
        if (opts.compare) csv[r].setMode(runs[r].engine.mode());
        out.write(csv[r].rows(c));
      }
      progress.tick(c.n);
    }
    if (csv && t === 0) out.plan?.(1 / ticks);
    if (breaks?.due()) await breaks.pause();
  }
  const summaries = accs.map((a) => a.result());
  if (opts.format === 'summary') {
    const body = opts.compare
      ? { meta, runs: runs.map((run, r) => ({ mode: run.mode, summary: summaries[r] })) }
      : { meta, summary: summaries[0] };
    out.write(JSON.stringify(body, null, 2) + '\n');
  }
  return summaries;
}

/**
 * `{ meta, frames, summary }`, or with several modes `{ meta, runs: [{ mode, frames, summary }] }`:
 * the runs go one after the other, each frame written as soon as its tick is computed.
 */
async function writeJson(
  out: TextOut,
  compare: boolean,
  meta: RunMeta,
  runs: readonly Run[],
  ticks: number,
  progress: Progress,
  breaks?: Breaks,
): Promise<RunSummary[]> {
  out.write(`{"meta":${JSON.stringify(meta)},\n`);
  if (compare) out.write('"runs":[\n');
  const summaries: RunSummary[] = [];
  for (let r = 0; r < runs.length; r++) {
    const run = runs[r];
    const acc = new SummaryAccumulator();
    const cols = new TickColumns();
    const json = new JsonFrameWriter();
    if (compare) out.write(`${r ? ',\n' : ''}{"mode":${JSON.stringify(run.mode)},"frames":[\n`);
    else out.write('"frames":[\n');
    for (let t = 0; t < ticks; t++) {
      run.engine.advance(1);
      drainEvents(run, t);
      const c = readEngineTick(run.engine, cols, true);
      acc.addColumns(c);
      out.write((t ? ',\n' : '') + json.frame(c));
      progress.tick(c.n);
      if (t === 0 && r === 0) out.plan?.(1 / (ticks * runs.length));
      if (breaks?.due()) await breaks.pause();
    }
    const summary = acc.result();
    summaries.push(summary);
    out.write(
      compare ? `\n],"summary":${JSON.stringify(summary)}}` : `\n],\n"summary":${JSON.stringify(summary)}}\n`,
    );
  }
  if (compare) out.write('\n]}\n');
  return summaries;
}
