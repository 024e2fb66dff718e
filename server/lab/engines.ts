/**
 * How a lab gets its engines: built from a scenario under a mode, or restored from a saved
 * snapshot. Wraps the engine module so the lab sees results, never exceptions.
 */
import type { ModeSpec, Result, Scenario } from '../../shared/commands.js';
import type { ApiError } from '../../shared/protocol.js';
import { createRun } from '../scenario.js';
import type { Engine } from '../sim/api.js';
import { restoreEngine } from '../sim/index.js';

export interface EngineFactory {
  create(scenario: Scenario, mode?: ModeSpec): Promise<Result<Engine, ApiError>>;
  restore(snapshot: unknown): Promise<Result<Engine, ApiError>>;
}

/**
 * The engine of server/sim, built the way the headless runner builds it (same default seed); the
 * scenario's meaning under the mode (admission, its events) is checked there, once.
 */
export const simEngines: EngineFactory = {
  async create(scenario, mode) {
    const r = await createRun(scenario, mode ?? scenario.mode);
    if (!r.ok) {
      const where = mode === undefined ? '' : ` under ${typeof mode === 'string' ? mode : mode.base}`;
      const code = r.error.code === 'ADMISSION_REFUSED' ? r.error.code : 'INVALID_INPUT';
      return { ok: false, error: { code, message: `${r.error.message}${where}`, path: r.error.path } };
    }
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
