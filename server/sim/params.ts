/**
 * Every parameter of the contention model as data: one typed record with, per entry, its default,
 * its admissible range, its unit and where the figure comes from (a source, or `knob` for an
 * uncalibrated guess). A scenario may override any of them with a top-level `params` object; the
 * engine keeps the resolved record in its state, so two engines never share a parameter.
 */
import type { ParamSpec } from './paramSpec.js';
import { SERVICE_PARAMS } from './paramsService.js';
import { PLATFORM_PARAMS } from './paramsPlatform.js';
import { WORKLOAD_PARAMS } from './paramsWorkload.js';

export type { ParamSpec } from './paramSpec.js';

/** The parameter table. Ranges are what the model stays meaningful over, not what is plausible. */
export const PARAM_SPECS = {
  ...SERVICE_PARAMS,
  ...PLATFORM_PARAMS,
  ...WORKLOAD_PARAMS,
} as const satisfies Record<string, ParamSpec>;

export type ParamName = keyof typeof PARAM_SPECS;
/** A resolved parameter record: one number per name. */
export type Params = { readonly [K in ParamName]: number };

/** Every parameter name, in table order (what a sensitivity sweep iterates). */
export const PARAM_NAMES = Object.keys(PARAM_SPECS) as ParamName[];

/** The defaults (frozen). */
export const DEFAULT_PARAMS: Params = Object.freeze(
  Object.fromEntries(PARAM_NAMES.map((k) => [k, PARAM_SPECS[k].value])) as Params,
);

/** Why a `params` override is refused: the JSON path of the offending entry and the reason. */
export interface ParamsError {
  path: string;
  message: string;
}

/**
 * Checks a scenario's `params` override: an object whose keys are parameter names and whose values
 * are finite numbers within each parameter's range. Returns the first error, naming `params.<name>`.
 */
export function paramsError(over: unknown, prefix = 'params'): ParamsError | undefined {
  if (over === undefined) return undefined;
  if (over === null || typeof over !== 'object' || Array.isArray(over))
    return { path: prefix, message: `${prefix}: expected an object of parameter overrides` };
  for (const [k, v] of Object.entries(over)) {
    const path = `${prefix}.${k}`;
    if (!Object.hasOwn(PARAM_SPECS, k)) return { path, message: `${path}: unknown parameter "${k}"` };
    const spec = PARAM_SPECS[k as ParamName] as ParamSpec;
    if (typeof v !== 'number' || !Number.isFinite(v))
      return { path, message: `${path}: expected a finite number` };
    if (v < spec.min || v > spec.max)
      return { path, message: `${path}: ${v} is outside ${spec.min}…${spec.max} ${spec.unit}` };
    if (spec.integer && !Number.isInteger(v)) return { path, message: `${path}: expected a whole number` };
  }
  return undefined;
}

/** The defaults with a (valid) override applied; throws naming the path on an invalid one. */
export function resolveParams(over?: Readonly<Record<string, number>>): Params {
  if (!over) return DEFAULT_PARAMS;
  const e = paramsError(over);
  if (e) throw new Error(e.message);
  return Object.freeze({ ...DEFAULT_PARAMS, ...over }) as Params;
}

/**
 * A value scaled by `factor` and brought back into the parameter's range (whole for integer
 * parameters): what a sensitivity sweep sets for `name` at ×0.5 or ×2.
 */
export function scaledParam(name: ParamName, factor: number): number {
  const spec = PARAM_SPECS[name] as ParamSpec;
  let v = spec.value * factor;
  if (spec.integer) v = Math.round(v);
  return Math.min(spec.max, Math.max(spec.min, v));
}
