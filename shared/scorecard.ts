/**
 * The scorecard's data contract: what `npm run scorecard -- --json` prints and `GET
 * /api/scorecard` serves (an array of tables, one per experiment host), read by the dashboard's
 * Scorecard view. Field names are stable; new fields may be added.
 */
import type { PublishedFigure, PublishedSystem } from './published.js';

/** validation.md's categories: ≈0 (< 1 %), small (1–10 %), large (> 10 %, still serving), outage (DNR). */
export type Category = 'zero' | 'small' | 'large' | 'outage';
export const CATEGORY_LABEL: Record<Category, string> = {
  zero: '≈0',
  small: 'small',
  large: 'large',
  outage: 'outage',
};

/** Scorecard columns (a mode, or a mode with overrides), in table order. */
export const SCORECARD_COLUMNS = ['full', 'hosted', 'para', 'containerLimits', 'containerNoLimits'] as const;
export type ScorecardColumn = (typeof SCORECARD_COLUMNS)[number];
export const COLUMN_LABEL: Record<ScorecardColumn, string> = {
  full: 'full (type-1)',
  hosted: 'hosted (type-2)',
  para: 'para',
  containerLimits: 'container, limits',
  containerNoLimits: 'container, no limits',
};

/** Scorecard rows: a guest misbehaviour or host fault id, plus `net_receive` (a flood aimed at the guest). */
export const SCORECARD_ROWS = [
  'cpu_hog',
  'memory_leak',
  'io_storm',
  'net_flood',
  'net_receive',
  'fork_bomb',
  'kernel_panic',
  'host_os_crash',
  'dom0_crash',
] as const;
export type ScorecardRow = (typeof SCORECARD_ROWS)[number];
export const ROW_LABEL: Record<ScorecardRow, string> = {
  cpu_hog: 'CPU intensive',
  memory_leak: 'memory bomb',
  io_storm: 'disk intensive',
  net_flood: 'network, server transmits',
  net_receive: 'network, server receives',
  fork_bomb: 'fork bomb',
  kernel_panic: 'kernel panic',
  host_os_crash: 'host-OS crash',
  dom0_crash: 'Dom0 crash',
};

/** One guest of a cell: its drop in good responses against the same guest in the run without the stress. */
export interface GuestJson {
  id: string;
  degradationPct: number;
  /** Silent for at least the client timeout: the benchmark gave up on it. */
  dnr: boolean;
  p99Ms: number;
  baselineP99Ms: number;
}

export interface SideJson {
  /** Mean over the guests of this side (the [M07] figure). */
  degradationPct: number;
  /** Any guest of this side DNR. */
  dnr: boolean;
  /** Category of the worst-off guest of this side (one neighbour's outage is an outage). */
  category: Category;
}

export interface GoodSideJson extends SideJson {
  /** The worst-off well-behaved guest's drop, and its id. */
  worstPct: number;
  worstGuest: string;
  /** Mean over the well-behaved guests of p99 ÷ their p99 without the stress. */
  p99Ratio: number;
}

/** A published [M07] pair beside a cell, with ours ÷ published and whether the magnitude acceptance holds. */
export interface PublishedJson {
  system: PublishedSystem;
  good: PublishedFigure;
  bad: PublishedFigure;
  ratio: { good: number | null; bad: number | null };
  holds: { good: boolean; bad: boolean };
}

export interface CellJson {
  column: ScorecardColumn;
  stress: ScorecardRow;
  good: GoodSideJson;
  bad: SideJson;
  /** Categories validation.md allows for the well-behaved guests on this setup (absent: no demand). */
  expected?: Category[];
  /** The neighbours' p99 must also be visibly up. */
  p99Up?: boolean;
  /** The setup condition that chose the demand, in words. */
  because?: string;
  matches?: boolean;
  /** Whether the misbehaving guest itself degrades where validation.md says it does. */
  badMatches?: boolean;
  published?: PublishedJson;
  /** A mechanism the model lacks, named where a published figure is out of reach or the stress cannot be run. */
  missingMechanism?: string;
  /** The stress could not be run (its mechanism is missing): no figures. */
  notRun?: boolean;
  guests: GuestJson[];
}

export interface TableJson {
  host: { id: string; label: string };
  cells: CellJson[];
  summary: { demanded: number; inCategory: number; published: number; publishedHolding: number };
}

/** A further published result checked beside ours ([CG05], [B03], [G06], [F15]). */
export interface CheckJson {
  id: string;
  source: string;
  what: string;
  published: string;
  ours: string;
  /** null: not judged (its mechanism is missing). */
  holds: boolean | null;
}

/**
 * What `npm run scorecard -- --json` prints and GET /api/scorecard serves: the array of tables, one
 * per host. The further checks ([CG05], [B03], [G06], [F15], each a CheckJson) are printed in the
 * text and Markdown output only.
 */
export type ScorecardJson = TableJson[];
