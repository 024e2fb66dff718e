/**
 * Which log entries become chart markers, and how they read: a fault started or stopped, a mode
 * switch, a resize, a VPS added or removed, and what the engine did by itself (a VPS down or back
 * up, a fault ending). Pure: the lab keeps the markers, the charts place them (markers.ts).
 */
import type { LabEvent } from '../../../shared/protocol.js';
import { modeLabel } from '../../../shared/events.js';
import { hostFaultWords } from './format.js';

/** A vertical line on the charts: something happened at that simulated time. */
export interface Marker {
  tick: number;
  t: number;
  kind: 'fault' | 'mode' | 'command' | 'recovery';
  label: string;
  /** The one mode of a compare lab it concerns (undefined: every mode, as commands do). */
  side?: number;
  /** A note of what the engine did by itself (a VPS down or back up, a fault ending). */
  note?: boolean;
  /**
   * The lab it happened in, for a compare fork's inherited past (drawn dimmed; a mode switch's
   * label names that lab): neither side of the fork did it.
   */
  from?: string;
}

const QUIET_COMMANDS = new Set(['setLoad', 'setProfile']);

/**
 * Which events become chart markers, and how they read: from the entry's fields, never its text.
 * An entry a compare fork inherited is its source's (dimmed; a mode switch reads "Demo lab: mode →
 * full"); the fork's own entry is one marker on both sides ("compare starts").
 */
export function markerFor(e: LabEvent, tickMs: number): Marker | null {
  if (e.kind === 'fork')
    return { tick: e.tick, t: (e.tick * tickMs) / 1000, kind: 'command', label: 'compare starts' };
  const m = ownMarker(e, tickMs);
  if (!m || e.from === undefined) return m;
  // A mode switch is what tells the sides apart: the source's reads as the source's. Its faults,
  // commands and what the engine did shaped both sides alike and read as the fork's own do
  // (dimmed all the same): a note loses the "[source] " its log entry carries.
  if (m.kind === 'mode') return { ...m, label: `${e.from}: ${m.label}`, from: e.from };
  return { ...m, label: m.note ? unprefixed(m.label, e.from) : m.label, from: e.from };
}

/** An inherited entry's message without the "[source] " or "[source, mode] " it starts with. */
function unprefixed(message: string, from: string): string {
  if (!message.startsWith(`[${from}`)) return message;
  const end = message.indexOf('] ', from.length + 1);
  return end < 0 ? message : message.slice(end + 2);
}

function ownMarker(e: LabEvent, tickMs: number): Marker | null {
  const t = (e.tick * tickMs) / 1000;
  const c = e.command;
  if (e.kind === 'command' && c) {
    if (QUIET_COMMANDS.has(c.type)) return null;
    switch (c.type) {
      case 'startFault':
        return { tick: e.tick, t, kind: 'fault', label: `${c.fault} on ${c.vps}` };
      case 'stopFault':
        return { tick: e.tick, t, kind: 'recovery', label: `stop ${c.fault} on ${c.vps}` };
      case 'hostFault':
        return { tick: e.tick, t, kind: 'fault', label: hostFaultWords(c.fault) };
      case 'setMode':
        return { tick: e.tick, t, kind: 'mode', label: `mode → ${modeLabel(c.mode)}` };
      case 'resizeVps':
        return { tick: e.tick, t, kind: 'command', label: `resize ${c.vps}` };
      case 'addVps':
        return { tick: e.tick, t, kind: 'command', label: `add ${c.vps.id}` };
      case 'removeVps':
        return { tick: e.tick, t, kind: 'command', label: `remove ${c.vps}` };
      default:
        return null;
    }
  }
  if (e.kind !== 'faultEnded' && e.kind !== 'oom' && e.kind !== 'reboot') return null;
  const kind = e.kind === 'faultEnded' || e.change === 'up' ? 'recovery' : 'fault';
  return { tick: e.tick, t, kind, label: e.message, side: e.side, note: true };
}
