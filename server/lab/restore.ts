/**
 * Bringing a saved lab back to the latest tick it reached: from its snapshot, re-run from its start
 * (a fork's: what it was when forked, kept then) when young enough (which also brings back its
 * history), or rebuilt from meta + log when the snapshot is damaged; then its later commands
 * replayed up to the last tick it is known to have reached. The re-runs go in slices that yield to the event loop, so a server restoring big labs
 * keeps answering. Ticks a lab cannot have reached (a damaged log) make it fail, naming why.
 */
import type { Logger } from 'pino';
import type { ModeSpec, Result, Scenario } from '../../shared/commands.js';
import type { Engine } from '../sim/api.js';
import type { EngineFactory } from './engines.js';
import { MAX_SPEED } from '../../shared/inbound.js';
import type { LogRecord, Lab } from './lab.js';
import type { LabSnapshot } from './store.js';
import { keptColorsOf, type KeptColors } from './colorBook.js';
import { rerunForkPast } from './forkPast.js';
import type { StoredLab } from './stored.js';

/** Ticks replayed between two turns of the event loop. */
const SLICE_TICKS = 50;
/** Ticks computed without frames (fast-forward) between two turns of the event loop. */
const FAST_SLICE_TICKS = 400;
/** Ticks re-run in full before the history window starts, so the window is recorded exactly as the first run did. */
const WINDOW_MARGIN = 600;
/** Seconds beyond the snapshot period a lab may have run past its last saved tick (slack). */
const SLACK_S = 60;

export interface ReviveDeps {
  engines: EngineFactory;
  logger: Logger;
  /** Saved labs up to this many ticks old are re-run from their start, to bring back their history. */
  rebuildTicks: number;
  /** Simulated seconds of history a lab keeps (the re-run builds frames only for those). */
  historyS: number;
  snapshotEveryS: number;
  makeLab: MakeLab;
}

/** Builds a Lab from its saved parts (the registry's own constructor of labs). */
export type MakeLab = (
  id: string,
  scenario: Scenario,
  compare: [ModeSpec, ModeSpec] | undefined,
  engines: Engine[],
  snap?: LabSnapshot,
  colors?: KeptColors,
  name?: string,
) => Lab;

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Replay `records` and run on to `untilTick`, a slice of ticks per event-loop turn. */
export async function replaySliced(
  lab: Lab,
  records: readonly LogRecord[],
  untilTick: number,
): Promise<void> {
  let i = 0;
  const end = Math.max(untilTick, records.at(-1)?.tick ?? 0);
  for (;;) {
    const stop = Math.min(end, lab.tick + SLICE_TICKS);
    let j = i;
    while (j < records.length && records[j].tick <= stop) j++;
    lab.replay(records.slice(i, j), stop);
    i = j;
    if (i >= records.length && lab.tick >= end) return;
    await turn();
  }
}

/** An engine that can compute ticks without building their frames (the sim engine can). */
interface FastEngine {
  readonly tick: number;
  advance(ticks: number): void;
  takeEvents(): unknown[];
}
const canAdvance = (e: Engine): e is Engine & FastEngine =>
  typeof (e as Partial<FastEngine>).advance === 'function';

/**
 * Re-run `records` up to `untilTick` without building frames: for the part of a re-run that falls
 * before the history window (nothing of it is kept), the engines compute their ticks and nothing
 * else. Commands apply at their ticks through the lab as usual. Returns the records left.
 */
async function fastForward(
  lab: Lab,
  records: readonly LogRecord[],
  untilTick: number,
): Promise<readonly LogRecord[]> {
  const engines = lab.engines;
  if (!engines.every(canAdvance)) return records;
  const run = async (to: number) => {
    while (lab.tick < to) {
      const n = Math.min(FAST_SLICE_TICKS, to - lab.tick);
      for (const e of engines) {
        e.advance(n);
        e.takeEvents(); // what the first run logged is restored with the snapshot's log
      }
      await turn();
    }
  };
  let i = 0;
  for (; i < records.length && records[i].tick < untilTick; i++) {
    await run(records[i].tick);
    lab.replay([records[i]], records[i].tick);
  }
  await run(untilTick);
  return records.slice(i);
}

async function fresh(d: ReviveDeps, stored: StoredLab): Promise<Result<Engine[], string>> {
  const engines: Engine[] = [];
  for (const mode of stored.meta.compare ?? [undefined]) {
    const r = await d.engines.create(stored.meta.scenario, mode);
    if (!r.ok) return { ok: false, error: `${stored.names.meta}: scenario: ${r.error.message}` };
    engines.push(r.data);
  }
  return { ok: true, data: engines };
}

