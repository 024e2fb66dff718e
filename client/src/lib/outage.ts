/**
 * Why a VPS is down, rebooting or not responding: a host fault, its own faults, a neighbour that
 * took the one shared kernel down, or a neighbour that starves it.
 */
import type { ExplainInput } from './explain.js';
import { culpritFault, edgesFor, ownFaults } from './culprit.js';
import { RESOURCE_NAMES, base } from './mechanism.js';

/** Faults that take a shared kernel, and every container on it, down. */
const SHARED_KERNEL = new Set<string>(['kernel_panic', 'fork_bomb']);

export function outageCause(input: ExplainInput): string {
  const { vps, faults, hostFaults, mode, frame } = input;
  const hf = hostFaults[0];
  if (hf) {
    if (hf.fault === 'dom0_crash') return "Dom0 crashed: every guest's I/O stopped";
    if (hf.fault === 'host_os_crash') return 'the host OS crashed: every guest went down with it';
    return 'the host is rebooting';
  }
  const mine = faults.filter((f) => f.vps === vps.id).map((f) => f.fault);
  if (mine.includes('kernel_panic')) return 'its kernel panicked; it reboots';
  if (mine.includes('memory_leak')) return 'its memory_leak ran into the OOM killer';
  const own = ownFaults(faults, vps.id);
  // Its own fault silences it before any neighbour it also waits for (a storm past its own timeout).
  if (
    own &&
    !(base(mode) === 'container' && faults.some((f) => f.vps !== vps.id && SHARED_KERNEL.has(f.fault)))
  )
    return `its own ${own}`;
  if (base(mode) === 'container') {
    const shared = faults.find((f) => f.vps !== vps.id && SHARED_KERNEL.has(f.fault));
    if (shared?.fault === 'kernel_panic')
      return `${shared.vps}'s kernel_panic took the one shared kernel down`;
    if (shared) return `${shared.vps}'s fork_bomb exhausted the shared kernel's process table`;
  }
  const edges = edgesFor(frame, vps.id, faults);
  if (edges.length) {
    const top = edges[0];
    const fault = culpritFault(faults, top.culprit, top.resource);
    return `${fault ? `${top.culprit}'s ${fault.fault}` : top.culprit} starves it of ${RESOURCE_NAMES[top.resource]}`;
  }
  if (own) return `its own ${own}`;
  return vps.state === 'dnr' ? 'requests time out' : 'no fault is active; it is coming back';
}
