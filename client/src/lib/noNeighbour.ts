/**
 * What an explanation line says when no attribution edge names a neighbour: the VPS's own CPU cap
 * holding it back, or what the shared host does to every guest at once.
 */
import type { Cause, ExplainInput } from './explain.js';
import { FAULT_RESOURCES, ownFaults } from './culprit.js';
import { ms, pct } from './format.js';
import { capName, isShared, mechanism } from './mechanism.js';

/** Share of its time held back by its own CPU cap from which a VPS's line names that cap. */
const THROTTLED_SHOWN = 0.05;

/**
 * A VPS no neighbour hurts, held at its own CPU cap by its own fault or its own load:
 * "unaffected by its neighbours" would be true, and hide what holds it back. Null below the
 * threshold. (Who-hurts-whom counts no victim in such a line: `Explanation.self`.)
 */
export function ownCap(input: ExplainInput): string | null {
  const { vps, faults, mode } = input;
  if (vps.cpuThrottled < THROTTLED_SHOWN) return null;
  const mine = faults.filter((f) => f.vps === vps.id);
  const own = mine.find((f) => FAULT_RESOURCES[f.fault]?.includes('cpu')) ?? mine[0];
  const why = own ? `while its own ${own.fault} runs` : 'by its own load';
  return `${vps.id} is held back by its own CPU cap (${capName(mode)}), not by its neighbours: throttled ${pct(vps.cpuThrottled)} of the time ${why}`;
}

/**
 * No edge names a neighbour: its own faults, its own cap or its swapping inside the guest (the VPS
 * itself is the cause), else what the shared host does to every guest.
 */
export function noNeighbourCause(input: ExplainInput): Cause {
  const { vps, faults, mode } = input;
  const own = ownFaults(faults, vps.id);
  // Its own faults first: what its cap holds back is their doing.
  if (own) return { text: `its own ${own}`, self: true };
  if (vps.cpuThrottled >= THROTTLED_SHOWN)
    return {
      text: `throttled ${pct(vps.cpuThrottled)} of the time by its own CPU cap (${capName(mode)})`,
      self: true,
    };
  if (vps.memSwappedGiB > 0.01)
    return { text: `swapping inside the guest (memory demand above its plan)`, self: true };
  return { text: sharedCause(input), self: false };
}

/** Share of Dom0's or the host OS's CPU from which its queue is named as what a guest's I/O waits in. */
const BACKEND_BUSY = 0.5;

/**
 * No edge names a neighbour and the VPS does nothing to itself: what the frame shows raising its
 * p99 or costing it good responses on the shared host, most specific first.
 */
function sharedCause(input: ExplainInput): string {
  const { vps, frame, faults, mode } = input;
  const { host } = frame;
  const io = vps.diskServedIops > 0 || vps.netServedMbps > 0;
  if (host.hostSwapGiB > 0.01)
    return `the host is swapping (${host.hostSwapGiB.toFixed(1)} GiB): every guest slows`;
  if (vps.cpuSteal >= 0.05)
    return `${pct(vps.cpuSteal)} CPU steal: neighbours took its CPU ${mechanism('cpu', mode, vps)}`;
  const thrash = faults.find((f) => f.fault === 'cache_thrash' && f.vps !== vps.id);
  if (thrash) return `${thrash.vps}'s cache_thrash ${mechanism('cache', mode, vps)}`;
  // No measured share, but a neighbour floods the disk this VPS uses: say what it waits there, and beside whom.
  const storm = faults.find((f) => f.fault === 'io_storm' && f.vps !== vps.id);
  if (storm && vps.diskServedIops > 0)
    return `${ms(vps.diskLatencyMs)} at the disk while ${storm.vps}'s io_storm runs ${mechanism('disk', mode, vps)}`;
  if (vps.schedWaitMs >= 1 && isShared(mode))
    return `scheduler wait ${ms(vps.schedWaitMs)} on a busy shared CPU`;
  if (io && host.dom0CpuUtil >= BACKEND_BUSY)
    return `Dom0 is ${pct(host.dom0CpuUtil)} busy with every guest's I/O: its own waits in Dom0's backends`;
  if (io && host.hostOsCpuUtil >= BACKEND_BUSY)
    return `the host OS is ${pct(host.hostOsCpuUtil)} busy with every guest's I/O: its own waits there`;
  // Its p99 and good responses are measured against itself alone on the host: what it lost, its
  // neighbours cost it together (cache, devices, scheduler), none above its fair share, so no edge names one.
  return "its neighbours' combined load on the shared host, no single neighbour to blame (none above its fair share)";
}