/**
 * The engines a re-run starts from, with what the lab was there: a fork's start (kept when it was
 * forked), else its scenario's start; null when they cannot be had (said).
 */
async function startOf(
  d: ReviveDeps,
  stored: StoredLab,
): Promise<{ engines: Engine[]; from?: LabSnapshot } | null> {
  const { start, meta } = stored;
  if (!start) {
    const engines = await fresh(d, stored);
    return engines.ok ? { engines: engines.data } : null;
  }
  const engines: Engine[] = [];
  for (const saved of start.engines) {
    const r = await d.engines.restore(saved);
    if (!r.ok || r.data.tick !== start.tick) {
      d.logger.warn(
        { lab: meta.id },
        `${stored.names.start} does not hold engines at its tick; restoring the snapshot only`,
      );
      return null;
    }
    engines.push(r.data);
  }
  return { engines, from: start };
}

/**
 * A fork's charts before its start (its source's past), from `fromTick` on, when some fall in the
 * history window and the snapshot is young enough to re-run from tick 0 (as any other lab's); a
 * re-run that does not land on the start keeps none (said).
 */
async function forkPast(
  d: ReviveDeps,
  stored: StoredLab,
  lab: Lab,
  from: LabSnapshot,
  snap: LabSnapshot,
  fromTick: number,
): Promise<void> {
  const { meta } = stored;
  if (fromTick >= from.tick || snap.tick > d.rebuildTicks) return;
  let kept = false;
  try {
    kept = await rerunForkPast(d.engines, lab, meta.scenario, from, Math.max(0, fromTick));
  } catch (err) {
    d.logger.warn({ err, lab: meta.id }, 'could not re-run the past a fork shares with its source');
  }
  if (!kept) {
    lab.history.clear();
    d.logger.warn(
      { lab: meta.id, tick: from.tick },
      're-running the past a fork shares with its source did not land on its start; its charts start where it was forked',
    );
  }
}

/**
 * Re-run from the start (a fork's: where it was forked) to the snapshot; the lab if it lands
 * exactly on it, else null.
 */
async function rerun(d: ReviveDeps, stored: StoredLab, snap: LabSnapshot): Promise<Lab | null> {
  const { meta } = stored;
  const start = await startOf(d, stored);
  if (!start) return null;
  const { engines, from } = start;
  const lab = from
    ? d.makeLab(
        meta.id,
        meta.scenario,
        meta.compare,
        engines,
        { ...snap, seq: from.seq, events: from.events },
        keptColorsOf(from),
        meta.scenario.name,
      )
    : d.makeLab(meta.id, meta.scenario, meta.compare, engines, { ...snap, seq: 0, events: [] });
  // Frames are built only for the ticks the history keeps (and a margin before them).
  const window = Math.ceil((d.historyS * 1000) / lab.tickMs) + WINDOW_MARGIN;
  if (from) await forkPast(d, stored, lab, from, snap, snap.tick - window);
  try {
    const before = stored.commands.filter((c) => c.seq > (from?.seq ?? 0) && c.seq <= snap.seq);
    const rest = await fastForward(lab, before, snap.tick - window);
    await replaySliced(lab, rest, snap.tick);
  } catch (err) {
    d.logger.warn({ err, lab: meta.id }, 'could not re-run a saved lab; restoring its snapshot only');
    return null;
  }
  const same =
    lab.tick === snap.tick &&
    engines.every((e, i) => JSON.stringify(e.save()) === JSON.stringify(snap.engines[i]));
  if (!same) {
    d.logger.warn(
      { lab: meta.id },
      're-running a saved lab did not reproduce its snapshot; restoring the snapshot only',
    );
    return null;
  }
  lab.seq = snap.seq;
  lab.setEvents(snap.events);
  // The colours the re-run gave depend on what it started from: the snapshot's are the lab's.
  const colors = keptColorsOf(snap);
  if (colors) lab.setColors(colors);
  return lab;
}

/**
 * Whether the log holds every record a re-run to `snap` applies: those after where it starts (a
 * fork's start, else the lab's) up to the snapshot's. A cluster's log begun again after its
 * snapshot (Redis lost it) does not.
 */
