/** What a new lab starts from: a posted scenario or a bundled preset within the VPS limit, or a running lab (a fork). */
import type { ModeSpec, Result, Scenario } from '../../shared/commands.js';
import { modeLabel } from '../../shared/events.js';
import type { Engine } from '../sim/api.js';
import type { EngineFactory } from './engines.js';
import type { CreateLabRequest } from '../../shared/inbound.js';
import { fail, type ApiError } from '../../shared/protocol.js';
import { loadPreset } from '../scenario.js';

/** A lab to create, as checked at the edge: a posted scenario has its shape checked (its meaning is checked when its engines are built). */
export type NewLab = Omit<CreateLabRequest, 'scenario'> & { scenario?: Scenario };

/** A refusal when a scenario names more VPSs (at start, plus added by its events) than a lab holds. */
export function vpsOverLimit(
  start: number,
  added: number,
  maxVps: number,
): { ok: false; error: ApiError } | null {
  if (start + added <= maxVps) return null;
  return fail(
    'LIMIT_EXCEEDED',
    `a lab holds at most ${maxVps} VPSs (this one has ${start}${added ? ` and adds ${added}` : ''})`,
    'scenario.vps',
  );
}

/**
 * The scenario a new lab runs (the posted one, else the preset, `demo` by default) and the base of
 * its id. A preset is held to the VPS limit here; a posted scenario was at the edge.
 */
export async function startingScenario(
  req: NewLab,
  maxVps: number,
): Promise<Result<{ scenario: Scenario; base: string }, ApiError>> {
  if (req.scenario !== undefined)
    return { ok: true, data: { scenario: req.scenario, base: slug(req.scenario.name) } };
  const name = req.preset ?? 'demo';
  const r = await loadPreset(name);
  if (!r.ok)
    return fail(
      'INVALID_INPUT',
      r.error.code === 'NOT_FOUND' ? `unknown preset "${name}"` : r.error.message,
      'preset',
    );
  const added = (r.data.events ?? []).filter((e) => e.type === 'addVps').length;
  return (
    vpsOverLimit(r.data.vps.length, added, maxVps) ?? { ok: true, data: { scenario: r.data, base: name } }
  );
}

/**
 * The two engines of a compare lab forked from a running one: each restored from its saved state,
 * then switched to its mode; a mode that cannot admit the current VPSs is refused with the reason.
 */
export async function forkEngines(
  factory: EngineFactory,
  saved: unknown,
  compare: [ModeSpec, ModeSpec],
): Promise<Result<Engine[], ApiError>> {
  const engines: Engine[] = [];
  for (let i = 0; i < 2; i++) {
    const r = await factory.restore(saved);
    if (!r.ok) return fail(r.error.code, r.error.message);
    const set = r.data.apply({ type: 'setMode', mode: compare[i] });
    if (!set.ok)
      return fail(set.error.code, `${modeLabel(compare[i])}: ${set.error.message}`, `compare.${i}`);
    engines.push(r.data);
  }
  return { ok: true, data: engines };
}

/**
 * One engine per mode (one for a single lab) started from `scenario`; a scenario the engine refuses
 * names the field under `scenario`.
 */
export async function scenarioEngines(
  factory: EngineFactory,
  scenario: Scenario,
  compare: [ModeSpec, ModeSpec] | undefined,
): Promise<Result<Engine[], ApiError>> {
  const engines: Engine[] = [];
  for (const mode of compare ?? [undefined]) {
    const r = await factory.create(scenario, mode);
    if (!r.ok)
      return !r.error.path || r.error.path === '(root)'
        ? fail(r.error.code, `scenario: ${r.error.message}`, 'scenario')
        : fail(r.error.code, `scenario.${r.error.message}`, `scenario.${r.error.path}`);
    engines.push(r.data);
  }
  return { ok: true, data: engines };
}

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 32) || 'lab'
  );
}
