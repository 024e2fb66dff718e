/**
 * A tick's engine events as log entries: the facts (side, VPS, fault, change, command) as fields,
 * the text from the one shared formatter. A compare lab's scheduled command is logged once for both
 * sides; a side that refused what the other applied says so on its own entry.
 */
import type { Command } from '../../shared/commands.js';
import { describeCommand, describeEvent, type EngineEvent } from '../../shared/events.js';
import type { LabEvent } from '../../shared/protocol.js';

/** The VPS and fault a command concerns, as fields of its log entry. */
function commandFacts(c: Command): Pick<LabEvent, 'vps' | 'fault'> {
  return {
    ...('vps' in c && typeof c.vps === 'string' ? { vps: c.vps } : {}),
    ...('fault' in c ? { fault: c.fault } : {}),
  };
}

/**
 * A command's log entry: applied (on every side), or refused by one side of a compare lab
 * (`side` and `refused` given) while the other applied it.
 */
export function commandEvent(tick: number, by: string, command: Command, side?: number, refused?: string): LabEvent {
  if (refused === undefined)
    return { tick, kind: 'command', by, message: describeCommand(command), command, ...commandFacts(command) };
  return { tick, kind: 'admission', by, message: `refused: ${refused}`, side, ...commandFacts(command) };
}

/** One engine event as a log entry; `side` is set on a compare lab's one-sided facts. */
export function labEvent(e: EngineEvent, side: number | undefined): LabEvent {
  const base = { tick: e.tick, by: 'engine', message: describeEvent(e), ...(side === undefined ? {} : { side }) };
  switch (e.type) {
    case 'scheduled':
      return e.refused
        ? { ...base, kind: 'admission', by: 'scenario', ...commandFacts(e.command) }
        : commandEvent(e.tick, 'scenario', e.command);
    case 'faultEnded':
      return {
        ...base,
        kind: e.fault === 'kernel_panic' ? 'reboot' : 'faultEnded',
        fault: e.fault,
        ...(e.vps === undefined ? {} : { vps: e.vps }),
      };
    case 'oomKill':
      return { ...base, kind: 'oom', vps: e.vps };
    case 'oomStall':
      return { ...base, kind: 'oom' };
    case 'vps':
      return {
        ...base,
        kind: e.change === 'hung' || e.change === 'responding' ? 'info' : 'reboot',
        vps: e.vps,
        change: e.change,
      };
    case 'note':
      return {
        ...base,
        kind: 'info',
        ...(e.vps === undefined ? {} : { vps: e.vps }),
        ...(e.fault === undefined ? {} : { fault: e.fault }),
      };
  }
}

/**
 * The log entries of one tick from each engine's events (one list per engine, in side order).
 * `compare`: the engines are the sides of a compare lab. `lastChange` is the index of the last
 * entry whose fact changed the lab's state (a scheduled command, a fault that ended), or -1.
 */
export function tickEvents(
  perEngine: readonly EngineEvent[][],
  compare: boolean,
): { entries: LabEvent[]; lastChange: number } {
  const out: LabEvent[] = [];
  let lastChange = -1;
  const firstScheduled = (perEngine[0] ?? []).filter((e) => e.type === 'scheduled');
  perEngine.forEach((events, i) => {
    const side = compare ? i : undefined;
    let k = 0;
    for (const e of events) {
      if (e.type === 'scheduled') {
        const counterpart = firstScheduled[k++];
        // Another side: only its refusal of what the first side applied is its own fact.
        if (i > 0 && !(e.refused && counterpart && !counterpart.refused)) continue;
        out.push(labEvent(e, e.refused ? side : undefined));
      } else out.push(labEvent(e, side));
      if (e.type === 'scheduled' || e.type === 'faultEnded') lastChange = out.length - 1;
    }
  });
  return { entries: out, lastChange };
}
