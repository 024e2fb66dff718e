/**
 * The setup of the [M07] isolation experiment (validation.md): identical web guests on one host
 * under steady load, the last of them misbehaving. A setup is data (host, guest plans, loads);
 * the paper's host and the modern host are two setups under one scaling rule, and the robustness
 * family (family.ts) draws many more.
 */
import type { ModeSpec, Scenario } from '../../shared/commands.js';
import { COLUMN_LABEL, type ScorecardColumn } from '../../shared/scorecard.js';
import { PUBLISHED_COLUMN_SYSTEM, type PublishedSystem } from '../../shared/published.js';
import { resolveMode } from '../sim/index.js';
import { DEFAULT_WEIGHT } from '../sim/state.js';
import { param, resolvedParams, type Params } from './params.js';

export interface HostSpec {
  cores: number;
  ramGiB: number;
  diskIops: number;
  netMbps: number;
  memBwGBs: number;
}

export interface Load {
  cpu: number;
  mem: number;
  disk: number;
  net: number;
}

export interface ExperimentHost {
  id: string;
  label: string;
  host: HostSpec;
  /** Dom0 vCPUs under para (Xen practice sizes Dom0 with the host). */
  dom0Vcpus: number;
  /** Guests on the host; the last one misbehaves. */
  guests: number;
  /** Each guest's plan. */
  vcpus: number;
  ramGiB: number;
  diskIops: number;
  netMbps: number;
  /** Each guest's steady web load, a fraction of its plan per resource. */
  load: Load;
}

export interface Column {
  id: ScorecardColumn;
  label: string;
  mode: ModeSpec;
  /** Which published system stands beside it. */
  published?: PublishedSystem;
}

export const COLUMNS: Column[] = [
  { id: 'full', label: COLUMN_LABEL.full, mode: 'full' },
  { id: 'hosted', label: COLUMN_LABEL.hosted, mode: 'hosted', published: PUBLISHED_COLUMN_SYSTEM.hosted },
  { id: 'para', label: COLUMN_LABEL.para, mode: 'para', published: PUBLISHED_COLUMN_SYSTEM.para },
  {
    id: 'containerLimits',
    label: COLUMN_LABEL.containerLimits,
    mode: { base: 'container', containerLimits: true },
    published: PUBLISHED_COLUMN_SYSTEM.containerLimits,
  },
  {
    id: 'containerNoLimits',
    label: COLUMN_LABEL.containerNoLimits,
    mode: { base: 'container', containerLimits: false },
  },
];

/**
 * A well-behaved guest is not overloaded before any stress (validation.md: a setup whose guests
 * already suffer without the stress must not read as a stress effect): its web load, with the CPU
 * its own I/O costs in the column's mode, asks at most this share of the CPU it is sure to get.
 */
export const MAX_BASELINE_CPU = 0.8;

/** CPU a well-behaved guest asks for under a column: its web load plus the CPU cost of its own I/O in that mode, cores. */
export function guestCpuNeed(h: ExperimentHost, column: Column, pr?: Params): number {
  const p = resolveMode(column.mode, resolvedParams(pr));
  const load = h.load;
  const io =
    (load.disk * h.diskIops * param('diskOpCpuS', pr) + load.net * h.netMbps * param('netMbitCpu', pr)) *
    p.ioCpuFactor;
  return Math.min(h.vcpus, load.cpu * h.vcpus + io);
}

/**
 * CPU a well-behaved guest is sure to get under a column, cores: its quota; under a share, its
 * weighted share of the cores among every entity that may want them at once: the guests and,
 * where the mode has a Dom0, Dom0 itself (a scheduling entity with its own weight, at most its
 * vCPUs), which any guest's I/O may keep busy (model spec §3, §5).
 */
export function sureCpu(h: ExperimentHost, column: Column, pr?: Params): number {
  if (isQuota(column) || !resolveMode(column.mode, resolvedParams(pr)).dom0) return quotaCap(h);
  const cores = h.host.cores;
  const wGuests = h.guests * DEFAULT_WEIGHT,
    wDom0 = param('dom0Weight', pr);
  let share = (cores * DEFAULT_WEIGHT) / (wGuests + wDom0);
  // Dom0 cannot use more than its vCPUs: what its weight would give beyond them stays with the guests.
  if ((cores * wDom0) / (wGuests + wDom0) > h.dom0Vcpus) share = (cores - h.dom0Vcpus) / h.guests;
  return Math.min(h.vcpus, share);
}

