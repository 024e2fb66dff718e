/**
 * The host OS of a type-2 hypervisor out of cores (model spec §2, hosted): what its I/O work for
 * each VM costs that VM.
 */
import * as allocMod from './allocate.js';
import type { Work } from './work.js';

const { waterFillDomain } = allocMod;

/**
 * A host OS out of cores: under a type-2 hypervisor each VM is a set of host processes (its vCPU
 * threads and the I/O threads working for it), and the host scheduler shares the cores max-min
 * fairly among them by weight. So the host-OS work a VM causes counts against that VM: a VM
 * whose quota grant plus its host-OS work fits its fair share keeps both; one above it is scaled
 * down, guest and host-OS parts alike. Scales `cpuGot` and `cpuAvail`; returns the host-OS CPU.
 */
export function shareHostOs(n: number, s: Work['s'], capacity: number): number {
  const cpuGot = s.cpuGot,
    cpuAvail = s.cpuAvail,
    cpuLimit = s.cpuLimit,
    need = s.vmNeed,
    cause = s.hostOsCause;
  for (let i = 0; i < n; i++) need[i] = cpuGot[i] + cause[i];
  waterFillDomain(n, need, s.weight, capacity, cpuAvail, 0);
  let hostOsCpu = 0;
  for (let i = 0; i < n; i++) {
    const t = need[i];
    const f = t > 0 ? Math.min(1, cpuAvail[i] / t) : 1;
    cpuGot[i] *= f;
    hostOsCpu += cause[i] * f;
    cpuAvail[i] = cpuLimit[i] * f;
  }
  return hostOsCpu;
}
