/**
 * The published isolation figures the scorecard stands beside (Matthews et al., "Quantifying the
 * performance isolation properties of virtualization systems", ExpCS 2007 [M07]; validation.md):
 * % degradation of good responses for the well-behaved guests ("good") and the misbehaving one
 * ("bad"), 'DNR' where the guest reported nothing. One copy for every part that prints them.
 */

export const PUBLISHED_SYSTEMS = ['vmware', 'xen', 'openvz'] as const;
export type PublishedSystem = (typeof PUBLISHED_SYSTEMS)[number];
export type PublishedFigure = number | 'DNR';
/** [good, bad] */
export type PublishedPair = [PublishedFigure, PublishedFigure];

export const PUBLISHED_SYSTEM_LABEL: Record<PublishedSystem, string> = {
  vmware: 'VMware Workstation 5.5',
  xen: 'Xen 3.0',
  openvz: 'OpenVZ',
};

/** Per stress test (fault name; `net_receive`: a flood aimed at the guest, "network, server receives"), per system. */
export const PUBLISHED_M07: Record<string, Partial<Record<PublishedSystem, PublishedPair>>> = {
  cpu_hog: { vmware: [0, 0], xen: [0.01, 0], openvz: [0, 0] },
  memory_leak: { vmware: [0, 91.3], xen: [0.03, 'DNR'], openvz: [0, 'DNR'] },
  io_storm: { vmware: [0, 39.8], xen: [1.67, 11.53], openvz: [2.52, 2.63] },
  net_flood: { vmware: [0, 52.9], xen: [0, 0.33], openvz: [21.3, 28.97] },
  fork_bomb: { vmware: [0, 'DNR'], xen: [0.04, 'DNR'], openvz: [0.01, 87.8] },
  net_receive: { vmware: [0, 0], xen: [0.04, 0.03], openvz: ['DNR', 'DNR'] },
};

/** Which published system stands beside each scorecard column (hosted type-2, para, containers with limits). */
export const PUBLISHED_COLUMN_SYSTEM: Record<string, PublishedSystem> = {
  hosted: 'vmware',
  para: 'xen',
  containerLimits: 'openvz',
};

/**
 * Further published figures the scorecard checks beside its own:
 * [CG05] Cherkasova & Gardner, ATC 2005: Dom0 spends 20–45 % CPU on top of a web guest's own;
 * [B03] Barham et al., SOSP 2003: a CPU hog raises a neighbour's run-queue wait from 5.4 to 147 ms;
 * [F15] Felter et al., ISPASS 2015: KVM delivers about half the random IOPS of a container (model.md §2: e_disk 0.53).
 */
export const PUBLISHED_CHECKS = {
  cg05: { range: [0.2, 0.45] as [number, number] },
  b03: { baseMs: 5.4, hogMs: 147 },
  f15: { kvmOverContainer: 0.53 },
} as const;
