/**
 * When each fault ran, in simulated seconds, for the charts to shade: from the log (a fault
 * started, stopped, or ended by itself) and the lab state (faults still running, open-ended).
 */
import type { LabEvent, LabState } from '../../../shared/protocol.js';

export interface FaultWindow {
  /** Simulated seconds. */
  t0: number;
  /** Infinity while the fault still runs. */
  t1: number;
  /** "cpu_hog on batch-1", "dom0_crash". */
  label: string;
}

const ENDED = /^(?:\[[^\]]*\] )?(\S+)(?: on (\S+))? ended$/;

export function faultWindows(events: readonly LabEvent[], state: LabState | null): FaultWindow[] {
  if (!state) return [];
  const s = state.tickMs / 1000;
  const open = new Map<string, number>();
  const out: FaultWindow[] = [];
  const close = (key: string, tick: number): void => {
    const start = open.get(key);
    if (start === undefined) return;
    open.delete(key);
    out.push({ t0: start * s, t1: (tick + 1) * s, label: key });
  };
  for (const e of events) {
    const c = e.command;
    if (c?.type === 'startFault') open.set(`${c.fault} on ${c.vps}`, e.tick);
    else if (c?.type === 'hostFault') open.set(c.fault, e.tick);
    else if (c?.type === 'stopFault') close(`${c.fault} on ${c.vps}`, e.tick);
    else if (c?.type === 'removeVps') {
      for (const k of [...open.keys()]) if (k.endsWith(` on ${c.vps}`)) close(k, e.tick);
    } else if (e.kind === 'faultEnded' && e.fault) {
      close(e.vps ? `${e.fault} on ${e.vps}` : e.fault, e.tick);
    } else if (e.kind === 'faultEnded') {
      const m = ENDED.exec(e.message);
      if (m) close(m[2] ? `${m[1]} on ${m[2]}` : m[1], e.tick);
    }
  }
  // Still running: the state is the truth (also for faults that began before the log's oldest entry).
  for (const f of state.faults)
    out.push({ t0: f.sinceTick * s, t1: Infinity, label: `${f.fault} on ${f.vps}` });
  for (const f of state.hostFaults) out.push({ t0: f.sinceTick * s, t1: Infinity, label: f.fault });
  return out;
}
