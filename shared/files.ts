/** The names of the files a lab exports, the same from REST and from the dashboard's buttons. */
import type { ModeSpec } from './commands.js';
import { modeLabel } from './events.js';

/**
 * A lab's recorded session as a file: `demo-scenario.json`, or for one side of a compare lab
 * `cmp-full-scenario.json` (the mode's name, its overrides included, as letters, digits and "-").
 */
export function scenarioFileName(lab: string, mode?: ModeSpec): string {
  if (mode === undefined) return `${lab}-scenario.json`;
  const slug = modeLabel(mode)
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `${lab}-${slug}-scenario.json`;
}

/** A lab's metrics as CSV (a compare lab's both modes, told apart by a `mode` column). */
export function csvFileName(lab: string): string {
  return `${lab}-metrics.csv`;
}
