/** What the page reads of a lab's virtualization mode. */
import type { ModeId } from '../../../shared/model.js';
import type { ModeSpec } from '../../../shared/protocol.js';

/** The base mode of a mode spec (a mode id, or a base with overrides); undefined for none. */
export function modeBase(mode: ModeSpec | undefined): ModeId | undefined {
  if (!mode) return undefined;
  return typeof mode === 'string' ? mode : mode.base;
}
