/**
 * Which of a tick's scheduled scenario events (the engine's `scheduleOf`) an engine actually applied:
 * what the lab logs for them.
 */
import type { Command } from '../../shared/commands.js';
import type { AppliedCommand } from '../sim/api.js';

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
