/**
 * The one command vocabulary (model spec §10) and the scenario format, as zod schemas.
 * Scenario files, the live server, the REST API and the recorded event log all go through these.
 */
import { z } from 'zod';
import { MAX_DURATION_S } from './durationLimit.js';
import { GUEST_FAULTS, HOST_FAULTS, MODE_IDS, VPS_ROLES, WORKLOAD_PROFILES } from './model.js';

export { MAX_DURATION_S };

const id = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'letters, digits, "-", "_" or "." only');

const fraction = z.number().min(0).max(4);

export const LoadSchema = z.strictObject({
  cpu: fraction.optional(),
  mem: fraction.optional(),
  disk: fraction.optional(),
  net: fraction.optional(),
});
export type Load = z.infer<typeof LoadSchema>;

export const PlanSchema = z.strictObject({
  vcpus: z.number().int().min(1).max(256).optional(),
  ramGiB: z.number().positive().max(4096).optional(),
  diskIops: z.number().positive().max(10_000_000).optional(),
  netMbps: z.number().positive().max(400_000).optional(),
  /** null takes the cap away: the VPS may use its vCPUs, as one created without a cap. */
  cpuCapCores: z.number().positive().max(256).nullable().optional(),
  weight: z.number().int().min(1).max(65_535).optional(),
});
export type PlanPatch = z.infer<typeof PlanSchema>;

export const VpsSpecSchema = z.strictObject({
  id,
  vcpus: z.number().int().min(1).max(256),
  ramGiB: z.number().positive().max(4096),
  diskIops: z.number().positive().max(10_000_000),
  netMbps: z.number().positive().max(400_000),
  cpuCapCores: z.number().positive().max(256).optional(),
  weight: z.number().int().min(1).max(65_535).optional(),
  profile: z.enum(WORKLOAD_PROFILES).optional(),
  load: LoadSchema.optional(),
  /** Cache/memory-bandwidth sensitivity σ (model spec §6); defaults by role. */
  sensitivity: z.number().min(0).max(1).optional(),
  sloMs: z.number().positive().max(600_000).optional(),
  role: z.enum(VPS_ROLES).optional(),
});
export type VpsSpec = z.infer<typeof VpsSpecSchema>;

export const ModeOverridesSchema = z.strictObject({
  base: z.enum(MODE_IDS),
  /** Normative: CPU policy, fixed quota or work-conserving share. */
  cpuPolicy: z.enum(['quota', 'share']).optional(),
  /** Normative: flat per-vCPU fairness or per-domain weights. */
  cpuWeighting: z.enum(['vcpu', 'domain']).optional(),
  /** Share policies: enforce each plan's cpuCapCores (default: para false, as Xen's credit cap 0; container true, cpu.max). */
  cpuCaps: z.boolean().optional(),
  /** Containers: cgroup pids.max, memory.max and io.max set from each plan (default true). */
  containerLimits: z.boolean().optional(),
  /** Containers: traffic shaping on each veth at the plan's netMbps (default false). */
  netShaping: z.boolean().optional(),
  /** Intel CAT/MBA: scales every VPS's cache sensitivity by ~0.3. */
  cachePartitioning: z.boolean().optional(),
  /** para: how far Σ plans may exceed host RAM (default 1.5). */
  memOvercommit: z.number().min(1).max(4).optional(),
  /** para: Dom0's vCPUs (default 1). */
  dom0Vcpus: z.number().int().min(1).max(64).optional(),
  /** Scheduler slice for the wait model, ms. */
  schedSliceMs: z.number().positive().max(1000).optional(),
  /** para: charge Dom0's backend work to the guest that caused it ([G06] SEDF-DC; default false). */
  dom0Charging: z.boolean().optional(),
});
export type ModeOverrides = z.infer<typeof ModeOverridesSchema>;

export const ModeSpecSchema = z.union([z.enum(MODE_IDS), ModeOverridesSchema]);
export type ModeSpec = z.infer<typeof ModeSpecSchema>;

const durationS = z.number().positive().max(86_400);

