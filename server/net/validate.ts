/** Schemas for inbound messages that are not simulation commands (those live in shared/commands). */
import { z } from 'zod';
import { formatPath } from '../../shared/commands.js';
import { VPS_METRICS } from '../../shared/model.js';
import type { ApiError } from '../../shared/protocol.js';
import { MAX_SPEED, MAX_STEP, MIN_SPEED } from '../lab/lab.js';

export const LabRefSchema = z.strictObject({ lab: z.string().min(1).max(64) });

export const JoinSchema = z.strictObject({
  lab: z.string().min(1).max(64),
  historyS: z.number().min(0).max(86_400).optional(),
  historyForm: z.enum(['frames', 'columns']).optional(),
  metrics: z
    .array(z.enum(VPS_METRICS))
    .max(VPS_METRICS.length * 2)
    .optional(),
});

export const ClockActionSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('pause') }),
  z.strictObject({ action: z.literal('resume') }),
  z.strictObject({ action: z.literal('step'), ticks: z.number().int().min(1).max(MAX_STEP).optional() }),
  z.strictObject({ action: z.literal('speed'), speed: z.number().min(MIN_SPEED).max(MAX_SPEED) }),
]);
export type ClockAction = z.infer<typeof ClockActionSchema>;

/** Parse with a schema; the error names the first bad field's path. */
export function check<T>(
  schema: z.ZodType<T>,
  input: unknown,
): { ok: true; data: T } | { ok: false; error: ApiError } {
  const r = schema.safeParse(input);
  if (r.success) return { ok: true, data: r.data };
  const issue = r.error.issues[0];
  const path = formatPath(issue.path);
  const keys = 'keys' in issue && Array.isArray(issue.keys) ? ` (${issue.keys.join(', ')})` : '';
  return { ok: false, error: { code: 'INVALID_INPUT', message: `${path}: ${issue.message}${keys}`, path } };
}

/** Split `{ lab, ...rest }` (a socket message) into the lab id and the rest. */
export function splitLab(
  msg: unknown,
): { ok: true; lab: string; rest: Record<string, unknown> } | { ok: false; error: ApiError } {
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg))
    return {
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'expected an object with "lab"', path: '(root)' },
    };
  const { lab, ...rest } = msg as Record<string, unknown>;
  if (typeof lab !== 'string' || lab.length === 0 || lab.length > 64)
    return { ok: false, error: { code: 'INVALID_INPUT', message: 'lab: expected a lab id', path: 'lab' } };
  return { ok: true, lab, rest };
}
