/**
 * New labs of a registry: from a preset or a posted scenario (optionally comparing two modes), or
 * forked from a running lab at its tick. Each is saved before it runs, and refused with the reason
 * when it cannot be (limits, a taken id, a mode that cannot admit it, a store that cannot save it).
 */
import type { Logger } from 'pino';
import type { ModeSpec, Result, Scenario } from '../../shared/commands.js';
import { fail, type ApiError } from '../../shared/protocol.js';
import type { EngineFactory } from './engines.js';
import type { Lab } from './lab.js';
import type { MakeLab } from './restore.js';
import { labMeta, type LabSaver } from './saving.js';
import { forkEngines, scenarioEngines, startingScenario, vpsOverLimit, type NewLab } from './starting.js';
import { forkIdBase, forkName } from './naming.js';
import { forkedEvents } from './forkEvents.js';

type Res<T> = Result<T, ApiError>;

/** What creating a lab needs of its registry. */
export interface Creator {
  readonly engines: EngineFactory;
  readonly logger: Logger;
  readonly saver: LabSaver;
  readonly maxVps: number;
  get(id: string): Lab | undefined;
  /** The scenario that re-runs a lab's first side from its start (its mode the one it started in). */
  startScenario(lab: Lab): Scenario;
  makeLab: MakeLab;
  /** Run a lab here (it was saved); `forkedAt`: the tick a fork was made at. */
  add(lab: Lab, forkedAt?: number): void;
  /** An id no lab has, held for this creation (a given id was checked and held already). */
  takeId(base: string): string;
  /** A name no lab has, held for this creation. */
  takeName(name: string): string;
}

/** A lab from `{ id?, preset?, scenario?, compare? }` (neither preset nor scenario: the demo). */
export async function createLab(c: Creator, req: NewLab): Promise<Res<Lab>> {
  const { id, compare } = req;
  const start = await startingScenario(req, c.maxVps);
  if (!start.ok) return start;
  const { base } = start.data;
  let { scenario } = start.data;
  scenario = { ...scenario, name: c.takeName(scenario.name) };
  const labId = id ?? c.takeId(base);
  const engines = await scenarioEngines(c.engines, scenario, compare);
  if (!engines.ok) return engines;
  const made = await c.saver.create(labMeta(labId, scenario, compare));
  if (made) return made;
  const lab = c.makeLab(labId, scenario, compare, engines.data);
  c.add(lab);
  c.logger.info({ lab: labId, compare }, 'lab created');
  return { ok: true, data: lab };
}

/**
 * A compare lab forked from a running one at its current tick: both modes start from that lab's
 * state (its VPSs, sliders, faults in progress), each keeps its own mode from then on, and they
 * take the same commands. A mode that cannot admit the current VPSs is refused with the reason.
 */
export async function forkLab(
  c: Creator,
  from: string,
  compare: [ModeSpec, ModeSpec],
  id?: string,
): Promise<Res<Lab>> {
  const source = c.get(from);
  if (!source) return fail('UNKNOWN_LAB', `no lab "${from}" to fork`, 'from');
  // A fork is a new lab: held to the VPS limit (its source may be over a lowered one).
  const over = vpsOverLimit(source.state().vps.length, 0, c.maxVps);
  if (over) return fail('LIMIT_EXCEEDED', over.error.message, 'from');
  const saved = source.save();
  const state = source.state();
  const forked = await forkEngines(c.engines, saved.engines[0], compare);
  if (!forked.ok) return forked;
  const engines = forked.data;
  const name = c.takeName(forkName(state.name, compare));
  const labId = id ?? c.takeId(forkIdBase(from, compare));
  // Its scenario starts in the mode the source's first side started in: its engines' logs hold that
  // side's commands, then the switch to each mode at the fork, so the recorded session re-runs it.
  const scenario: Scenario = { ...c.startScenario(source), name };
  const made = await c.saver.create(labMeta(labId, scenario, compare, state.tick));
  if (made) return made;
  const lab = c.makeLab(labId, scenario, compare, engines, undefined, source.colors(), name);
  // Both modes share the source's past up to the fork: the charts start with it, not blank, and
  // its log with the entries of that past (its mode switches and faults, marked on the charts) as
  // the source's, then where the compare starts.
  for (const [frame] of source.history.range(0, state.tick)) lab.history.push([frame, frame]);
  const past = { name: state.name, compare: source.compare };
  lab.setEvents(forkedEvents(saved.events, state.tick, past, compare));
  // A fork cannot be re-run from its scenario: it is re-run from what it is now, kept once.
  const first = await c.saver.forkStart(lab);
  if (first) return first;
  c.add(lab, state.tick);
  c.logger.info({ lab: labId, from, tick: state.tick, compare }, 'lab forked');
  return { ok: true, data: lab };
}
