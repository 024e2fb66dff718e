/**
 * The runner's loop: steps each run's engine, reads every tick as columns and hands them to the
 * format's writer as they are produced. Nothing per tick is kept: memory grows with the number of
 * VPSs, not with the length of the run.
 */
import type { ModeSpec } from '../../shared/commands.js';
import { TickColumns, readEngineTick } from '../export/columns.js';
import { CsvRowWriter, csvHeader } from '../export/csv.js';
import { JsonFrameWriter } from '../export/json.js';
import { ModeTrack, type ModeSwitch } from '../export/modes.js';
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
  /** Two scenarios run side by side: their names. */
  scenarios?: string[];
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
  /**
   * Ticks from the start during which the runs are one run (the same start and events: a compare
   * lab's sides before its fork): the CSV writes them once, the first run's rows.
   */
  shared?: number;
  /**
   * Whether a CSV run's summaries are read (the stderr report; default true). Without, no tick is
   * summed into them and each result's `summary` is null. JSON and summary output always have them.
   */
  csvSummary?: boolean;
}

/** What a run gave besides its rows: its summary (null when not asked for), and the ticks where its mode changed. */
export interface RunResult {
  summary: RunSummary | null;
  modeSwitches: ModeSwitch[];
}

/** The engine's events (the live lab's log) are not part of any output: dropped every 256 ticks so none piles up. */
function drainEvents(run: Run, t: number): void {
  if ((t & 255) === 255) run.engine.takeEvents();
}

/**
 * Runs `ticks` ticks of every run, writing the chosen format; returns each run's summary and mode
 * switches (a scenario's own `setMode` events apply to every run, whatever mode it started in). With
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
): Promise<RunResult[]> {
  if (opts.format === 'json') return writeJson(out, opts.compare, meta, runs, ticks, progress, breaks);
  // A CSV run whose summaries nobody reads (rows to stdout, no report) sums no tick into them.
  const accs =
    opts.format === 'csv' && opts.csvSummary === false ? null : runs.map(() => new SummaryAccumulator());
  const tracks = runs.map((r) => new ModeTrack(r.mode));
  const cols = runs.map(() => new TickColumns());
  const csv =
    opts.format === 'csv' ? runs.map((r) => new CsvRowWriter(opts.compare ? r.mode : undefined)) : null;
  if (csv) out.write(csvHeader({ mode: opts.compare, units: opts.units }));
  for (let t = 0; t < ticks; t++) {
    for (let r = 0; r < runs.length; r++) {
      runs[r].engine.advance(1);
      drainEvents(runs[r], t);
      const c = readEngineTick(runs[r].engine, cols[r]);
      if (accs) accs[r].addColumns(c);
      const mode = runs[r].engine.mode();
      tracks[r].at(c.tick, mode);
      if (csv && (r === 0 || t >= (opts.shared ?? 0))) {
        // Labelled with the mode this tick ran under: a scenario's own switches apply to every run.
        if (opts.compare) csv[r].setMode(mode);
        out.write(csv[r].rows(c));
      }
      progress.tick(c.n);
    }
    if (csv && t === 0) {
      // Counted in one run's ticks: the shared ones are written once.
      const shared = Math.min(opts.shared ?? 0, ticks);
      out.plan?.((shared ? 1 : runs.length) / (shared + (ticks - shared) * runs.length));
    }
    if (breaks?.due()) await breaks.pause();
  }
  const results = tracks.map((track, r) => ({
    summary: accs ? accs[r].result() : null,
    modeSwitches: track.switches,
  }));
  if (opts.format === 'summary') {
    const body = opts.compare
      ? {
          meta,
          runs: runs.map((run, r) => ({
            mode: run.mode,
            modeSwitches: results[r].modeSwitches,
            summary: results[r].summary,
          })),
        }
      : { meta, modeSwitches: results[0].modeSwitches, summary: results[0].summary };
    out.write(JSON.stringify(body, null, 2) + '\n');
  }
  return results;
}

/**
 * `{ meta, frames, tickModes, modeSwitches, summary }`, or with several modes
 * `{ meta, runs: [{ mode, frames, tickModes, modeSwitches, summary }] }`: `tickModes[k]` is the mode
 * `frames[k]` ran under, `modeSwitches` each `{ tick, mode }` from which another held (a run's
 * starting mode is `meta.mode`, or its `mode`). The runs go one after the other, each frame written
 * as soon as its tick is computed.
 */
async function writeJson(
  out: TextOut,
  compare: boolean,
  meta: RunMeta,
  runs: readonly Run[],
  ticks: number,
  progress: Progress,
  breaks?: Breaks,
): Promise<RunResult[]> {
  out.write(`{"meta":${JSON.stringify(meta)},\n`);
  if (compare) out.write('"runs":[\n');
  const results: RunResult[] = [];
  for (let r = 0; r < runs.length; r++) {
    const run = runs[r];
    const acc = new SummaryAccumulator();
    const track = new ModeTrack(run.mode);
    let firstTick = 0;
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
      track.at(c.tick, run.engine.mode());
      if (t === 0) firstTick = c.tick;
      progress.tick(c.n);
      if (t === 0 && r === 0) out.plan?.(1 / (ticks * runs.length));
      if (breaks?.due()) await breaks.pause();
    }
    const summary = acc.result();
    results.push({ summary, modeSwitches: track.switches });
    // One key a line in a single run's object, as its frames and summary were; inline in a run's.
    const nl = compare ? '' : '\n';
    out.write(`\n],${nl}"tickModes":[`);
    writeTickModes(out, track, firstTick, ticks);
    out.write(
      `],${nl}"modeSwitches":${JSON.stringify(track.switches)},${nl}"summary":${JSON.stringify(summary)}}`,
    );
    if (!compare) out.write('\n');
  }
  if (compare) out.write('\n]}\n');
  return results;
}

/**
 * The mode of each of `ticks` ticks from `first` on, as a JSON array's items, written from the
 * run's switches (so nothing per tick was kept while it ran), a thousand at a time.
 */
function writeTickModes(out: TextOut, track: ModeTrack, first: number, ticks: number): void {
  const { switches } = track;
  let json = JSON.stringify(track.start);
  let next = 0;
  let text = '';
  for (let t = 0; t < ticks; t++) {
    while (next < switches.length && switches[next].tick <= first + t)
      json = JSON.stringify(switches[next++].mode);
    text += (t ? ',' : '') + json;
    if ((t & 1023) === 1023) {
      out.write(text);
      text = '';
    }
  }
  out.write(text);
}