/**
 * The setup with its web load scaled down (CPU, disk and network alike: fewer requests, each with
 * the same work) where, in some column, a guest's own load would ask more than MAX_BASELINE_CPU
 * of the CPU it is sure to get (sureCpu). One load per host, the same in every column, as in [M07].
 */
export function fitBaseline(h: ExperimentHost): ExperimentHost {
  let k = 1;
  for (const column of COLUMNS) {
    const need = guestCpuNeed(h, column) / resolveMode(column.mode).eCpu;
    const sure = sureCpu(h, column);
    if (need > MAX_BASELINE_CPU * sure) k = Math.min(k, (MAX_BASELINE_CPU * sure) / need);
  }
  if (k >= 1) return h;
  const load = { cpu: h.load.cpu * k, mem: h.load.mem, disk: h.load.disk * k, net: h.load.net * k };
  // The label's closing bracket (if any) keeps the note inside it.
  const note = `web load ×${k.toFixed(2)}`;
  const label = h.label.endsWith(')') ? `${h.label.slice(0, -1)}, ${note})` : `${h.label}, ${note}`;
  return { ...h, label, load };
}

/** The paper's steady web load, each a fraction of the guest's plan. */
export const WEB_LOAD: Load = { cpu: 0.1, mem: 0.5, disk: 0.3, net: 0.05 };

/**
 * The paper's setup in host fractions, one rule for the paper's and the modern host: four guests,
 * each with as many vCPUs as the host has cores (the paper's guests each had the host's one CPU),
 * a quarter of the RAM, and half the host's disk and network (oversold 2×).
 */
function paperRule(id: string, label: string, host: HostSpec, dom0Vcpus: number): ExperimentHost {
  return fitBaseline({
    id,
    label,
    host,
    dom0Vcpus,
    guests: 4,
    vcpus: host.cores,
    ramGiB: host.ramGiB / 4,
    diskIops: host.diskIops / 2,
    netMbps: host.netMbps / 2,
    load: { ...WEB_LOAD },
  });
}

/** The paper's host: one Pentium 4 core, 1 GiB RAM, gigabit NIC, one 7200 rpm disk (~200 random IOPS), DDR-400 (6.4 GB/s). */
export const SMALL_HOST: ExperimentHost = paperRule(
  'paper',
  "paper's host (1 core, 1 GiB, 200 IOPS, 1 Gbit/s)",
  { cores: 1, ramGiB: 1, diskIops: 200, netMbps: 1000, memBwGBs: 6.4 },
  1,
);

/** The default modern host (model spec §2). */
export const MODERN_HOST: ExperimentHost = paperRule(
  'modern',
  'modern host (16 cores, 64 GiB, 100k IOPS, 10 Gbit/s)',
  { cores: 16, ramGiB: 64, diskIops: 100_000, netMbps: 10_000, memBwGBs: 100 },
  4,
);

/** Whether a column's CPU is a fixed quota (each guest capped at its share of the cores). */
export function isQuota(column: Column): boolean {
  return resolveMode(column.mode).cpuPolicy === 'quota';
}

/** Each guest's CPU cap under a fixed quota: its vCPUs, or an equal share of the cores where the vCPUs oversell them. */
export function quotaCap(h: ExperimentHost): number {
  return Math.min(h.vcpus, h.host.cores / h.guests);
}

/** The guests' ids; the last one misbehaves. */
export function guestIds(h: ExperimentHost): string[] {
  return Array.from({ length: h.guests }, (_, k) => `web-${k + 1}`);
}

/** The mode of a column on a host (Dom0 sized with the host under para). */
export function columnMode(h: ExperimentHost, column: Column): ModeSpec {
  const profile = resolveMode(column.mode);
  if (!profile.dom0 || h.dom0Vcpus === profile.dom0Vcpus) return column.mode;
  return {
    ...(typeof column.mode === 'string' ? { base: column.mode } : column.mode),
    dom0Vcpus: h.dom0Vcpus,
  };
}

/** The scenario of the experiment under one column, without the stress. */
export function experimentScenario(h: ExperimentHost, column: Column): Scenario {
  const quota = isQuota(column);
  const vps = guestIds(h).map((id) => ({
    id,
    vcpus: h.vcpus,
    ramGiB: h.ramGiB,
    diskIops: h.diskIops,
    netMbps: h.netMbps,
    ...(quota ? { cpuCapCores: quotaCap(h) } : {}),
    role: 'web' as const,
    profile: 'steady' as const,
    load: { ...h.load },
  }));
  return {
    name: `M07 isolation, ${column.id}`,
    seed: 1,
    tickMs: 100,
    mode: columnMode(h, column),
    host: h.host,
    vps,
  };
}
