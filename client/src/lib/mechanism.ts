/**
 * How a contended resource reaches a victim under a virtualization mode, what enforces a VPS's CPU
 * cap there, and the resources' names, as the explanation lines word them.
 */
import type { ModeId, Resource, VpsMetrics } from '../../../shared/model.js';
import type { ModeSpec } from '../../../shared/protocol.js';
import { ms } from './format.js';

const SHARE_MODES = new Set<ModeId>(['para', 'container']);

export function base(mode: ModeSpec): ModeId {
  return typeof mode === 'string' ? mode : mode.base;
}

/** Whether the mode's vCPUs share the host's cores (credit scheduler, CFS) rather than hold fixed quotas. */
export function isShared(mode: ModeSpec): boolean {
  if (typeof mode !== 'string' && mode.cpuPolicy) return mode.cpuPolicy === 'share';
  return SHARE_MODES.has(base(mode));
}

export const RESOURCE_NAMES: Record<Resource, string> = {
  cpu: 'the host CPU',
  mem: 'host RAM',
  disk: 'the disk',
  net: 'the NIC',
  cache: 'the cache',
  dom0: 'Dom0',
  kernel: 'the kernel',
  hostos: 'the host OS',
};

/** How the resource reaches the victim under this mode. */
export function mechanism(resource: Resource, mode: ModeSpec, victim?: VpsMetrics): string {
  const b = base(mode);
  switch (resource) {
    case 'cpu': {
      if (!isShared(mode)) return 'on the shared host';
      const wait = victim && victim.schedWaitMs >= 1 ? `, ${ms(victim.schedWaitMs)} scheduler wait` : '';
      return `under shared scheduling${wait}`;
    }
    case 'disk':
      return b === 'para'
        ? "through Dom0's shared disk queue"
        : b === 'container'
          ? "in the shared kernel's disk queue"
          : 'on the shared disk';
    case 'net':
      return b === 'para'
        ? "through Dom0's netback"
        : b === 'container'
          ? 'on the shared NIC queue'
          : 'on the shared NIC';
    case 'mem':
      return b === 'container'
        ? 'and the host swaps (no memory.max)'
        : 'and the host swaps (overcommitted memory)';
    case 'cache':
      return 'in the shared last-level cache and memory bandwidth';
    case 'dom0':
      return "so Dom0's backends serve everyone's I/O late";
    case 'kernel':
      return 'in the one shared kernel';
    case 'hostos':
      return 'through the host OS';
  }
}

/**
 * Whether the mode holds a VPS to its plan's CPU cap: a fixed quota always does; under shares
 * Xen's credit cap is off unless the mode asks for it (`cpuCaps`), cgroups' cpu.max is on.
 */
export function capEnforced(mode: ModeSpec): boolean {
  if (!isShared(mode)) return true;
  if (typeof mode !== 'string' && mode.cpuCaps !== undefined) return mode.cpuCaps;
  return base(mode) !== 'para';
}

/** What enforces a VPS's CPU cap under this mode. */
export function capName(mode: ModeSpec): string {
  if (!isShared(mode)) return 'fixed quota';
  return base(mode) === 'container' ? 'cpu.max' : 'Xen credit cap';
}
