/**
 * The scenario's events still ahead that will do something when they fire. A scheduled stop of a
 * fault that will not be running then (stopped by hand already, ended by its own duration, never
 * started) stops nothing: listed as pending, it told a user the fault was still on. Decided from the
 * lab state alone, the way the engine applies them: events in order, a stop before the same tick's
 * expiry.
 */
import type { Command } from '../../../shared/commands.js';
import type { LabState } from '../../../shared/protocol.js';

type Upcoming = NonNullable<LabState['upcoming']>[number];

/** Same rounding as the engine's durations: whole ticks, at least one. */
function ticksOf(seconds: number, tickMs: number): number {
  return Math.max(1, Math.round((seconds * 1000) / tickMs));
}

const key = (vps: string, fault: string): string => `${fault}\u0000${vps}`;

/** Whether a scheduled command stops a guest fault. */
function isStop(c: Command): c is Extract<Command, { type: 'stopFault' }> {
  return c.type === 'stopFault';
}

/** The upcoming events, without the stops that will find their fault not running. */
export function effectiveUpcoming(state: LabState | null): Upcoming[] {
  const ahead = state?.upcoming ?? [];
  if (!state || !ahead.some((e) => isStop(e.command))) return [...ahead];
  // Each running fault by VPS and fault, with the tick it ends by itself (Infinity: it does not).
  const running = new Map<string, number>();
  for (const f of state.faults) running.set(key(f.vps, f.fault), f.untilTick ?? Infinity);
  const out: Upcoming[] = [];
  for (const e of ahead) {
    const c = e.command;
    if (c.type === 'startFault') {
      // A kernel panic without a duration lasts the model's reboot time, not in the state: kept
      // as running, so a stop after it stays listed.
      const until = c.durationS === undefined ? Infinity : e.tick + ticksOf(c.durationS, state.tickMs);
      running.set(key(c.vps, c.fault), until);
    } else if (c.type === 'removeVps') {
      for (const k of [...running.keys()]) if (k.endsWith(`\u0000${c.vps}`)) running.delete(k);
    } else if (isStop(c)) {
      const k = key(c.vps, c.fault);
      const until = running.get(k);
      running.delete(k);
      // A fault due to end at this very tick is still there when the stop applies.
      if (until === undefined || until < e.tick) continue;
    }
    out.push(e);
  }
  return out;
}
