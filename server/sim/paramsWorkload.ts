/**
 * Model parameters of the workload profiles, and the thresholds that name a VPS's state, its health
 * and its attribution edges (§7). Part of the parameter table (server/sim/params.ts).
 */
import { param as p, type ParamSpec } from './paramSpec.js';

/** Workload profiles, state, health and attribution. */
export const WORKLOAD_PARAMS = {
  // --- Workload profiles -------------------------------------------------------------------------
  burstProbability: p(0.02, 0, 1, 'per tick', 'chance a bursty VPS starts a burst', 'knob'),
  burstTicks: p(20, 1, 100_000, 'ticks', 'burst length', 'knob', true),
  burstFactor: p(2.5, 1, 100, '×', 'load multiplier during a burst', 'knob'),
  diurnalPeriodS: p(600, 1, 1e6, 's', 'period of the diurnal profile', 'knob'),
  diurnalAmplitude: p(0.5, 0, 1, 'share', 'amplitude of the diurnal profile', 'knob'),
  walkSigma: p(0.05, 0, 10, 'per tick', 'random-walk step', 'knob'),
  walkReversion: p(0.02, 0, 1, 'per tick', 'random-walk pull back towards 1', 'knob'),
  walkMin: p(0.2, 0, 100, '×', 'random-walk floor', 'knob'),
  walkMax: p(2, 0, 100, '×', 'random-walk ceiling', 'knob'),

  // --- State, health, attribution (§7) -----------------------------------------------------------
  degradedAbove: p(0.05, 0, 1, 'share', 'degradation above which a VPS is "degraded"', 'knob (presentation)'),
  degradedErrorRate: p(
    0.01,
    0,
    1,
    'share',
    'error rate above which a VPS is "degraded"',
    'knob (presentation)',
  ),
  degradedP99Ratio: p(
    2,
    1,
    1000,
    '× isolated',
    'p99 against isolated above which a VPS is "degraded"',
    'knob (presentation)',
  ),
  healthP99Span: p(
    9,
    0.1,
    1000,
    '× isolated',
    'p99 ratio − 1 at which health loses its latency half',
    'knob (presentation)',
  ),
  attributionMinShare: p(
    0.05,
    0,
    1,
    'share',
    'attribution edges below this share are not reported',
    'presentation',
  ),
  attributionTop: p(3, 1, 100, 'edges', 'culprits reported per victim and resource', 'presentation', true),
} as const satisfies Record<string, ParamSpec>;
