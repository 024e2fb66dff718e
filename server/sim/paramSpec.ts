/** One entry of the model's parameter table (server/sim/params.ts) and how the table's groups write it. */

/** One parameter: default, admissible range, unit, meaning and source. */
export interface ParamSpec {
  readonly value: number;
  readonly min: number;
  readonly max: number;
  /** Whole numbers only. */
  readonly integer?: boolean;
  readonly unit: string;
  readonly doc: string;
  /** Where the default comes from: a model-spec section or paper, or `knob` (an uncalibrated guess). */
  readonly source: string;
}

/** A parameter entry: default, range, unit, meaning, source, and whether only whole numbers are admitted. */
export const param = (
  value: number,
  min: number,
  max: number,
  unit: string,
  doc: string,
  source: string,
  integer = false,
): ParamSpec =>
  integer ? { value, min, max, unit, doc, source, integer } : { value, min, max, unit, doc, source };
