/** What the page reads of a lab's virtualization mode. */
import { MODE_LABELS, type ModeId } from '../../../shared/model.js';
import type { ModeSpec } from '../../../shared/protocol.js';
import { modeLabel as fullModeLabel, modeOverrides } from '../../../shared/events.js';

/** The base mode of a mode spec (a mode id, or a base with overrides); undefined for none. */
export function modeBase(mode: ModeSpec | undefined): ModeId | undefined {
  if (!mode) return undefined;
  return typeof mode === 'string' ? mode : mode.base;
}

/**
 * The modes' names where a phone's mode menu has room for about 150 px of words: the full names
 * ("Full virtualization (type-2, hosted)") were cut off there, the kind and the product kept.
 */
export const MODE_SHORT_LABELS: Record<ModeId, string> = {
  full: 'Full (type-1, KVM)',
  para: 'Paravirt. (Xen PV)',
  container: 'Containers',
  hosted: 'Full (type-2, hosted)',
};

/** A mode's name, short on a phone. */
export function modeLabel(mode: ModeId, short: boolean): string {
  return short ? MODE_SHORT_LABELS[mode] : MODE_LABELS[mode];
}

/**
 * The name of a lab's mode as its menu shows it: its base's name, then its overrides
 * ("Paravirtualization (Xen PV) · cpuPolicy=quota"), so a mode with overrides does not read as its
 * plain base. Short on a phone ("Paravirt. (Xen PV) · cpuPolicy=quota").
 */
export function modeName(mode: ModeSpec, short = false): string {
  const name = modeLabel(typeof mode === 'string' ? mode : mode.base, short);
  const extra = modeOverrides(mode);
  return extra ? `${name} · ${extra}` : name;
}

/**
 * What tells each side of a compare lab apart in a few words: its base mode ("para", "full"), or,
 * when both share a base, its whole name with its overrides ("para (dom0Charging=true)").
 */
export function sideNames(modes: readonly ModeSpec[]): string[] {
  const bases = modes.map((m) => modeBase(m)!);
  const distinct = new Set(bases).size === bases.length;
  return modes.map((m, i) => (distinct ? bases[i] : fullModeLabel(m)));
}
