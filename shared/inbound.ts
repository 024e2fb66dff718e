/**
 * Every message a client sends, as zod schemas (socket `join`/`leave`/`command`/`clock`, the REST
 * bodies), with the types both ends use inferred from them. The server parses each once, at its
 * edge (server/net), and hands the typed result inward.
 */
import { z } from 'zod';
import { CommandSchema, ModeSpecSchema, parseInput, type Command, type Result } from './commands.js';
import { VPS_METRICS } from './model.js';

/** Slowest and fastest pace of a lab, × real time. */
export const MIN_SPEED = 0.25;
export const MAX_SPEED = 50;
/** Most ticks one "step" clock action may run. */
export const MAX_STEP = 600;
/** Most commands one REST batch may carry. */
export const MAX_BATCH = 100;

/** A lab id a client may choose: letters, digits, "-" or "_", at most 40. */
export const LAB_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;

/** A lab named in a message (any id the server might run, checked against what runs afterwards). */
const labRef = z.string().min(1).max(64);

/**
 * A request id a client may give a command or clock action (socket `requestId`, REST header
 * `Idempotency-Key`): sent again with the same id, it is answered as the first was and never
 * applied twice. Letters, digits and `_ . : -`, at most 64 (a UUID fits).
 */
export const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
export const RequestIdSchema = z
  .string()
  .regex(
    REQUEST_ID,
    'letters, digits, "_", ".", ":" or "-", starting with a letter or digit, at most 64 (a UUID fits)',
  );

export const LabRefSchema = z.strictObject({ lab: labRef });
export type LabRef = z.infer<typeof LabRefSchema>;

/** `join`: the lab, and optionally how much history the snapshot carries and in which form. */
export const JoinSchema = z.strictObject({
  lab: labRef,
  /** Seconds of simulated time the snapshot's history covers (default: its 600 entries). */
  historyS: z.number().min(0).max(86_400).optional(),
  /** Accepted for older pages: the history always comes as `historyColumns`; no other form exists. */
  historyForm: z.literal('columns').optional(),
  /** The VPS metrics the history's columns carry (default: all). */
  metrics: z
    .array(z.enum(VPS_METRICS))
    .max(VPS_METRICS.length * 2)
    .optional(),
});
export type JoinMessage = z.infer<typeof JoinSchema>;

/** The four clock actions, each with the fields `extra` adds (the lab, on the socket). */
function clockActions<T extends z.ZodRawShape>(extra: T) {
  return z.discriminatedUnion('action', [
    z.strictObject({ ...extra, action: z.literal('pause') }),
    z.strictObject({ ...extra, action: z.literal('resume') }),
    z.strictObject({
      ...extra,
      action: z.literal('step'),
      ticks: z.number().int().min(1).max(MAX_STEP).optional(),
    }),
    z.strictObject({ ...extra, action: z.literal('speed'), speed: z.number().min(MIN_SPEED).max(MAX_SPEED) }),
  ]);
}

/** Lab-level controls that are not simulation commands (they never change the numbers): the REST body. */
export const ClockActionSchema = clockActions({});
export type ClockAction = z.infer<typeof ClockActionSchema>;

/** The socket's `clock`: a clock action naming its lab, and optionally its request id. */
export const ClockCommandSchema = clockActions({ lab: labRef, requestId: RequestIdSchema.optional() });
export type ClockCommand = z.infer<typeof ClockCommandSchema>;

/** The socket's `command`: a simulation command naming its lab, and optionally its request id. */
export type LabCommand = Command & { lab: string; requestId?: string };

/** REST `POST /api/labs/:id/reset`: no body, or an empty object (it takes no options). */
export const ResetSchema = z.strictObject({});

/** REST `DELETE /api/labs/:id`: no body, or an empty object (it takes no options either). */
export const DeleteSchema = z.strictObject({});

/** REST `POST /api/labs/:id/commands` with an array: applied all together, or not at all. */
export const CommandBatchSchema = z.array(CommandSchema).min(1).max(MAX_BATCH);

/**
 * REST `POST /api/labs`: neither preset nor scenario starts the `demo` preset; a fork (`from`)
 * takes `compare` and no preset or scenario. Whether the two modes of `compare` differ is checked
 * with the profiles they resolve to, by the server (server/sim/compareModes.ts).
 */
