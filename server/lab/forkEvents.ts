/**
 * The log a compare fork starts with: its source's past, marked as the source's, then one entry
 * where the compare starts. Both sides of the fork show that past (their charts start with the
 * source's), but neither side did what is in it: a mode switch there was the source's, not a
 * switch of the side that now runs the other mode.
 */
import type { ModeSpec } from '../../shared/commands.js';
import { modeLabel } from '../../shared/events.js';
import type { LabEvent } from '../../shared/protocol.js';

/** The lab a fork is made from, as its log names it. */
export interface ForkSource {
  /** The source's name, as its page shows it. */
  name: string;
  /** A compare source's modes: the fork goes on from the first. */
  compare?: readonly [ModeSpec, ModeSpec];
}

/**
 * The source's entries up to the fork, each carrying the lab it happened in (`from`) and saying so
 * ("[Demo lab] mode → full"). The fork goes on from the source's first side: an entry of that side
 * (or of every side) is the past of both the fork's sides, one of another side is neither's. An
 * entry the source itself inherited keeps the lab it happened in.
 */
export function inheritedEvents(events: readonly LabEvent[], source: ForkSource): LabEvent[] {
  const where = source.compare ? `${source.name}, ${modeLabel(source.compare[0])}` : source.name;
  return events.flatMap((e) => {
    if (e.side !== undefined && e.side !== 0) return [];
    const past: LabEvent =
      e.from === undefined ? { ...e, message: `[${where}] ${e.message}`, from: source.name } : { ...e };
    delete past.side;
    return [past];
  });
}

/** The entry at the fork's tick: where the compare starts, from what, with which mode on each side. */
export function forkStartEvent(
  tick: number,
  source: ForkSource,
  compare: readonly [ModeSpec, ModeSpec],
): LabEvent {
  const from = source.compare ? `the ${modeLabel(source.compare[0])} side of ${source.name}` : source.name;
  return {
    tick,
    kind: 'fork',
    by: 'rest',
    message: `compare starts here, from ${from}: left ${modeLabel(compare[0])}, right ${modeLabel(compare[1])}`,
  };
}

/** A fork's first log: the source's past as the source's, then where the compare starts. */
export function forkedEvents(
  events: readonly LabEvent[],
  tick: number,
  source: ForkSource,
  compare: readonly [ModeSpec, ModeSpec],
): LabEvent[] {
  return [...inheritedEvents(events, source), forkStartEvent(tick, source, compare)];
}
