/**
 * The robustness family: a seeded set of reasonable hosts the scorecard never tuned for (1–64
 * cores, HDD/SSD/NVMe, 1–25 GbE, 2–16 guests, vCPUs oversold 0.5–2×, web loads 0.1–0.6), led by
 * the three hosts where the model was first seen to miss. Same seed ⇒ same family.
 */
import { nextFloat, seedRng, type RngState } from '../sim/rng.js';
import { param } from './params.js';
import { fitBaseline, MAX_BASELINE_CPU, type ExperimentHost, type HostSpec, type Load } from './setup.js';

export type DiskKind = 'HDD' | 'SATA SSD' | 'NVMe';
/** Random IOPS ranges per disk kind (a 7200 rpm disk; SATA and NVMe flash at queue depth). */
export const DISK_IOPS: Record<DiskKind, [number, number]> = {
  HDD: [120, 250],
  'SATA SSD': [40_000, 100_000],
  NVMe: [300_000, 1_000_000],
};
export const NIC_MBPS = [1000, 2500, 10_000, 25_000];
export const CORES = [1, 2, 4, 8, 16, 32, 64];
export const OVERSELL: [number, number] = [0.5, 2];
export const WEB_LOAD_RANGE: [number, number] = [0.1, 0.6];
/**
 * A reasonable host is not overloaded before any stress: the web load is drawn so the guests'
 * CPU wants at most MAX_BASELINE_CPU of the cores (vCPUs oversold 2× with every guest at 0.6 would
 * ask 120 % of the host, and every cell would measure an overload, not a neighbour), and
 * fitBaseline scales it down where a mode's I/O cost would still overload a guest on its own.
 */
export { MAX_BASELINE_CPU };

/** A web request's device work in the paper's mix (60 req/s per guest: 30 IOPS and 25 Mbit/s). */
export const DISK_OPS_PER_REQUEST = 0.5;
export const NET_MBIT_PER_REQUEST = 0.4;
/** No guest's web load asks more than this share of its (2×-oversold) device plans: the devices stay ≤ 60 % busy before any stress. */
export const MAX_DEVICE_SLIDER = 0.3;

/**
 * The family's web load: L of the vCPUs, L × rpsPerVcpu requests per vCPU, each with the paper's
 * device work, as fractions of the plans (capped so no device is overloaded before any stress).
 */
export function webLoad(l: number, vcpus: number, diskPlan: number, netPlan: number): Load {
  const rps = param('rpsPerVcpu') * vcpus * l;
  return {
    cpu: l,
    mem: 0.5,
    disk: Math.min(MAX_DEVICE_SLIDER, l, (rps * DISK_OPS_PER_REQUEST) / diskPlan),
    net: Math.min(MAX_DEVICE_SLIDER, l, (rps * NET_MBIT_PER_REQUEST) / netPlan),
  };
}

/** Dom0 vCPUs sized with the host, as Xen practice does (1 on small hosts, up to 8). */
export function dom0VcpusFor(cores: number): number {
  return Math.max(1, Math.min(8, Math.round(cores / 4)));
}

/** A host of the family from its drawn figures; disk and network plans oversold 2× as in the paper's setup. */
export function familyHost(
  id: string,
  spec: {
    cores: number;
    ramPerCore: number;
    disk: DiskKind;
    diskIops: number;
    netMbps: number;
    guests: number;
    vcpus: number;
    webLoad: number;
  },
): ExperimentHost {
  const host: HostSpec = {
    cores: spec.cores,
    ramGiB: Math.max(1, spec.cores * spec.ramPerCore),
    diskIops: Math.round(spec.diskIops),
    netMbps: spec.netMbps,
    memBwGBs: Math.min(400, 6.4 * spec.cores),
  };
  const oversell = (spec.vcpus * spec.guests) / spec.cores;
  const label =
    `${id}: ${spec.cores} cores, ${spec.disk} ${host.diskIops} IOPS, ${spec.netMbps / 1000} GbE, ` +
    `${spec.guests}×${spec.vcpus} vCPU (${oversell.toFixed(2)}×), load ${spec.webLoad.toFixed(2)}`;
  const diskIops = (2 * host.diskIops) / spec.guests;
  const netMbps = Math.min(host.netMbps, (2 * host.netMbps) / spec.guests);
  return fitBaseline({
    id,
    label,
    host,
    dom0Vcpus: dom0VcpusFor(spec.cores),
    guests: spec.guests,
    vcpus: spec.vcpus,
    ramGiB: host.ramGiB / spec.guests,
    diskIops,
    netMbps,
    load: webLoad(spec.webLoad, spec.vcpus, diskIops, netMbps),
  });
}

