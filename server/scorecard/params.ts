/**
 * The model's parameters as the scorecard reads them: their defaults (for the setup conditions of
 * conditions.ts), a scenario carrying overrides (for --sensitivity), and the value a sweep sets.
 * One place, so the rest of the scorecard does not care where the engine keeps them.
 */
import type { Scenario } from '../../shared/commands.js';
import { DEFAULT_PARAMS, PARAM_NAMES, scaledParam, type ParamName } from '../sim/index.js';

export type Params = Record<string, number>;

/** Every model parameter with its default, in the engine's table order. */
export function defaultParams(): Params {
  return { ...DEFAULT_PARAMS };
}

/** One parameter: its override if `overrides` has one, else its default (throws on an unknown name: a scorecard bug, not an input). */
export function param(name: string, overrides?: Params): number {
  const o = overrides?.[name];
  if (o !== undefined) return o;
  if (!(PARAM_NAMES as string[]).includes(name)) throw new Error(`unknown model parameter ${name}`);
  return DEFAULT_PARAMS[name as ParamName];
}

/** The full parameter record a run with these overrides has. */
export function resolvedParams(overrides?: Params): typeof DEFAULT_PARAMS {
  return { ...DEFAULT_PARAMS, ...overrides } as typeof DEFAULT_PARAMS;
}

/** Whether a scenario may carry `params` overrides (the engine reads them). */
export function paramOverridesSupported(): boolean {
  return true;
}

/** The value a sensitivity sweep sets: the default × factor, back in the parameter's range (whole where it must be). */
export function variedParam(name: string, factor: number): number {
  return scaledParam(name as ParamName, factor);
}

/** The scenario with parameter overrides. */
export function withParams(s: Scenario, overrides: Params): Scenario {
  return { ...s, params: overrides };
}