export const CommandSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('setLoad'), vps: id, load: LoadSchema }),
  z.strictObject({ type: z.literal('setProfile'), vps: id, profile: z.enum(WORKLOAD_PROFILES) }),
  z.strictObject({
    type: z.literal('startFault'),
    vps: id,
    fault: z.enum(GUEST_FAULTS),
    durationS: durationS.optional(),
    /** memory_leak: GiB per second; other faults: intensity multiplier. */
    rate: z.number().positive().max(1000).optional(),
    /** net_flood only: `tx` (default) the guest sends at line rate; `rx` the guest is flooded from outside. */
    direction: z.enum(['tx', 'rx']).optional(),
  }),
  z.strictObject({ type: z.literal('stopFault'), vps: id, fault: z.enum(GUEST_FAULTS) }),
  z.strictObject({
    type: z.literal('hostFault'),
    fault: z.enum(HOST_FAULTS),
    durationS: durationS.optional(),
  }),
  z.strictObject({ type: z.literal('resizeVps'), vps: id, plan: PlanSchema }),
  z.strictObject({ type: z.literal('addVps'), vps: VpsSpecSchema }),
  z.strictObject({ type: z.literal('removeVps'), vps: id }),
  z.strictObject({ type: z.literal('setMode'), mode: ModeSpecSchema }),
]);
export type Command = z.infer<typeof CommandSchema>;
export type CommandType = Command['type'];

export const HostSpecSchema = z.strictObject({
  cores: z.number().int().min(1).max(4096).optional(),
  ramGiB: z.number().positive().max(65_536).optional(),
  diskIops: z.number().positive().max(100_000_000).optional(),
  netMbps: z.number().positive().max(4_000_000).optional(),
  memBwGBs: z.number().positive().max(100_000).optional(),
});
export type HostSpec = z.infer<typeof HostSpecSchema>;

/** Latest time a scenario event may name: a week (the longest scenario), in seconds and in ticks. */
export const MAX_EVENT_S = MAX_DURATION_S;
export const MAX_EVENT_TICK = (MAX_EVENT_S * 1000) / 10;

/** A scenario event: a command stamped with when it applies (seconds, or an exact tick). */
export const ScenarioEventSchema = z
  .intersection(
    // Finite and within a week at the coarsest tick, so every event lands on a safe-integer tick.
    // Strict on both sides: an intersection refuses only the keys neither side knows, so a
    // stripping side here would drop a misspelt field (`duration` for `durationS`) silently.
    z.strictObject({
      atS: z.number().min(0).max(MAX_EVENT_S).optional(),
      atTick: z.number().int().min(0).max(MAX_EVENT_TICK).optional(),
    }),
    CommandSchema,
  )
  .superRefine((e, ctx) => {
    if (e.atS === undefined && e.atTick === undefined)
      ctx.addIssue({ code: 'custom', message: 'an event needs atS or atTick', path: ['atS'] });
    else if (e.atS !== undefined && e.atTick !== undefined)
      ctx.addIssue({ code: 'custom', message: 'give atS or atTick, not both', path: ['atTick'] });
  });
export type ScenarioEvent = Command & { atS?: number; atTick?: number };

/** Most VPSs a scenario may hold (what the live server accepts; a lab's own limit is lower). */
export const MAX_SCENARIO_VPS = 8192;
/** Most VPSs a scenario may hold when the headless runner reads it (`parseScenario(x, { runner: true })`). */
export const MAX_RUNNER_VPS = 100_000;

/** Most events a scenario may hold (what the live server accepts), and when the headless runner reads it. */
export const MAX_SCENARIO_EVENTS = 100_000;
export const MAX_RUNNER_EVENTS = 1_000_000;
/** Most model parameters a scenario may override (the engine knows fewer; it names any it does not). */
export const MAX_SCENARIO_PARAMS = 256;

/** Longest scenario name, and so longest lab name (a lab's scenario carries it). */
export const MAX_NAME = 200;