export const CreateLabSchema = z
  .strictObject({
    id: z.string().regex(LAB_ID, 'letters, digits, "-" or "_", at most 40').optional(),
    preset: z.string().min(1).max(64).optional(),
    /** A scenario file's content: its shape is checked after its VPS count (ScenarioSchema). */
    scenario: z.unknown().optional(),
    compare: z.tuple([ModeSpecSchema, ModeSpecSchema]).optional(),
    /** With `compare`: fork this running lab at its current tick instead of starting from a scenario. */
    from: z.string().regex(LAB_ID, 'a lab id').optional(),
  })
  .superRefine((r, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (r.preset !== undefined && r.scenario !== undefined)
      issue('scenario', 'give either "preset" or "scenario", not both');
    else if (r.from !== undefined && (r.preset !== undefined || r.scenario !== undefined))
      issue('from', 'a fork starts from the running lab: give no "preset" or "scenario"');
    else if (r.from !== undefined && !r.compare)
      issue('compare', 'a fork compares two modes: give "compare"');
  });
export type CreateLabRequest = z.infer<typeof CreateLabSchema>;

/** Split a socket `command` into its lab, its request id and the command, all checked. */
export function parseLabCommand(
  input: unknown,
): Result<{ lab: string; requestId?: string; command: Command }> {
  const ref = parseInput(LabRefSchema.extend({ requestId: RequestIdSchema.optional() }).loose(), input);
  if (!ref.ok) return ref;
  const { lab, requestId, ...rest } = ref.data;
  const command = parseInput(CommandSchema, rest);
  return command.ok ? { ok: true, data: { lab, requestId, command: command.data } } : command;
}

/** A REST commands body: one command, or a batch whose errors name `commands[i].field`. */
export function parseCommandBody(input: unknown): Result<{ commands: Command[]; batch: boolean }> {
  if (!Array.isArray(input)) {
    const one = parseInput(CommandSchema, input);
    return one.ok ? { ok: true, data: { commands: [one.data], batch: false } } : one;
  }
  if (input.length === 0 || input.length > MAX_BATCH)
    return {
      ok: false,
      error: { code: 'INVALID_INPUT', message: `send 1 to ${MAX_BATCH} commands`, path: '(root)' },
    };
  const all = parseInput(CommandBatchSchema, input, 'commands');
  return all.ok ? { ok: true, data: { commands: all.data, batch: true } } : all;
}

/** Longest window `GET /history` looks back, seconds (a week, as for scenario events). */
const MAX_WINDOW_S = 7 * 86_400;

/**
 * A number as written in a URL, however many digits: one past any bound is refused by that bound
 * ("Too big: … <=2000"), not as though it were not a number.
 */
const urlNumber = (s: string): number => Math.min(Number(s), Number.MAX_VALUE);

/** A query parameter holding a whole number (a tick), as written in a URL. */
const tickParam = z
  .string()
  .regex(/^\d+$/, 'expected a tick: a whole number from 0')
  .transform(urlNumber)
  .pipe(z.number().int());
/** `side=0|1`: which mode of a compare lab. */
const sideParam = z.enum(['0', '1']).transform(Number).optional();

/** `GET /api/labs/:id/metrics.csv?from=&to=`: a range of ticks. */
export const CsvQuerySchema = z
  .strictObject({ from: tickParam.optional(), to: tickParam.optional() })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    message: '"to" is before "from"',
    path: ['to'],
  });

/** `GET /api/labs/:id/history`: the window (or a range of ticks), how many points, which metrics, which side. */
export const HistoryQuerySchema = z
  .strictObject({
    windowS: z
      .string()
      .regex(/^\d+(\.\d+)?$/, 'expected seconds: a number above 0, in digits (300 or 2.5, not 3e2)')
      .transform(urlNumber)
      .pipe(z.number().positive('expected seconds: a number above 0').max(MAX_WINDOW_S))
      .optional(),
    from: tickParam.optional(),
    to: tickParam.optional(),
    points: z
      .string()
      .regex(/^\d+$/, 'expected a whole number of points')
      .transform(urlNumber)
      .pipe(z.number().int().min(1).max(2000))
      .optional(),
    /** Comma-separated metric names (checked against the model's names by the route). */
    metrics: z.string().max(4000).optional(),
    side: sideParam,
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    message: '"to" is before "from"',
    path: ['to'],
  });
export type HistoryQuery = z.infer<typeof HistoryQuerySchema>;

/** The query of a request that changes something (POST, DELETE): none. */
export const NoQuerySchema = z.strictObject({});

/** `GET /api/labs/:id/scenario?side=1&download`. */
export const ScenarioQuerySchema = z.strictObject({
  side: sideParam,
  /** A flag: present (`?download`, or `=1`, `=true`) or absent; any other value is not read as either. */
  download: z
    .enum(['', '1', 'true'], { message: 'a flag: give it without a value (?download), or as download=1' })
    .optional(),
});
