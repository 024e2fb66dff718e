/**
 * The model's parameters as the scorecard reads them: their defaults (for the setup conditions of
 * conditions.ts) and a scenario carrying overrides (for --sensitivity). One place, so the rest of
 * the scorecard does not care where the engine keeps them.
 */
import { ScenarioSchema, type Scenario } from '../../shared/commands.js';
import { KNOBS } from '../sim/index.js';

export type Params = Record<string, number>;

/** Every numeric model parameter with its default. */
export function defaultParams(): Params {
  const out: Params = {};
  for (const [k, v] of Object.entries(KNOBS)) if (typeof v === 'number') out[k] = v;
  return out;
}

/** One parameter: its override if `overrides` has one, else its default (throws on an unknown name: a scorecard bug, not an input). */
export function param(name: string, overrides?: Params): number {
  const o = overrides?.[name];
  if (o !== undefined) return o;
  const v = defaultParams()[name];
  if (v === undefined) throw new Error(`unknown model parameter ${name}`);
  return v;
}

/** Whether a scenario may carry `params` overrides (the engine reads them). */
export function paramOverridesSupported(): boolean {
  return 'params' in ScenarioSchema.shape;
}

/** The scenario with parameter overrides. */
export function withParams(s: Scenario, overrides: Params): Scenario {
  return { ...s, params: overrides } as Scenario;
}
