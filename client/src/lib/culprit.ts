/**
 * Who an explanation line names and what it says they hold: a victim's attribution edges in the
 * order the line reads them, the fault behind a culprit's edge, a VPS's own faults, and the share
 * of a resource a culprit takes.
 */
import type { Attribution, Frame, Resource, VpsMetrics } from '../../../shared/model.js';
import type { ActiveFault } from '../../../shared/protocol.js';
import type { ExplainInput } from './explain.js';
import { ms, pct } from './format.js';
import { RESOURCE_NAMES } from './mechanism.js';

/** Relevance of a guest fault to each resource, to name the misbehaviour behind an edge. */
export const FAULT_RESOURCES: Record<string, readonly Resource[]> = {
  cpu_hog: ['cpu'],
  fork_bomb: ['cpu', 'kernel'],
  memory_leak: ['mem'],
  io_storm: ['disk', 'dom0', 'hostos'],
  net_flood: ['net', 'dom0', 'hostos'],
  cache_thrash: ['cache'],
  kernel_panic: ['kernel'],
};

/**
 * A victim's edges, largest share first. At equal shares (each resource's shares are its own split)
 * an edge on the resource its culprit's running fault acts on comes first, then one from a culprit
 * running any fault, then one from a culprit that is only busy (`faults`: the faults running).
 */
export function edgesFor(frame: Frame, victim: string, faults: readonly ActiveFault[] = []): Attribution[] {
  const faulty = (a: Attribution) => {
    const own = faults.filter((f) => f.vps === a.culprit);
    if (own.some((f) => FAULT_RESOURCES[f.fault]?.includes(a.resource))) return 2;
    return own.length ? 1 : 0;
  };
  return frame.attribution
    .filter((a) => a.victim === victim && a.share > 0)
    .sort((a, b) => b.share - a.share || faulty(b) - faulty(a));
}

export function culpritFault(
  faults: readonly ActiveFault[],
  culprit: string,
  resource: Resource,
): ActiveFault | undefined {
  const own = faults.filter((f) => f.vps === culprit);
  return own.find((f) => FAULT_RESOURCES[f.fault]?.includes(resource)) ?? own[0];
}

/**
 * The faults a VPS runs, named in the order they started ("cpu_hog and io_storm"; they stack, model
 * spec §8), or null with none.
 */
export function ownFaults(faults: readonly ActiveFault[], id: string): string | null {
  const names = faults.filter((f) => f.vps === id).map((f) => f.fault);
  if (!names.length) return null;
  if (names.length === 1) return names[0];
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * Under para every guest's disk and network I/O passes Dom0's backends: an edge on Dom0 says the
 * culprit's I/O fills Dom0, and every guest's I/O, the victim's among it, waits there (its own share
 * of the device may be free). The culprit's I/O is named by its storm or flood, else by the one
 * device it uses.
 */
export function throughDom0(
  resource: Resource,
  culprit: VpsMetrics | undefined,
  input: ExplainInput,
): string | null {
  const { frame, vps, faults } = input;
  if (resource !== 'dom0') return null;
  const own = culprit ? faults.filter((f) => f.vps === culprit.id).map((f) => f.fault) : [];
  const disk = culprit !== undefined && culprit.diskServedIops > 0,
    net = culprit !== undefined && culprit.netServedMbps > 0;
  const what = own.includes('io_storm')
    ? 'disk '
    : own.includes('net_flood')
      ? 'network '
      : disk && !net
        ? 'disk '
        : net && !disk
          ? 'network '
          : '';
  const wait = vps.diskServedIops > 0 ? ` (${ms(vps.diskLatencyMs)} at the disk)` : '';
  return `keeps Dom0 ${pct(frame.host.dom0CpuUtil)} busy with its ${what}I/O: every guest's I/O waits in Dom0's backends${wait}`;
}

export function holds(resource: Resource, culprit: VpsMetrics | undefined, input: ExplainInput): string {
  const { host, frame } = input;
  if (!culprit) return `takes more than its fair share of ${RESOURCE_NAMES[resource]}`;
  switch (resource) {
    case 'cpu':
      return `holds ${pct(culprit.cpuGranted / host.cores)} of the host CPU`;
    case 'disk': {
      // Held back at its own limit, it takes no more than an equal share of the device: what it holds
      // is the shared journal's commits, and what the victim sees is the wait.
      const share = culprit.diskServedIops / host.diskIops;
      if (share <= 1 / frame.vps.length && input.vps.diskServedIops > 0)
        return `keeps the disk waiting (${ms(input.vps.diskLatencyMs)} there)`;
      return `holds ${pct(share)} of the disk`;
    }
    case 'net':
      return `holds ${pct(culprit.netServedMbps / host.netMbps)} of the NIC`;
    case 'mem':
      return `holds ${pct(culprit.memResidentGiB / host.ramGiB)} of host RAM`;
    case 'dom0':
      return `keeps Dom0 ${pct(frame.host.dom0CpuUtil)} busy`;
    case 'hostos':
      return `keeps the host OS ${pct(frame.host.hostOsCpuUtil)} busy`;
    case 'cache':
      return 'contends with it';
    case 'kernel':
      return 'exhausts the shared kernel';
  }
}
