/**
 * A scenario's events in the order the engine applies them, and the checks of a scenario's meaning
 * made before anything runs.
 */
import type { Command, ModeSpec, Scenario } from '../../shared/commands.js';
import { applyCommand, capError, firstRefusal } from './commands.js';
import { paramsError } from './params.js';
import { initialState } from './state.js';

/** A command the scenario schedules, and the tick it applies at. */
export interface Scheduled {
  tick: number;
  command: Command;
}

/** The tick a scenario event applies at: `atTick`, else `atS` rounded to the nearest tick. */
export function eventTick(e: { atS?: number; atTick?: number }, tickMs: number): number {
  return e.atTick ?? Math.round(((e.atS ?? 0) * 1000) / tickMs);
}

/** A scenario's events as the engine applies them by itself: by tick, in file order within a tick. */
export function scheduleOf(s: Scenario): Scheduled[] {
  const tickMs = s.tickMs ?? 100;
  const out = (s.events ?? []).map((e, i) => {
    const { atS: _a, atTick: _t, ...command } = e as Command & { atS?: number; atTick?: number };
    return { tick: eventTick(e, tickMs), i, command: command as Command };
  });
  out.sort((a, b) => a.tick - b.tick || a.i - b.i);
  return out.map(({ tick, command }) => ({ tick, command }));
}

type ValidationError = { code: 'INVALID_INPUT' | 'ADMISSION_REFUSED'; message: string; path: string };

/**
 * Checks a (schema-valid) scenario's meaning before anything runs: plans that do not fit the host
 * under the mode (admission), caps above vCPUs, events naming a VPS that does not exist at that
 * moment, events the state would refuse. The error names the JSON path (e.g. `events[3].vps`).
 */
export function validateScenario(
  scenario: Scenario,
  mode?: ModeSpec,
): { ok: true } | { ok: false; error: ValidationError } {
  const pe = paramsError(scenario.params);
  if (pe) return { ok: false, error: { code: 'INVALID_INPUT', message: pe.message, path: pe.path } };
  for (const [i, v] of scenario.vps.entries()) {
    const e = capError(v);
    if (e)
      return {
        ok: false,
        error: {
          code: 'INVALID_INPUT',
          message: `vps[${i}].cpuCapCores: ${e}`,
          path: `vps[${i}].cpuCapCores`,
        },
      };
  }
  const st = initialState(scenario, mode);
  const refused = firstRefusal(st.profile, st.host, st.vps);
  if (refused) {
    const k = refused.index;
    return {
      ok: false,
      error: { code: 'ADMISSION_REFUSED', message: `vps[${k}]: ${refused.message}`, path: `vps[${k}]` },
    };
  }
  const tickMs = scenario.tickMs ?? 100;
  const order = (scenario.events ?? []).map((e, i) => ({ e, i, tick: eventTick(e, tickMs) }));
  order.sort((a, b) => a.tick - b.tick || a.i - b.i);
  for (const { e, i, tick } of order) {
    st.tick = tick;
    const { atS: _a, atTick: _t, ...command } = e as Command & { atS?: number; atTick?: number };
    const r = applyCommand(st, command as Command);
    if (!r.ok) {
      const sub = r.error.path ?? '';
      const path = `events[${i}]${sub ? `.${sub}` : ''}`;
      const code = r.error.code === 'ADMISSION_REFUSED' ? 'ADMISSION_REFUSED' : 'INVALID_INPUT';
      return { ok: false, error: { code, message: `${path}: ${r.error.message}`, path } };
    }
  }
  return { ok: true };
}
