/**
 * How a lab gets its engines: built from a scenario under a mode, or restored from a saved
 * snapshot. Wraps the engine module so the lab sees results, never exceptions.
 */
import type { ModeSpec, Result, Scenario } from '../../shared/commands.js';
import type { ApiError } from '../../shared/protocol.js';
import { createRun } from '../scenario.js';
import type { Engine } from '../sim/api.js';

export interface EngineFactory {
  create(scenario: Scenario, mode?: ModeSpec): Promise<Result<Engine, ApiError>>;
  restore(snapshot: unknown): Promise<Result<Engine, ApiError>>;
}

interface EngineModule {
  restoreEngine(snapshot: unknown): Engine | Result<Engine, { message: string; path?: string }>;
}

const ENGINE_MODULE = ['..', 'sim', 'index.js'].join('/');

/** The engine of server/sim. */
export const simEngines: EngineFactory = {
  async create(scenario, mode) {
    const r = await createRun(scenario, mode ?? scenario.mode);
    if (!r.ok) return { ok: false, error: { code: 'INVALID_INPUT', message: r.error.message, path: r.error.path } };
    return { ok: true, data: r.data.engine };
  },
  async restore(snapshot) {
    try {
      const { restoreEngine } = (await import(ENGINE_MODULE)) as EngineModule;
      const made = restoreEngine(snapshot);
      if ('ok' in made && typeof made.ok === 'boolean') {
        const r = made as Result<Engine, { message: string; path?: string }>;
        return r.ok ? r : { ok: false, error: { code: 'INTERNAL', message: r.error.message } };
      }
      return { ok: true, data: made as Engine };
    } catch (e) {
      return { ok: false, error: { code: 'INTERNAL', message: `cannot restore engine: ${(e as Error).message}` } };
    }
  },
};
