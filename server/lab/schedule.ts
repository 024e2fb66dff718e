/**
 * A scenario's scheduled events as the engine applies them by itself (by tick, in file order
 * within a tick), and which of them an engine actually applied: what the lab logs for them.
 */
import type { Command, Scenario } from '../../shared/commands.js';
import type { AppliedCommand } from '../sim/api.js';
import { eventTick } from '../sim/index.js';

/** The scenario's events as the engine schedules them: by tick, in file order within a tick. */
export function scheduleOf(scenario: Scenario): { tick: number; command: Command }[] {
  const tickMs = scenario.tickMs ?? 100;
  const out = (scenario.events ?? []).map((e, i) => {
    const { atS: _a, atTick: _t, ...command } = e as Command & { atS?: number; atTick?: number };
    return { tick: eventTick(e, tickMs), i, command: command as Command };
  });
  out.sort((a, b) => a.tick - b.tick || a.i - b.i);
  return out.map(({ tick, command }) => ({ tick, command }));
}

/** Which of `due` (in order) an engine applied, given what its log grew by in that step. */
export function matchApplied(due: readonly Command[], grew: readonly AppliedCommand[]): boolean[] {
  if (grew.length >= due.length) return due.map(() => true);
  const out: boolean[] = [];
  let j = 0;
  for (const c of due) {
    const hit = j < grew.length && JSON.stringify(grew[j].command) === JSON.stringify(c);
    out.push(hit);
    if (hit) j++;
  }
  return out;
}
