/**
 * Units of the exported metrics. A name ending in its unit (`latencyP99Ms`, `memUsedGiB`,
 * `diskServedIops`, `netServedMbps`, `throughputRps`, `cpuIdleCores`) needs nothing more; the
 * others are listed here. Fractions are 0–1 in every export (the dashboard shows them as %).
 */
import { HOST_METRICS, VPS_METRICS } from '../../shared/model.js';

/** How CSV headers carry units: `header` (default) `cpuSteal[0-1]`, `row` a second line of units, `none` bare names. */
export const UNITS_MODES = ['header', 'row', 'none'] as const;
export type UnitsMode = (typeof UNITS_MODES)[number];

const SUFFIXES: readonly (readonly [string, string])[] = [
  ['Ms', 'ms'],
  ['GiB', 'GiB'],
  ['Iops', 'IOPS'],
  ['Mbps', 'Mbit/s'],
  ['Rps', 'req/s'],
  ['Cores', 'cores'],
];

const NAMED: Readonly<Record<string, string>> = {
  t: 's',
  cpuDemand: 'cores',
  cpuGranted: 'cores',
  cpuUseful: 'cores',
  cpuSteal: '0-1',
  cpuThrottled: '0-1',
  errorRate: '0-1',
  goodFraction: '0-1',
  degradation: '0-1',
  health: '0-100',
  backlog: 'requests',
  cpuUtil: '0-1',
  diskUtil: '0-1',
  netUtil: '0-1',
  dom0CpuUtil: '0-1',
  hostOsCpuUtil: '0-1',
  fairness: '0-1',
  running: 'VPSs',
};

/** The unit of a metric (or of `t`), and whether its name already says it. Undefined: no unit known. */
export function metricUnit(name: string): { unit: string; inName: boolean } | undefined {
  if (NAMED[name] !== undefined) return { unit: NAMED[name], inName: false };
  for (const [suffix, unit] of SUFFIXES) if (name.endsWith(suffix)) return { unit, inName: true };
  return undefined;
}

/** Metrics of the vocabulary that have no known unit (a test keeps this empty). */
export function metricsWithoutUnit(): string[] {
  return [...VPS_METRICS, ...HOST_METRICS].filter((m) => metricUnit(m) === undefined);
}

/** A CSV header cell for `column` (host columns are `host.<metric>`), with its unit per `mode`. */
export function headerCell(column: string, mode: UnitsMode): string {
  if (mode !== 'header') return column;
  const u = metricUnit(column.startsWith('host.') ? column.slice(5) : column);
  return u && !u.inName ? `${column}[${u.unit}]` : column;
}

/** The unit text of a column for the `row` form (empty when it has none). */
export function unitCell(column: string): string {
  return metricUnit(column.startsWith('host.') ? column.slice(5) : column)?.unit ?? '';
}
