/**
 * validation.md's table, written once as data: per stress row and column, the categories the
 * well-behaved guests may land in, unconditional or chosen by a setup condition (conditions.ts).
 * Nothing here reads a run.
 */
import { PUBLISHED_M07, type PublishedPair, type PublishedSystem } from '../../shared/published.js';
import { ROW_LABEL, type ScorecardColumn, type ScorecardRow } from '../../shared/scorecard.js';
import type { Category, Demand } from './categories.js';
import { decide, type ConditionId } from './conditions.js';
import type { Params } from './params.js';
import type { Column, ExperimentHost } from './setup.js';

/** A cell's rule: fixed categories, or a setup condition choosing between two sets (both in its borderline band). */
export type Rule =
  | { kind: 'always'; categories: Category[] }
  | {
      kind: 'if';
      condition: ConditionId;
      yes: Category[];
      no: Category[];
      p99UpIfYes?: boolean;
      text: string;
    };

export interface Row {
  stress: ScorecardRow;
  label: string;
  /** Published [M07] figures (good, bad) per system. */
  published?: Partial<Record<PublishedSystem, PublishedPair>>;
  /** validation.md's demand on the well-behaved guests, per column; absent = no demand. */
  rules: Partial<Record<ScorecardColumn, Rule>>;
  /** Whether the misbehaving guest must itself lose (validation.md: "it degrades (or is DNR) in every mode"). */
  badDegrades: boolean;
  /** A host fault: every guest is hit, there is no misbehaving guest apart. */
  hostFault?: boolean;
}

const Z: Category[] = ['zero'];
const CONTAINED: Category[] = ['zero', 'small'];
const always = (categories: Category[]): Rule => ({ kind: 'always', categories });
const Z_ALL = { full: always(Z), hosted: always(Z) };

export const ROWS: Row[] = [
  {
    stress: 'cpu_hog',
    label: ROW_LABEL.cpu_hog,
    published: PUBLISHED_M07.cpu_hog,
    rules: {
      ...Z_ALL,
      para: {
        kind: 'if',
        condition: 'cpuShortUnderHog',
        yes: Z,
        no: Z,
        p99UpIfYes: true,
        text: 'p99 visibly up wherever the hog leaves the host short of CPU',
      },
      containerLimits: always(Z),
      containerNoLimits: {
        kind: 'if',
        condition: 'cpuShortUnderHog',
        yes: Z,
        no: Z,
        p99UpIfYes: true,
        text: 'latency up wherever the hog leaves the host short of CPU',
      },
    },
    // [M07] published 0 for the hog itself in every system: its web server kept serving.
    badDegrades: false,
  },
  {
    stress: 'memory_leak',
    label: ROW_LABEL.memory_leak,
    published: PUBLISHED_M07.memory_leak,
    rules: {
      ...Z_ALL,
      para: {
        kind: 'if',
        condition: 'ramOvercommitted',
        yes: ['zero', 'small'],
        no: Z,
        text: '≈0 … small where the plans overcommit the RAM',
      },
      containerLimits: always(Z),
      containerNoLimits: always(['outage']),
    },
    badDegrades: true,
  },
  {
    stress: 'io_storm',
    label: ROW_LABEL.io_storm,
    published: PUBLISHED_M07.io_storm,
    rules: {
      full: always(['zero', 'small']),
      hosted: always(Z),
      para: always(['small']),
      containerLimits: always(['small']),
      containerNoLimits: always(['large']),
    },
    badDegrades: true,
  },
  {
    stress: 'net_flood',
    label: ROW_LABEL.net_flood,
    published: PUBLISHED_M07.net_flood,
    rules: {
      ...Z_ALL,
      para: {
        kind: 'if',
        condition: 'dom0FairShareShort',
        yes: ['zero', 'small', 'large'],
        no: CONTAINED,
        text: 'large only where a fair share of Dom0 cannot carry a neighbour’s own traffic',
      },
      containerLimits: {
        kind: 'if',
        condition: 'floodSaturatesNic',
        yes: ['large'],
        no: CONTAINED,
        text: 'large where the flood saturates the NIC, contained where it has headroom',
      },
      containerNoLimits: {
        kind: 'if',
        condition: 'floodSaturatesNic',
        yes: ['large', 'outage'],
        no: CONTAINED,
        text: 'large … outage where the flood saturates the NIC, contained where it has headroom',
      },
    },
    badDegrades: true,
  },
  {
    // No category demand in validation.md; the published figures are the check.
    stress: 'net_receive',
    label: ROW_LABEL.net_receive,
    published: PUBLISHED_M07.net_receive,
    rules: {},
    badDegrades: false,
  },
  {
    stress: 'fork_bomb',
    label: ROW_LABEL.fork_bomb,
    published: PUBLISHED_M07.fork_bomb,
    rules: { ...Z_ALL, para: always(Z), containerLimits: always(Z), containerNoLimits: always(['outage']) },
    badDegrades: true,
  },
  {
    stress: 'kernel_panic',
    label: ROW_LABEL.kernel_panic,
    rules: {
      ...Z_ALL,
      para: always(Z),
      containerLimits: always(['outage']),
      containerNoLimits: always(['outage']),
    },
    badDegrades: true,
  },
  {
    stress: 'host_os_crash',
    label: ROW_LABEL.host_os_crash,
    rules: { hosted: always(['outage']) },
    badDegrades: false,
    hostFault: true,
  },
  {
    stress: 'dom0_crash',
    label: ROW_LABEL.dom0_crash,
    rules: { para: always(['outage']) },
    badDegrades: false,
    hostFault: true,
  },
];

/** What validation.md demands of a cell on this setup, or undefined where it demands nothing. */
export function demandOf(row: Row, column: Column, h: ExperimentHost, pr?: Params): Demand | undefined {
  const rule = row.rules[column.id];
  if (!rule) return undefined;
  if (rule.kind === 'always') return { categories: rule.categories, because: '' };
  const c = decide(rule.condition, h, column, pr);
  const union = [...new Set([...rule.yes, ...rule.no])];
  const categories = c.verdict === 'yes' ? rule.yes : c.verdict === 'no' ? rule.no : union;
  const p99Up = rule.p99UpIfYes && c.verdict === 'yes' ? true : undefined;
  const state = c.verdict === 'yes' ? 'holds' : c.verdict === 'no' ? 'does not hold' : 'borderline';
  return { categories, p99Up, because: `${rule.text}: ${c.text} (${state})` };
}
