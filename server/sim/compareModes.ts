/**
 * Whether the modes of a compare differ: told by the profile each resolves to (server/sim/profiles.ts),
 * so `"para"` and `{ "base": "para", "cpuCaps": false }` (an override equal to the default) are one
 * mode, while `{ "base": "para", "cpuCaps": true }` is another, under any parameters. One check for every compare: the
 * REST body creating a lab and the runner's `--compare`.
 */
import type { ModeSpec } from '../../shared/commands.js';
import { DEFAULT_PARAMS, type Params } from './params.js';
import { resolveMode } from './profiles.js';

/**
 * Every model parameter standing as its own name: a profile field read from a parameter compares
 * by that name, not by its default value, since a scenario may set it. So `"para"` and
 * `{ "base": "para", "schedSliceMs": 30 }` differ (a scenario's `sliceDomainMs` tells them apart),
 * while two sides that are one mode under every parameter record are the same.
 */
const BY_NAME = Object.fromEntries(
  Object.keys(DEFAULT_PARAMS).map((k) => [k, `param ${k}`]),
) as unknown as Params;

/** A value written with its object keys in name order, so equal profiles give equal text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null)
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** How a mode is written in a message. */
const spelled = (mode: ModeSpec): string => (typeof mode === 'string' ? mode : JSON.stringify(mode));

/**
 * Why a compare of `modes` would be refused (two of them resolve to the same profile: those sides
 * would run the same mode), or null when every mode differs.
 */
export function sameModeRefusal(modes: readonly ModeSpec[]): string | null {
  const keys = modes.map((m) => canonical(resolveMode(m, BY_NAME)));
  for (let i = 1; i < modes.length; i++) {
    const j = keys.indexOf(keys[i]);
    if (j === i) continue;
    const which = modes.length === 2 ? 'both sides' : `modes ${j + 1} and ${i + 1}`;
    const how =
      spelled(modes[i]) === spelled(modes[j])
        ? `${spelled(modes[i])} given twice`
        : `${spelled(modes[j])} and ${spelled(modes[i])} resolve to the same profile`;
    return `${which} would run the same mode (${how}); compare two different modes`;
  }
  return null;
}
