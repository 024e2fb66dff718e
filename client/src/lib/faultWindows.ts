/**
 * When each fault ran, in simulated seconds, for the charts to shade: from the log (a fault
 * started, stopped, or ended by itself) and the lab state (faults still running, open-ended).
 */
import type { LabEvent, LabState } from '../../../shared/protocol.js';
import { hostFaultWords } from './format.js';

export interface FaultWindow {
  /** Simulated seconds. */
  t0: number;
  /** Infinity while the fault still runs. */
  t1: number;
  /** "cpu_hog on batch-1", "dom0_crash". */
  label: string;
}

const ENDED = /^(?:\[[^\]]*\] )?(\S+)(?: on (\S+))? ended$/;
/** A host fault a mode switch ended: "dom0_crash ends: it has no meaning in full". */
const MEANINGLESS = /^(?:\[[^\]]*\] )?(\S+) ends: it has no meaning in /;
/** A host fault the mode ignored: "dom0_crash has no meaning in full: nothing happens". */
const IGNORED = /^(?:\[[^\]]*\] )?(\S+) has no meaning in \S+: nothing happens$/;

/**
 * What the log says of each fault: the spans it saw start and end, and the faults it saw start and
 * not end (key → start tick). Keys: "cpu_hog on batch-1", "dom0_crash".
 */
function readLog(
  events: readonly LabEvent[],
  s: number,
): { closed: FaultWindow[]; open: Map<string, number> } {
  const open = new Map<string, number>();
  const closed: FaultWindow[] = [];
  const close = (key: string, tick: number): void => {
    const start = open.get(key);
    if (start === undefined) return;
    open.delete(key);
    closed.push({ t0: start * s, t1: (tick + 1) * s, label: key });
  };
  // A fault started again while it runs goes on without a gap: its window keeps its first start.
  const start = (key: string, tick: number): void => {
    if (!open.has(key)) open.set(key, tick);
  };
  for (const e of events) {
    const c = e.command;
    if (c?.type === 'startFault') start(`${c.fault} on ${c.vps}`, e.tick);
    else if (c?.type === 'hostFault') start(c.fault, e.tick);
    else if (c?.type === 'stopFault') close(`${c.fault} on ${c.vps}`, e.tick);
    else if (c?.type === 'removeVps') {
      for (const k of [...open.keys()]) if (k.endsWith(` on ${c.vps}`)) close(k, e.tick);
    } else if (e.kind === 'faultEnded' && e.fault) {
      close(e.vps ? `${e.fault} on ${e.vps}` : e.fault, e.tick);
    } else if (e.kind === 'faultEnded') {
      const m = ENDED.exec(e.message);
      if (m) close(m[2] ? `${m[1]} on ${m[2]}` : m[1], e.tick);
    } else if (e.kind === 'info') {
      const ended = MEANINGLESS.exec(e.message);
      if (ended) close(ended[1], e.tick);
      const ignored = IGNORED.exec(e.message);
      if (ignored && open.get(ignored[1]) === e.tick) open.delete(ignored[1]);
    }
  }
  return { closed, open };
}

/** A running fault's key, as the log names it. */
const keyOf = (f: { fault: string; vps?: string }): string => (f.vps ? `${f.fault} on ${f.vps}` : f.fault);

export function faultWindows(events: readonly LabEvent[], state: LabState | null): FaultWindow[] {
  if (!state) return [];
  const s = state.tickMs / 1000;
  const { closed, open } = readLog(events, s);
  // Still running: the state is the truth (also for faults that began before the log's oldest
  // entry); it starts where the log saw it start, when the log did (a mode switch renews the
  // state's record of a fault that goes on running).
  const running = (key: string, since: number): FaultWindow => ({
    t0: Math.min(open.get(key) ?? since, since) * s,
    t1: Infinity,
    label: key,
  });
  for (const f of state.faults) closed.push(running(keyOf(f), f.sinceTick));
  for (const f of state.hostFaults) closed.push(running(keyOf(f), f.sinceTick));
  return closed;
}

/**
 * The faults still running whose start the log does not hold (a compare lab forked mid-fault has
 * its source's past but not its log; a long-running fault's start can fall out of the bounded
 * log), each with its start tick and its marker's name.
 */
export function unloggedFaults(
  events: readonly LabEvent[],
  state: LabState | null,
): { tick: number; label: string }[] {
  if (!state) return [];
  const { open } = readLog(events, state.tickMs / 1000);
  const out: { tick: number; label: string }[] = [];
  for (const f of state.faults) if (!open.has(keyOf(f))) out.push({ tick: f.sinceTick, label: keyOf(f) });
  for (const f of state.hostFaults)
    if (!open.has(keyOf(f))) out.push({ tick: f.sinceTick, label: hostFaultWords(f.fault) });
  return out;
}
