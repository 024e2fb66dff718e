/**
 * Turns what the engine did by itself into log entries: a VPS going down or coming back, a guest
 * that stopped responding, faults that ended on their own.
 */
import type { Frame, VpsState } from '../../shared/model.js';
import type { ActiveFault, ActiveHostFault, LabEvent } from '../../shared/protocol.js';

const DOWN: ReadonlySet<VpsState> = new Set(['down', 'rebooting']);

/** Remembers the last states of one engine's VPSs and reports transitions worth a log line. */
export class StateWatch {
  private prev = new Map<string, VpsState>();

  constructor(private readonly label = '') {}

  /** Entries for this frame's transitions (empty most ticks). */
  check(frame: Frame): LabEvent[] {
    const out: LabEvent[] = [];
    const prefix = this.label ? `[${this.label}] ` : '';
    for (const v of frame.vps) {
      const before = this.prev.get(v.id);
      if (before !== v.state) {
        this.prev.set(v.id, v.state);
        if (before === undefined) continue;
        const msg = transition(v.id, before, v.state);
        if (msg) out.push({ tick: frame.tick, kind: msg.kind, by: 'engine', message: prefix + msg.text });
      }
    }
    if (this.prev.size > frame.vps.length) {
      const ids = new Set(frame.vps.map((v) => v.id));
      for (const id of this.prev.keys()) if (!ids.has(id)) this.prev.delete(id);
    }
    return out;
  }
}

function transition(
  id: string,
  from: VpsState,
  to: VpsState,
): { kind: LabEvent['kind']; text: string } | null {
  if (DOWN.has(to) && !DOWN.has(from)) return { kind: 'reboot', text: `${id} went down` };
  if (to === 'rebooting' && from === 'down') return { kind: 'reboot', text: `${id} is rebooting` };
  if (DOWN.has(from) && (to === 'running' || to === 'degraded'))
    return { kind: 'reboot', text: `${id} is back up` };
  if (to === 'dnr') return { kind: 'info', text: `${id} stopped responding (DNR)` };
  if (from === 'dnr' && (to === 'running' || to === 'degraded'))
    return { kind: 'info', text: `${id} responds again` };
  return null;
}

/** The earliest tick at which a fault with a duration ends, or Infinity. */
export function nextFaultEnd(faults: readonly ActiveFault[], hostFaults: readonly ActiveHostFault[]): number {
  let t = Infinity;
  for (const f of faults) if (f.untilTick !== undefined && f.untilTick < t) t = f.untilTick;
  for (const f of hostFaults) if (f.untilTick !== undefined && f.untilTick < t) t = f.untilTick;
  return t;
}

/** Faults present before and gone now, as log entries. */
export function endedFaults(
  tick: number,
  before: { faults: readonly ActiveFault[]; hostFaults: readonly ActiveHostFault[] },
  after: { faults: readonly ActiveFault[]; hostFaults: readonly ActiveHostFault[] },
  label = '',
): LabEvent[] {
  const prefix = label ? `[${label}] ` : '';
  const key = (f: ActiveFault) => `${f.vps}\u0000${f.fault}`;
  const still = new Set(after.faults.map(key));
  const stillHost = new Set(after.hostFaults.map((f) => f.fault));
  const out: LabEvent[] = [];
  for (const f of before.faults) {
    if (!still.has(key(f)))
      out.push({ tick, kind: 'faultEnded', by: 'engine', message: `${prefix}${f.fault} on ${f.vps} ended` });
  }
  for (const f of before.hostFaults) {
    if (!stillHost.has(f.fault))
      out.push({ tick, kind: 'faultEnded', by: 'engine', message: `${prefix}${f.fault} ended` });
  }
  return out;
}
