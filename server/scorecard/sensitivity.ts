/**
 * `--sensitivity`: every model parameter ×0.5 and ×2, one at a time, through a scenario's `params`
 * override; lists the cells whose category (or verdict) flips. A parameter that decides a cell
 * needs a written reason (DECIDING_PARAMS); a flip without one is reported as unexplained.
 */
import { CATEGORY_LABEL, type Category } from '../../shared/scorecard.js';
import { runScorecard } from './experiment.js';
import type { Timing } from './measure.js';
import { defaultParams, paramOverridesSupported, variedParam, type Params } from './params.js';
import { DEMANDED_ROWS, timingFor } from './robustness.js';
import type { ExperimentHost } from './setup.js';
import { DECIDING_PARAMS } from './deciding.js';

export const FACTORS = [0.5, 2] as const;

export interface Flip {
  param: string;
  factor: number;
  value: number;
  host: string;
  column: string;
  stress: string;
  from: Category;
  to: Category;
  /** In category before, and after. */
  matchedBefore: boolean;
  matchedAfter: boolean;
  /** Why this parameter decides this cell, where the scorecard explains it. */
  why?: string;
}

export interface SensitivityReport {
  supported: boolean;
  params: string[];
  hosts: string[];
  flips: Flip[];
  /** Flips that change a verdict and carry no written reason. */
  unexplained: number;
  /** Varied values the engine refused (outside the parameter's range), with its message. */
  refused: { param: string; factor: number; value: number; message: string }[];
}

/** The value a parameter is varied to: its default × factor, back in its range (whole where it must be). */
export function variedValue(name: string, factor: number): number {
  return variedParam(name, factor);
}

/** Runs the sensitivity sweep over `hosts` (the paper's and the modern host by default). */
export function runSensitivity(
  hosts: ExperimentHost[],
  opts: { params?: string[]; timing?: Timing; onParam?: (name: string) => void } = {},
): SensitivityReport {
  const defaults = defaultParams();
  const names = opts.params ?? Object.keys(defaults);
  for (const n of names) if (!(n in defaults)) throw new Error(`--params: unknown parameter "${n}"`);
  const hostIds = hosts.map((h) => h.id);
  if (!paramOverridesSupported())
    return { supported: false, params: names, hosts: hostIds, flips: [], unexplained: 0, refused: [] };
  const tables = (overrides: Params) =>
    hosts.map((h) =>
      runScorecard(h, {
        timing: opts.timing ?? timingFor(h),
        rows: DEMANDED_ROWS,
        magnitudes: false,
        params: overrides,
      }),
    );
  const base = tables({});
  const flips: Flip[] = [];
  const refused: SensitivityReport['refused'] = [];
  for (const name of names) {
    for (const factor of FACTORS) {
      const value = variedValue(name, factor);
      if (value === defaults[name]) continue;
      let varied;
      try {
        varied = tables({ [name]: value });
      } catch (err) {
        refused.push({ param: name, factor, value, message: (err as Error).message });
        continue;
      }
      varied.forEach((t, k) => {
        for (const c of t.cells) {
          const b = base[k].cells.find((x) => x.column === c.column && x.stress === c.stress);
          if (!b || !c.expected) continue;
          if (b.good.category === c.good.category && b.matches === c.matches) continue;
          const why = DECIDING_PARAMS[name]?.[`${c.column}/${c.stress}`] ?? DECIDING_PARAMS[name]?.['*'];
          flips.push({
            param: name,
            factor,
            value,
            host: t.host.id,
            column: c.column,
            stress: c.stress,
            from: b.good.category,
            to: c.good.category,
            matchedBefore: !!b.matches,
            matchedAfter: !!c.matches,
            why,
          });
        }
      });
    }
    opts.onParam?.(name);
  }
  const unexplained = flips.filter((f) => f.matchedBefore !== f.matchedAfter && !f.why).length;
  return { supported: true, params: names, hosts: hostIds, flips, unexplained, refused };
}

/** The report as text. */
export function formatSensitivity(r: SensitivityReport): string {
  const lines: string[] = [];
  lines.push(`Sensitivity: ${r.params.length} model parameters, each ×0.5 and ×2, on ${r.hosts.join(', ')}`);
  if (!r.supported) {
    lines.push(
      'not run: the engine does not read a scenario\'s "params" overrides yet (mechanism missing), so no parameter can be varied',
    );
    return lines.join('\n');
  }
  if (r.refused.length)
    lines.push(
      `not varied (the engine refused the value): ${r.refused.map((x) => `${x.param} ×${x.factor}`).join(', ')}`,
    );
  if (!r.flips.length) {
    lines.push('no cell changes category under any single parameter ×0.5 or ×2');
    return lines.join('\n');
  }
  const byParam = new Map<string, Flip[]>();
  for (const f of r.flips) byParam.set(f.param, [...(byParam.get(f.param) ?? []), f]);
  for (const [name, fs] of byParam) {
    lines.push('');
    lines.push(`${name}:`);
    for (const f of fs) {
      const verdict =
        f.matchedBefore === f.matchedAfter
          ? 'verdict unchanged'
          : f.matchedAfter
            ? 'now in category'
            : 'now OUT of category';
      lines.push(
        `  ×${f.factor} (${f.value}) ${f.host} ${f.column} ${f.stress}: ${CATEGORY_LABEL[f.from]} → ${CATEGORY_LABEL[f.to]} (${verdict})`,
      );
    }
    const why = fs.find((f) => f.why)?.why;
    const verdicts = fs.some((f) => f.matchedBefore !== f.matchedAfter);
    lines.push(`  why it decides: ${why ?? (verdicts ? 'UNEXPLAINED' : 'not written (no verdict changes)')}`);
  }
  lines.push('');
  lines.push(`${r.flips.length} flip(s); ${r.unexplained} verdict change(s) without a written reason`);
  return lines.join('\n');
}
