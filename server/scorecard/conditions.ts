/**
 * The setup conditions validation.md's conditional cells name, decided from the setup alone (host
 * capacity against the guests' plans and loads, with the model's parameters as the run has them), never from
 * what a run observed:
 * - "the hog leaves the host short of CPU" (cpu_hog under shared scheduling),
 * - "the flood saturates the NIC" (net_flood in containers),
 * - "a fair share of Dom0 cannot carry a neighbour's own traffic" (net_flood under para),
 * - "overcommit" (memory bomb under para).
 */
import { resolveMode } from '../sim/index.js';
import { param, resolvedParams, type Params } from './params.js';
import { guestCpuNeed, isQuota, quotaCap, type Column, type ExperimentHost } from './setup.js';

export type Verdict = 'yes' | 'no' | 'borderline';

export const CONDITIONS = [
  'cpuShortUnderHog',
  'floodSaturatesNic',
  'dom0FairShareShort',
  'ramOvercommitted',
] as const;
export type ConditionId = (typeof CONDITIONS)[number];

/**
 * Within this band below a capacity a setup is neither clearly short nor clearly with headroom
 * (an M/M/1 queue at 90 % busy already waits 9 service times): both outcomes are accepted there.
 */
export const BORDERLINE_FROM = 0.9;

export interface ConditionResult {
  verdict: Verdict;
  /** demand ÷ capacity behind the verdict. */
  ratio: number;
  /** The figures, in words. */
  text: string;
}

/** A column's mode profile under the parameters a run has. */
function profileOf(column: Column, pr?: Params): ReturnType<typeof resolveMode> {
  return resolveMode(column.mode, resolvedParams(pr));
}

function verdictOf(ratio: number): Verdict {
  if (ratio >= 1) return 'yes';
  if (ratio >= BORDERLINE_FROM) return 'borderline';
  return 'no';
}

/** CPU a well-behaved guest asks for: its web load plus the native CPU cost of its own I/O, cores. */
export function neighbourCpu(h: ExperimentHost, column: Column, pr?: Params): number {
  return guestCpuNeed(h, column, pr);
}

/** Cores the misbehaving guest can use while its neighbours take what they ask for. */
function culpritCpu(h: ExperimentHost, column: Column, pr?: Params): number {
  if (isQuota(column)) return quotaCap(h);
  const others = (h.guests - 1) * neighbourCpu(h, column, pr);
  const fair = h.host.cores / h.guests;
  return Math.min(h.vcpus, h.host.cores, Math.max(fair, h.host.cores - others));
}

function cpuShortUnderHog(h: ExperimentHost, column: Column, pr?: Params): ConditionResult {
  const hog = isQuota(column) ? quotaCap(h) : Math.min(h.vcpus, h.host.cores);
  const want = hog + (h.guests - 1) * neighbourCpu(h, column, pr);
  const ratio = want / h.host.cores;
  return {
    verdict: verdictOf(ratio),
    ratio,
    text: `hog ${fmt(hog)} + neighbours ${fmt(want - hog)} of ${h.host.cores} cores`,
  };
}

function floodSaturatesNic(h: ExperimentHost, column: Column, pr?: Params): ConditionResult {
  const p = profileOf(column, pr);
  const line = h.host.netMbps;
  const shaped = p.netCap || p.netShaping ? h.netMbps : line;
  const cpuForFlood = Math.max(0, culpritCpu(h, column, pr) - h.load.cpu * h.vcpus);
  const cpuBound = cpuForFlood / (param('netMbitCpu', pr) * Math.max(p.ioCpuFactor, 1e-9));
  const flood = Math.min(line, shaped, cpuBound);
  const others = (h.guests - 1) * h.load.net * h.netMbps;
  const ratio = (flood + others) / line;
  return {
    verdict: verdictOf(ratio),
    ratio,
    text: `flood ${fmt(flood)} + neighbours ${fmt(others)} of ${fmt(line)} Mbit/s`,
  };
}

function dom0FairShareShort(h: ExperimentHost, column: Column, pr?: Params): ConditionResult {
  const p = profileOf(column, pr);
  if (!p.dom0) return { verdict: 'no', ratio: 0, text: 'no Dom0' };
  const need =
    (h.load.disk * h.diskIops * param('diskOpCpuS', pr) + h.load.net * h.netMbps * param('netMbitCpu', pr)) *
    p.dom0IoFactor;
  const fair = h.dom0Vcpus / h.guests;
  const ratio = need / fair;
  return {
    verdict: verdictOf(ratio),
    ratio,
    text: `a neighbour needs ${fmt(need)} of a ${fmt(fair)}-core fair share of Dom0`,
  };
}

function ramOvercommitted(h: ExperimentHost): ConditionResult {
  const plans = h.guests * h.ramGiB;
  const ratio = plans / h.host.ramGiB;
  // Σ plans at or below host RAM is no overcommit at all: no borderline band.
  return {
    verdict: ratio > 1 ? 'yes' : 'no',
    ratio,
    text: `plans ${fmt(plans)} of ${fmt(h.host.ramGiB)} GiB`,
  };
}

/** Decides one condition on one setup under one column (with the parameter overrides the run carries, if any). */
export function decide(id: ConditionId, h: ExperimentHost, column: Column, pr?: Params): ConditionResult {
  switch (id) {
    case 'cpuShortUnderHog':
      return cpuShortUnderHog(h, column, pr);
    case 'floodSaturatesNic':
      return floodSaturatesNic(h, column, pr);
    case 'dom0FairShareShort':
      return dom0FairShareShort(h, column, pr);
    case 'ramOvercommitted':
      return ramOvercommitted(h);
  }
}

function fmt(x: number): string {
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
}