function reachesBack(stored: StoredLab, snap: LabSnapshot): boolean {
  const from = stored.start?.seq ?? 0;
  // Their seqs only rise (checked when the lab was read): as many records as seqs, none is missing.
  const held = stored.commands.filter((c) => c.seq > from && c.seq <= snap.seq).length;
  return held === snap.seq - from;
}

/** Bring one validated lab back, or say why it cannot be. */
export async function reviveLab(d: ReviveDeps, stored: StoredLab): Promise<Result<Lab, string>> {
  const { meta } = stored;
  const tickMs = meta.scenario.tickMs ?? 100;
  const ticksIn = (s: number) => Math.ceil((s * 1000 * MAX_SPEED) / tickMs);
  let snap = stored.snapshot;
  let lab: Lab | null = null;
  // A fork's engines are re-run from its start (kept when it was forked), not from its scenario:
  // without that start, it comes back from its snapshot alone; without a snapshot, not at all.
  const fork = meta.forkedAt !== undefined;
  if (fork && !snap)
    return { ok: false, error: `a forked lab without a usable ${stored.names.snapshot} cannot be rebuilt` };

  // Young enough: at most rebuildTicks ticks between where the re-run starts and the snapshot.
  const young = snap && snap.tick - (stored.start?.tick ?? 0) <= d.rebuildTicks;
  if (snap && young && (!fork || stored.start)) {
    if (reachesBack(stored, snap)) lab = await rerun(d, stored, snap);
    else
      d.logger.warn(
        { lab: meta.id },
        `${stored.names.commands} does not hold the records before ${stored.names.snapshot} (begun again after it); ` +
          'restoring the snapshot only, without the history before it',
      );
  }
  if (!lab && snap) {
    const engines: Engine[] = [];
    for (const saved of snap.engines) {
      const r = await d.engines.restore(saved);
      if (!r.ok || r.data.tick !== snap.tick) break;
      engines.push(r.data);
    }
    const name = fork ? meta.scenario.name : undefined;
    if (engines.length === snap.engines.length)
      lab = d.makeLab(meta.id, meta.scenario, meta.compare, engines, snap, undefined, name);
    else if (fork)
      return {
        ok: false,
        error: `${stored.names.snapshot} does not hold engines at its tick (a forked lab cannot be rebuilt)`,
      };
    else {
      d.logger.warn(
        { lab: meta.id },
        `${stored.names.snapshot} does not hold engines at its tick; rebuilding from meta and log`,
      );
      snap = undefined;
    }
  }
  // Without a snapshot the lab is re-run from its start: possible only if it is young enough.
  const base = snap?.tick ?? 0;
  const reach = snap
    ? ticksIn(d.snapshotEveryS + SLACK_S)
    : Math.max(d.rebuildTicks, ticksIn(d.snapshotEveryS + SLACK_S));
  const limit = base + reach;
  const after = stored.commands.filter((c) => c.seq > (snap?.seq ?? 0));
  const far = after.find((c) => c.tick > limit);
  if (far)
    return {
      ok: false,
      error:
        `${stored.names.commands}: seq ${far.seq}: tick ${far.tick} is beyond what the lab can have reached ` +
        `(${snap ? `snapshot at tick ${base}` : 'no usable snapshot'}, at most tick ${limit})`,
    };
  let target = after.at(-1)?.tick ?? base;
  if (stored.progress !== undefined) {
    if (stored.progress > limit) {
      // Damaged, yet kept: the caller sets it aside before the lab writes a new one.
      const why = `${stored.names.progress}: tick ${stored.progress} is beyond what the lab can have reached (at most tick ${limit})`;
      // Said here: the notes of the parse were logged before this re-run found it.
      d.logger.warn({ lab: meta.id, note: `${why}; set aside` }, 'part of a saved lab not used');
      stored.setAside.push({ part: 'progress', reason: why });
    } else target = Math.max(target, stored.progress);
  }
  if (!lab) {
    const engines = await fresh(d, stored);
    if (!engines.ok) return engines;
    lab = d.makeLab(meta.id, meta.scenario, meta.compare, engines.data, undefined, keptColorsOf(meta));
  }
  try {
    await replaySliced(lab, after, target);
  } catch (err) {
    return { ok: false, error: `replaying the command log failed: ${(err as Error).message}` };
  }
  d.logger.info(
    { lab: lab.id, tick: lab.tick, replayed: after.length, history: lab.history.size },
    'lab restored',
  );
  return { ok: true, data: lab };
}
