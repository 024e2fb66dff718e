/**
 * How a lab gets its engines: built from a scenario under a mode, or restored from a saved
 * snapshot. Wraps the engine module so the lab sees results, never exceptions.
 */
import type { ModeSpec, Result, Scenario } from '../../shared/commands.js';
import type { ApiError } from '../../shared/protocol.js';
import { createRun } from '../scenario.js';
import type { Engine } from '../sim/api.js';
import { restoreEngine, validateScenario } from '../sim/index.js';

export interface EngineFactory {
  create(scenario: Scenario, mode?: ModeSpec): Promise<Result<Engine, ApiError>>;
  restore(snapshot: unknown): Promise<Result<Engine, ApiError>>;
}

/** The engine of server/sim, built the way the headless runner builds it (same default seed). */
export const simEngines: EngineFactory = {
  async create(scenario, mode) {
    const admitted = validateScenario(scenario, mode);
    if (!admitted.ok) {
      const where = mode === undefined ? '' : ` under ${typeof mode === 'string' ? mode : mode.base}`;
      return { ok: false, error: { ...admitted.error, message: `${admitted.error.message}${where}` } };
    }
    const r = await createRun(scenario, mode ?? scenario.mode);
    if (!r.ok)
      return { ok: false, error: { code: 'INVALID_INPUT', message: r.error.message, path: r.error.path } };
    return { ok: true, data: r.data.engine };
  },
  async restore(snapshot) {
    try {
      return { ok: true, data: restoreEngine(snapshot) };
    } catch (e) {
      return {
        ok: false,
        error: { code: 'INTERNAL', message: `cannot restore engine: ${(e as Error).message}` },
      };
    }
  },
};
