/**
 * A tick's engine events as log entries: the facts (side, VPS, fault, change, command) as fields,
 * the text from the one shared formatter. A compare lab's scheduled command is logged once for both
 * sides; a side that refused what the other applied says so on its own entry.
 */
import type { Command } from '../../shared/commands.js';
import { describeCommand, describeEvent, type EngineEvent } from '../../shared/events.js';
import type { LabEvent } from '../../shared/protocol.js';

/**
 * The log entry saying that what `by` sent (`what`, described), applied at `tick` and answered as
 * not saved yet, was lost: its record never reached the store (`err` says why), so the lab runs on
 * without it. It carries no `command`: it is no applied command (no chart marker is drawn for it).
 */
export function lostEvent(
  tick: number,
  by: string,
  what: string,
  err: unknown,
  facts: Pick<LabEvent, 'vps' | 'fault'> = {},
): LabEvent {
  const reason = (err as Error | undefined)?.message;
  const why =
    (err as Error | undefined)?.name === 'LeaseLost'
      ? 'another server of the cluster took the lab over before the store took its record'
      : `its record never reached the store${reason ? ` (${reason})` : ''}`;
  return {
    tick,
    kind: 'info',
    by,
    message: `lost: ${what}, applied at tick ${tick} and answered as not saved yet: ${why}; the lab runs on without it, send it again`,
    ...facts,
  };
}

/** The VPS and fault a command concerns, as fields of its log entry. */
export function commandFacts(c: Command): Pick<LabEvent, 'vps' | 'fault'> {
  return {
    ...('vps' in c && typeof c.vps === 'string' ? { vps: c.vps } : {}),
    ...('fault' in c ? { fault: c.fault } : {}),
  };
}

/**
 * A command's log entry: applied (on every side), or refused by one side of a compare lab
 * (`side` and `refused` given) while the other applied it.
 */
export function commandEvent(
  tick: number,
  by: string,
  command: Command,
  side?: number,
  refused?: string,
): LabEvent {
  if (refused === undefined)
    return {
      tick,
      kind: 'command',
      by,
      message: describeCommand(command),
      command,
      ...commandFacts(command),
    };
  return { tick, kind: 'admission', by, message: `refused: ${refused}`, side, ...commandFacts(command) };
}

/**
 * An entry's first fields, in the order every entry has them. Built as literals and then added to
 * (no object spread: a busy lab logs an entry for most ticks, and spreading was most of its cost).
 */
function entryOf(e: EngineEvent, by: string, side: number | undefined, kind: LabEvent['kind']): LabEvent {
  const message = describeEvent(e);
  return side === undefined ? { tick: e.tick, by, message, kind } : { tick: e.tick, by, message, side, kind };
}

/** One engine event as a log entry; `side` is set on a compare lab's one-sided facts. */
export function labEvent(e: EngineEvent, side: number | undefined): LabEvent {
  switch (e.type) {
    case 'scheduled':
      return e.refused
        ? Object.assign(entryOf(e, 'scenario', side, 'admission'), commandFacts(e.command))
        : commandEvent(e.tick, 'scenario', e.command);
    case 'faultEnded': {
      // A kernel panic ends when its reboot is over: the VPS (or the host) is back, good news.
      const out = entryOf(e, 'engine', side, 'faultEnded');
      out.fault = e.fault;
      if (e.vps !== undefined) out.vps = e.vps;
      return out;
    }
    case 'oomKill': {
      const out = entryOf(e, 'engine', side, 'oom');
      out.vps = e.vps;
      return out;
    }
    case 'oomStall':
      return entryOf(e, 'engine', side, 'oom');
    case 'vps': {
      const out = entryOf(
        e,
        'engine',
        side,
        e.change === 'hung' || e.change === 'responding' ? 'info' : 'reboot',
      );
      out.vps = e.vps;
      out.change = e.change;
      return out;
    }
    case 'note': {
      const out = entryOf(e, 'engine', side, 'info');
      if (e.vps !== undefined) out.vps = e.vps;
      if (e.fault !== undefined) out.fault = e.fault;
      return out;
    }
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