export const ScenarioSchema = z.strictObject({
  name: z.string().min(1).max(MAX_NAME),
  description: z.string().max(2000).optional(),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .optional(),
  tickMs: z.number().int().min(10).max(10_000).optional(),
  durationS: z.number().positive().max(MAX_DURATION_S).optional(),
  mode: ModeSpecSchema,
  host: HostSpecSchema.optional(),
  vps: z
    .array(VpsSpecSchema)
    .min(1)
    .max(
      MAX_SCENARIO_VPS,
      `at most ${MAX_SCENARIO_VPS} VPSs (the headless runner reads up to ${MAX_RUNNER_VPS})`,
    ),
  events: z
    .array(ScenarioEventSchema)
    .max(
      MAX_SCENARIO_EVENTS,
      `at most ${MAX_SCENARIO_EVENTS} events (the headless runner reads up to ${MAX_RUNNER_EVENTS})`,
    )
    .optional(),
  /**
   * Model parameter overrides by name (server/sim/params.ts lists them with ranges and sources);
   * names and ranges are checked by the engine, naming `params.<name>`.
   */
  params: z
    .record(z.string().max(64), z.number())
    .refine((p) => Object.keys(p).length <= MAX_SCENARIO_PARAMS, `at most ${MAX_SCENARIO_PARAMS} parameters`)
    .optional(),
});
export type Scenario = z.infer<typeof ScenarioSchema>;
const RunnerScenarioSchema = ScenarioSchema.extend({
  vps: z
    .array(VpsSpecSchema)
    .min(1)
    .max(MAX_RUNNER_VPS, `at most ${MAX_RUNNER_VPS} VPSs in a runner scenario`),
  events: z
    .array(ScenarioEventSchema)
    .max(MAX_RUNNER_EVENTS, `at most ${MAX_RUNNER_EVENTS} events in a runner scenario`)
    .optional(),
});

/** A validation failure, naming the JSON path of the first bad field. */
export interface InputError {
  code: 'INVALID_INPUT';
  message: string;
  path: string;
}

export type Result<T, E = InputError> = { ok: true; data: T } | { ok: false; error: E };

/** Characters of a key an error quotes: a key of a megabyte is named by its start. */
const KEY_SHOWN = 64;
/** Unknown fields an error lists by name; it says how many more. */
const KEYS_LISTED = 5;

/** A key as an error names it: whole, or its first {@link KEY_SHOWN} characters and "…". */
export function shownKey(key: PropertyKey): string {
  const s = String(key);
  return s.length > KEY_SHOWN ? `${s.slice(0, KEY_SHOWN)}…` : s;
}

