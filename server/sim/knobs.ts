/**
 * The model's default parameters under their historical name. The table itself, with ranges,
 * units and sources, is `params.ts`; an engine reads its own resolved record (`SimState.params`),
 * so a scenario's `params` override never leaks into another engine.
 */
import { DEFAULT_PARAMS, type Params } from './params.js';

/** The default parameters (frozen). */
export const KNOBS: Params = DEFAULT_PARAMS;

export type Knobs = Params;
