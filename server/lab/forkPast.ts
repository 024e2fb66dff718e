/**
 * A fork's charts before the tick it was forked at: its source's past, which both its sides share
 * (a fork starts with the frames of its source's first side). After a restart they are re-run from
 * the fork's scenario (the mode that side started in) with the commands its engines' log holds up
 * to the fork, and kept only when that re-run lands exactly on the fork's start.
 */
import type { Scenario } from '../../shared/commands.js';
import { scenarioFromLog } from '../scenario.js';
import type { Engine } from '../sim/api.js';
import type { EngineFactory } from './engines.js';
import type { Lab } from './lab.js';
import { stepOnce } from './packed.js';
import type { LabSnapshot } from './store.js';

/** Ticks re-run between two turns of the event loop. */
const SLICE_TICKS = 400;

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The sim state of a saved engine (its `save()`), as JSON: what two runs must agree on. */
const stateOf = (saved: unknown) => JSON.stringify((saved as { state?: unknown } | null)?.state ?? null);

/** Compute `n` ticks of `e` without their frames (when it can), else step them. */
function skip(e: Engine, n: number): void {
  const advance = (e as { advance?: (n: number) => void }).advance;
  if (typeof advance === 'function') advance.call(e, n);
  else for (let i = 0; i < n; i++) e.step();
  e.takeEvents();
}

/**
 * Push the source's past before the fork's `start` into the (empty) history of `lab`: frames only
 * from `fromTick` on (those before would not be kept). Whether the re-run landed on the start;
 * when it did not (or could not run), the history is left empty.
 */
export async function rerunForkPast(
  factory: EngineFactory,
  lab: Lab,
  scenario: Scenario,
  start: LabSnapshot,
  fromTick: number,
): Promise<boolean> {
  const first = await factory.restore(start.engines[0]);
  if (!first.ok) return false;
  const log = first.data.log();
  // The source's engine, named as it was (the fork's scenario bears the fork's name).
  const name = first.data.state().name;
  const made = await factory.create(
    scenarioFromLog(
      { ...scenario, name },
      log.filter((c) => c.tick < start.tick),
    ),
  );
  if (!made.ok) return false;
  const past = made.data;
  while (past.tick < start.tick) {
    if (past.tick < fromTick) skip(past, Math.min(SLICE_TICKS, fromTick - past.tick, start.tick - past.tick));
    else
      for (let i = 0; i < SLICE_TICKS && past.tick < start.tick; i++) {
        const frame = stepOnce(past);
        lab.history.push([frame, frame]);
        past.takeEvents();
      }
    await turn();
  }
  // What applied at the fork's tick before its first step: the source's last commands, then the
  // switch of the fork's first side to its mode.
  const same =
    log.filter((c) => c.tick === start.tick).every((c) => past.apply(c.command).ok) &&
    stateOf(past.save()) === stateOf(start.engines[0]);
  if (!same) lab.history.clear();
  return same;
}
