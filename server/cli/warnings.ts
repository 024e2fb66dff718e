/** The runner's warnings on stderr: what a scenario asks that the run will not do as it reads. */
import type { Scenario, ScenarioEvent } from '../../shared/commands.js';
import { modeLabel } from '../../shared/events.js';
import { eventTick } from '../scenario.js';
import type { SimOptions } from './args.js';

/**
 * Events scheduled at or after the run's end never apply: the first named, and how many more.
 * `length` says where the run's length came from (`, --duration`); `file` names the scenario when
 * two run side by side.
 */
export function lateWarning(
  scenario: Scenario,
  tickMs: number,
  ticks: number,
  length: string,
  file?: string,
): string | null {
  const events = scenario.events ?? [];
  const late = events.findIndex((e) => eventTick(e, tickMs) >= ticks);
  if (late < 0) return null;
  const n = events.filter((e) => eventTick(e, tickMs) >= ticks).length;
  return (
    `sim: warning: ${file ? `${file}: ` : ''}events[${late}] (${events[late].type}) comes after the run's end ` +
    `(${scenario.durationS} s${length}) and never applies${n > 1 ? `; so do ${n - 1} more` : ''}\n`
  );
}

/**
 * A scenario's own mode switches (a recorded session holds the page's) apply to every run, so
 * `--compare` or `--mode` sets each run's mode only until the first one within the run: said on
 * stderr, or the columns headed with those modes would be taken for them all along.
 */
export function modeSwitchWarning(
  events: readonly ScenarioEvent[],
  tickMs: number,
  ticks: number,
  opts: SimOptions,
): string | null {
  if (!opts.compare && opts.mode === undefined) return null;
  const within = events.flatMap((e, i) =>
    e.type === 'setMode' && eventTick(e, tickMs) < ticks ? [{ i, e, tick: eventTick(e, tickMs) }] : [],
  );
  if (!within.length) return null;
  const [{ i, e, tick }] = within.sort((a, b) => a.tick - b.tick || a.i - b.i);
  const mode = e.type === 'setMode' ? modeLabel(e.mode) : '';
  const given = opts.compare ? "--compare's modes hold" : "--mode's mode holds";
  const more =
    within.length > 1
      ? `; ${within.length - 1} more switch${within.length > 2 ? 'es follow' : ' follows'}`
      : '';
  return `sim: warning: events[${i}] (setMode ${mode} at tick ${tick}) switches the mode of every run: ${given} only until then${more}\n`;
}
