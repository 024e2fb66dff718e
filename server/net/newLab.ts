/** The body of `POST /api/labs`, read once at the edge into what the registry creates. */
import { parseInput, parseScenario, type Result } from '../../shared/commands.js';
import { CreateLabSchema } from '../../shared/inbound.js';
import type { ApiError } from '../../shared/protocol.js';
import { vpsOverLimit, type NewLab } from '../lab/starting.js';
import { sameModeRefusal } from '../sim/compareModes.js';

/**
 * The request's fields, then a posted scenario's VPS count (before the rest of it is read: a huge
 * one is refused at once), then its shape. Its meaning is checked when its engines are built.
 */
export function readNewLab(body: unknown, maxVps: number): Result<NewLab, ApiError> {
  const req = parseInput(CreateLabSchema, body ?? {});
  if (!req.ok) return req;
  const same = req.data.compare && sameModeRefusal(req.data.compare);
  if (same)
    return { ok: false, error: { code: 'INVALID_INPUT', message: `compare: ${same}`, path: 'compare' } };
  const { scenario: raw, ...rest } = req.data;
  if (raw === undefined) return { ok: true, data: rest };
  const over = vpsOverLimit(...countVps(raw), maxVps);
  if (over) return over;
  const scenario = parseScenario(raw);
  if (!scenario.ok) {
    const { path: inner, message } = scenario.error;
    const path = inner === '(root)' ? 'scenario' : `scenario${inner.startsWith('[') ? '' : '.'}${inner}`;
    // The message names the field as its path does (`scenario: …`, never `scenario.(root): …`).
    const said = message.startsWith(`${inner}: `) ? message.slice(inner.length + 2) : message;
    return { ok: false, error: { code: 'INVALID_INPUT', message: `${path}: ${said}`, path } };
  }
  return { ok: true, data: { ...rest, scenario: scenario.data } };
}

/** VPSs a scenario starts with, and those its events add, counted without reading the rest. */
function countVps(input: unknown): [start: number, added: number] {
  if (typeof input !== 'object' || input === null) return [0, 0];
  const { vps, events } = input as { vps?: unknown; events?: unknown };
  const added = Array.isArray(events)
    ? events.filter((e) => typeof e === 'object' && e !== null && (e as { type?: unknown }).type === 'addVps')
        .length
    : 0;
  return [Array.isArray(vps) ? vps.length : 0, added];
}
