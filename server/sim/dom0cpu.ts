/**
 * Dom0's CPU and the guests' I/O work it carries (model spec §5, para): what each guest's own I/O
 * costs when Dom0 cannot carry all of it, and Dom0's work charged to the guests that caused it
 * ([G06]'s SEDF-DC, with `dom0Charging`).
 */
import * as allocMod from './allocate.js';
import type { Work } from './work.js';

const { waterFillDomain } = allocMod;

/**
 * Scales each guest's own I/O CPU (its service's, its storm's or flood's, its inbound flood's) to
 * the share of its backend work Dom0 can carry, `capacity` (its vCPUs, or the grant of a Dom0 the
 * host's cores held below its want) split max-min among the backends, and its CPU demand with it.
 * (headroom.ts splits what the scheduler then grants Dom0.) `avail`: the CPU split's capped demands
 * are already filled and follow.
 */
export function dom0Carry(
  n: number,
  s: Work['s'],
  ones: Float64Array,
  vcpus: Float64Array,
  capacity: number,
  avail: boolean,
): void {
  const cause = s.dom0Cause,
    carried = s.vmNeed;
  waterFillDomain(n, cause, ones, capacity, carried, 0);
  for (let i = 0; i < n; i++) {
    const c = cause[i];
    if (!(c > 0)) continue;
    const f = carried[i] / c;
    if (!(f < 1)) continue;
    s.svcIoCpu[i] *= f;
    s.faultIoCpu[i] *= f;
    s.rxCpu[i] *= f;
    const cd = Math.min(vcpus[i], s.appCpu[i] + s.bgCpu[i] + s.svcIoCpu[i] + s.faultIoCpu[i] + s.rxCpu[i]);
    s.cpuDemand[i] = cd;
    if (avail) s.cpuAvail[i] = Math.min(cd, s.cpuLimit[i]);
  }
}

/**
 * Dom0 charging ([G06]): a guest's grant covered its own work and its backend's work in
 * proportion; the backend part (at most what Dom0's vCPUs hold, split max-min among the
 * backends) goes to Dom0 and the rest stays the guest's. Returns Dom0's CPU.
 */
export function chargeDom0(n: number, s: Work['s'], ones: Float64Array, dom0Cap: number): number {
  const cpuGot = s.cpuGot,
    cpuDemand = s.cpuDemand,
    cause = s.dom0Cause,
    charge = s.dom0Charge,
    limit = s.cpuLimit;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const c = cause[i];
    const own = Math.min(cpuDemand[i], limit[i]);
    const g = cpuGot[i];
    const part = c > 0 && own + c > 0 ? (g * c) / (own + c) : 0;
    charge[i] = part;
    total += part;
  }
  if (total > dom0Cap) {
    waterFillDomain(n, charge, ones, dom0Cap, s.vmNeed, 0);
    total = 0;
    for (let i = 0; i < n; i++) {
      charge[i] = s.vmNeed[i];
      total += charge[i];
    }
  }
  for (let i = 0; i < n; i++)
    cpuGot[i] = Math.min(Math.min(cpuDemand[i], limit[i]), Math.max(0, cpuGot[i] - charge[i]));
  return total;
}