/** The three hosts where the model was first seen to miss cells. */
export const NAMED_HOSTS: ExperimentHost[] = [
  // An 8-core host whose guests oversell the vCPUs 1.5×, a SATA SSD and 10 GbE.
  familyHost('ssd8', {
    cores: 8,
    ramPerCore: 4,
    disk: 'SATA SSD',
    diskIops: 80_000,
    netMbps: 10_000,
    guests: 6,
    vcpus: 2,
    webLoad: 0.3,
  }),
  // A 32-core NVMe host with 25 GbE and eight 4-vCPU guests.
  familyHost('nvme32', {
    cores: 32,
    ramPerCore: 4,
    disk: 'NVMe',
    diskIops: 600_000,
    netMbps: 25_000,
    guests: 8,
    vcpus: 4,
    webLoad: 0.3,
  }),
  // A 1-core host with other plans: two 1-vCPU guests, a disk and a gigabit NIC.
  familyHost('core1', {
    cores: 1,
    ramPerCore: 2,
    disk: 'HDD',
    diskIops: 180,
    netMbps: 1000,
    guests: 2,
    vcpus: 1,
    webLoad: 0.3,
  }),
];

const pick = <T>(r: RngState, xs: readonly T[]): T => xs[Math.floor(nextFloat(r) * xs.length)];
const uniform = (r: RngState, [lo, hi]: [number, number]): number => lo + (hi - lo) * nextFloat(r);

/** One drawn host. */
function drawHost(r: RngState, id: string): ExperimentHost {
  const cores = pick(r, CORES);
  const disk = pick(r, ['HDD', 'SATA SSD', 'NVMe'] as DiskKind[]);
  const netMbps = pick(r, NIC_MBPS);
  // Guests: 2–16, no more than the vCPUs may oversell (each guest has at least one vCPU).
  const maxGuests = Math.max(2, Math.min(16, Math.floor(OVERSELL[1] * cores)));
  const guests = 2 + Math.floor(nextFloat(r) * (maxGuests - 1));
  const target = uniform(r, OVERSELL);
  let vcpus = Math.max(1, Math.round((target * cores) / guests));
  if (vcpus * guests > OVERSELL[1] * cores) vcpus = Math.max(1, Math.floor((OVERSELL[1] * cores) / guests));
  if (vcpus * guests < OVERSELL[0] * cores) vcpus = Math.ceil((OVERSELL[0] * cores) / guests);
  const oversell = (vcpus * guests) / cores;
  const maxLoad = Math.min(WEB_LOAD_RANGE[1], MAX_BASELINE_CPU / oversell);
  const load = uniform(r, [WEB_LOAD_RANGE[0], Math.max(WEB_LOAD_RANGE[0], maxLoad)]);
  return familyHost(id, {
    cores,
    ramPerCore: pick(r, [2, 4, 8]),
    disk,
    diskIops: uniform(r, DISK_IOPS[disk]),
    netMbps,
    guests,
    vcpus,
    webLoad: load,
  });
}

/** The family: the named hosts, then drawn ones up to `count` (at least the named ones). */
export function hostFamily(count = 60, seed = 1): ExperimentHost[] {
  const r = seedRng(seed);
  const out = NAMED_HOSTS.slice(0, count);
  for (let k = out.length; k < count; k++) out.push(drawHost(r, `h${String(k).padStart(2, '0')}`));
  return out;
}