/** `vps[0].load.cpu` style path, as a person would write it (each key at most KEY_SHOWN characters). */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${shownKey(p)}` : shownKey(p);
  }
  return out || '(root)';
}

/** "unknown field", or "unknown fields a, b" naming at most KEYS_LISTED and how many more. */
function unknownFields(keys: readonly string[]): string {
  if (keys.length === 1) return 'unknown field';
  const named = keys.slice(0, KEYS_LISTED).map(shownKey).join(', ');
  const more = keys.length - KEYS_LISTED;
  return `unknown fields ${named}${more > 0 ? ` and ${more} more` : ''}`;
}

/**
 * Parse input with a schema: the data, or an INVALID_INPUT error naming the first bad field's path
 * (under `prefix`, as in `commands[1].load.cpu`).
 */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown, prefix = ''): Result<T> {
  const r = schema.safeParse(input);
  if (r.success) return { ok: true, data: r.data };
  const issue = explain(tightest(r.error.issues));
  const path = formatPath(issue.path);
  const where = !prefix
    ? path
    : path === '(root)'
      ? prefix
      : `${prefix}${path.startsWith('[') ? '' : '.'}${path}`;
  return {
    ok: false,
    error: { code: 'INVALID_INPUT', message: `${where}: ${issue.message}`, path: where },
  };
}

type Issue = z.core.$ZodIssue;

/**
 * The first issue, or, when the value is out of range, the field's own bound: a whole number far
 * too big (1e20 vCPUs) fails both the safe-integer bound every whole number has and the field's
 * (256), and the field's is what to say.
 */
function tightest(issues: readonly Issue[]): Issue {
  const first = issues[0];
  if (first.code !== 'too_big' && first.code !== 'too_small') return first;
  const at = JSON.stringify(first.path);
  let best = first;
  for (const i of issues) {
    if (i.code !== first.code || JSON.stringify(i.path) !== at) continue;
    if (i.code === 'too_big' && best.code === 'too_big' && Number(i.maximum) < Number(best.maximum)) best = i;
    if (i.code === 'too_small' && best.code === 'too_small' && Number(i.minimum) > Number(best.minimum))
      best = i;
  }
  return best;
}

/**
 * The issue as a person needs it: an unknown field is named in the path (`vps[0].ramMiB`), and a
 * value that matches no form of a union (`mode`) gets the reason of the form it came closest to:
 * the one that failed deepest inside the value, else one that did not fail on the value's type.
 */
function explain(issue: Issue): { path: PropertyKey[]; message: string } {
  if (issue.code === 'unrecognized_keys' && issue.keys.length)
    return {
      path: [...issue.path, issue.keys[0]],
      message: unknownFields(issue.keys),
    };
  if (issue.code === 'invalid_union' && issue.errors.length) {
    const firsts = issue.errors.map((branch) => branch[0]).filter((i): i is Issue => i !== undefined);
    const deepest = firsts.reduce<Issue | undefined>(
      (best, i) => (i.path.length > (best?.path.length ?? 0) ? i : best),
      undefined,
    );
    const pick = deepest ?? firsts.find((i) => i.code !== 'invalid_type') ?? firsts[0];
    if (pick) {
      const inner = explain(pick);
      return { path: [...issue.path, ...inner.path], message: inner.message };
    }
  }
  return { path: issue.path, message: issue.message };
}

export function parseCommand(input: unknown): Result<Command> {
  return parseInput(CommandSchema, input);
}

/**
 * Checks a scenario's shape. `runner: true` is the headless runner's reading: the same rules, but
 * up to {@link MAX_RUNNER_VPS} VPSs instead of {@link MAX_SCENARIO_VPS}.
 */
export function parseScenario(input: unknown, opts: { runner?: boolean } = {}): Result<Scenario> {
  const tooMany = countScenario(input, opts);
  if (!tooMany.ok) return tooMany;
  // JSON.parse keeps a "__proto__" key as the object's own, but a parsed record drops it: refused
  // here as the engine refuses any name it does not know.
  const params = (input as { params?: unknown } | null)?.params;
  if (typeof params === 'object' && params !== null && Object.hasOwn(params, '__proto__'))
    return bad('params.__proto__', 'unknown parameter "__proto__"');
  const r = parseInput(opts.runner ? RunnerScenarioSchema : ScenarioSchema, input);
  if (!r.ok) return r;
  const ids = new Set<string>();
  for (const [i, v] of r.data.vps.entries()) {
    if (ids.has(v.id)) return bad(`vps[${i}].id`, `duplicate VPS id "${v.id}"`);
    ids.add(v.id);
  }
  return r;
}

/**
 * Refuses a scenario holding more VPSs or events than it may, before anything is checked one by
 * one: a file of a million VPSs is refused at once, not after each of them was validated. The
 * messages are the schemas' own.
 */
export function countScenario(input: unknown, opts: { runner?: boolean } = {}): Result<null> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: true, data: null };
  const { vps, events } = input as { vps?: unknown; events?: unknown };
  if (Array.isArray(vps) && vps.length > (opts.runner ? MAX_RUNNER_VPS : MAX_SCENARIO_VPS))
    return bad(
      'vps',
      opts.runner
        ? `at most ${MAX_RUNNER_VPS} VPSs in a runner scenario`
        : `at most ${MAX_SCENARIO_VPS} VPSs (the headless runner reads up to ${MAX_RUNNER_VPS})`,
    );
  if (Array.isArray(events) && events.length > (opts.runner ? MAX_RUNNER_EVENTS : MAX_SCENARIO_EVENTS))
    return bad(
      'events',
      opts.runner
        ? `at most ${MAX_RUNNER_EVENTS} events in a runner scenario`
        : `at most ${MAX_SCENARIO_EVENTS} events (the headless runner reads up to ${MAX_RUNNER_EVENTS})`,
    );
  return { ok: true, data: null };
}

function bad(path: string, message: string): Result<never> {
  return { ok: false, error: { code: 'INVALID_INPUT', message: `${path}: ${message}`, path } };
}
