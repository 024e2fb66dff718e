/**
 * What a store gives back, validated with the wire's own schemas before anything uses it: the
 * meta's scenario through the scenario validator, every logged command through the command parser,
 * ticks and sequence numbers as safe integers in order, the sequence numbers one by one (a gap is
 * records lost or spliced in). A lab whose meta or log is damaged cannot
 * be restored (the caller quarantines it, naming the reason); a damaged snapshot or progress file
 * is only noted and set aside (the lab is rebuilt from its meta and log). A part the store could
 * not read at all counts as damaged the same way.
 */
import { z } from 'zod';
import { formatPath, MAX_NAME, ModeSpecSchema, parseCommand, type Result } from '../../shared/commands.js';
import { validateScenario } from '../scenario.js';
import { ClockActionSchema, MAX_BATCH, MAX_SPEED, MIN_SPEED, RequestIdSchema } from '../../shared/inbound.js';
import { PALETTE } from '../../shared/colors.js';
import { REMEMBERED_IDS } from './requestIds.js';
import { KEPT_REMOVED } from './colorBook.js';
import { fitName } from './naming.js';
import type { LogRecord } from './lab.js';
import type { ClockRecord } from './clockActions.js';
import type { LabMeta, LabSnapshot, PartNames, RawLab } from './store.js';

const tick = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const pace = z.strictObject({ paused: z.boolean(), speed: z.number().min(MIN_SPEED).max(MAX_SPEED) });

const vpsId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/, 'a VPS id');

/**
 * Colours as saved: a VPS id to one palette colour (an older file's may be many: the lab bounds
 * them once it runs, see colorBook.ts).
 */
const ColorsSchema = z.record(vpsId, z.enum(PALETTE, { error: 'not a palette colour' }));

/** The removed VPSs whose colours are kept, the oldest removal first: each once, each one of `colors`. */
const RemovedVpsSchema = z.array(vpsId).max(KEPT_REMOVED, `at most ${KEPT_REMOVED} removed VPSs`);

/** Each of `removedVps` appears once and holds a colour in `colors`; an error names `removedVps[i]`. */
function checkRemovedVps(
  v: { colors?: Record<string, string>; removedVps?: string[] },
  ctx: z.RefinementCtx,
): void {
  const seen = new Set<string>();
  v.removedVps?.forEach((id, i) => {
    const message = seen.has(id)
      ? `"${id}" is listed twice`
      : !v.colors || !Object.hasOwn(v.colors, id)
        ? `"${id}" has no colour in colors`
        : null;
    seen.add(id);
    if (message) ctx.addIssue({ code: 'custom', message, path: ['removedVps', i] });
  });
}

const MetaSchema = z
  .strictObject({
    version: z.literal(1),
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/),
    scenario: z.unknown(),
    compare: z.tuple([ModeSpecSchema, ModeSpecSchema]).optional(),
    forkedAt: tick.optional(),
    createdAt: z.string().max(64),
    colors: ColorsSchema.optional(),
    removedVps: RemovedVpsSchema.optional(),
  })
  .superRefine(checkRemovedVps);

const EventSchema = z.looseObject({
  tick,
  kind: z.enum(['command', 'faultEnded', 'admission', 'oom', 'reboot', 'info', 'fork']),
  by: z.string().max(64),
  message: z.string().max(4000),
  command: z.unknown().optional(),
});

const SnapshotSchema = z
  .strictObject({
    tick,
    seq: tick,
    engines: z.array(z.unknown()).min(1).max(2),
    speed: z.number().min(MIN_SPEED).max(MAX_SPEED),
    paused: z.boolean(),
    events: z.array(EventSchema).max(1000),
    savedAt: z.string().max(64),
    requests: z
      .array(
        z.union([
          z.tuple([RequestIdSchema, tick, z.string().max(64)]),
          z.tuple([RequestIdSchema, tick, z.string().max(64), pace]),
        ]),
      )
      .max(REMEMBERED_IDS)
      .optional(),
    colors: ColorsSchema.optional(),
    removedVps: RemovedVpsSchema.optional(),
  })
  .superRefine(checkRemovedVps);

const recordFields = {
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  tick,
  by: z.string().max(64),
};
const CommandRecordSchema = z.strictObject({
  ...recordFields,
  command: z.unknown(),
  rid: RequestIdSchema.optional(),
  /** How many records the batch it was applied in has (a torn batch is dropped whole on load). */
  of: z.number().int().min(2).max(MAX_BATCH).optional(),
});
const ClockRecordSchema = z
  .strictObject({
    ...recordFields,
    clock: pace,
    rid: RequestIdSchema.optional(),
    action: ClockActionSchema.optional(),
  })
  .refine((r) => (r.rid === undefined) === (r.action === undefined), {
    message: 'a clock record carries its request id and its action together, or neither',
    path: ['rid'],
  });
/** A record with a `clock` is a clock record, any other a command's (so an error names its field). */
const recordSchema = (v: unknown) =>
  typeof v === 'object' && v !== null && 'clock' in v ? ClockRecordSchema : CommandRecordSchema;

const ProgressSchema = z.strictObject({ tick });

/** The file store's parts (server/lab/labParts.ts). */
export const FILE_NAMES: PartNames = {
  meta: 'meta.json',
  snapshot: 'snapshot.json',
  progress: 'progress.json',
  commands: 'commands.ndjson',
  start: 'start.json',
  record: (n) => `commands.ndjson line ${n}`,
  home: 'folder',
};

/** A lab read back and validated. */
export interface StoredLab {
  meta: LabMeta;
  snapshot?: LabSnapshot;
  /** The latest tick the lab is known to have reached (from its progress file). */
  progress?: number;
  /** A fork's start (what it was at the tick it was forked), when kept and whole. */
  start?: LabSnapshot;
  commands: LogRecord[];
  /** What was set aside (a damaged snapshot or progress file), for the log. */
  notes: string[];
  /** A fork whose start is missing, not said before: said now, and the store told (`Store.startMissing`). */
  startMissing?: true;
  /** Damaged parts to move out of the lab's way (they would be saved over), with the reason. */
  setAside: { part: 'snapshot' | 'progress'; reason: string }[];
  /** How its store names its parts. */
  names: PartNames;
}

function parseJson<T>(
  file: string,
  text: string,
  schemaOf: z.ZodType<T> | ((value: unknown) => z.ZodType<T>),
): Result<T, string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `${file}: not valid JSON (${(e as Error).message.slice(0, 120)})` };
  }
  const schema = typeof schemaOf === 'function' ? schemaOf(value) : schemaOf;
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, data: r.data };
  const issue = r.error.issues[0];
  return { ok: false, error: `${file}: ${formatPath(issue.path)}: ${issue.message}` };
}

function parseEvents(
  events: z.infer<typeof EventSchema>[],
  snapshot: string,
): Result<LabSnapshot['events'], string> {
  for (const [i, e] of events.entries()) {
    if (e.command === undefined) continue;
    const c = parseCommand(e.command);
    if (!c.ok) return { ok: false, error: `${snapshot}: events[${i}].command.${c.error.message}` };
  }
  return { ok: true, data: events as LabSnapshot['events'] };
}

/**
 * The first break in the log's numbering after record `from`: the records after it follow on one by
 * one (`at`: the index of the first that does not, `expected`: the seq it should have); null when none.
 */
function gapAfter(commands: readonly LogRecord[], from: number): { at: number; expected: number } | null {
  let expected = from + 1;
  for (const [at, c] of commands.entries()) {
    if (c.seq <= from) continue;
    if (c.seq !== expected) return { at, expected };
    expected++;
  }
  return null;
}

/**
 * A fork's start, checked as a snapshot is and at the fork's tick; damaged or missing, a note says
 * so (the fork then comes back from its snapshot alone, its history before it lost) and none is given.
 */
function forkStart(
  raw: RawLab,
  n: PartNames,
  forkedAt: number,
  engines: number,
  notes: string[],
): LabSnapshot | undefined {
  const why = (what: string) => {
    notes.push(`${what}; the fork comes back from its snapshot only, without its history before it`);
    return undefined;
  };
  if (raw.unreadable?.start) return why(`${n.start}: cannot be read (${raw.unreadable.start})`);
  if (raw.start === undefined) return raw.startMissingKnown ? undefined : why(`${n.start} is missing`);
  const s = parseJson(n.start, raw.start, SnapshotSchema);
  if (!s.ok) return why(s.error);
  const ev = parseEvents(s.data.events, n.start);
  if (!ev.ok) return why(ev.error);
  if (s.data.engines.length !== engines)
    return why(`${n.start}: engines: ${s.data.engines.length} saved, the lab runs ${engines}`);
  if (s.data.tick !== forkedAt)
    return why(`${n.start}: tick: ${s.data.tick} is not the tick the lab was forked at (${forkedAt})`);
  return { ...s.data, events: ev.data };
}

/**
 * Why a fork's start cannot be re-run to its snapshot with its log (the log after it misses
 * records, or starts before it; the snapshot is older); null when it can.
 */
function startMisfit(
  start: LabSnapshot,
  snapshot: LabSnapshot | undefined,
  commands: readonly LogRecord[],
  n: PartNames,
): string | null {
  if (snapshot && (snapshot.tick < start.tick || snapshot.seq < start.seq))
    return `${n.start}: tick ${start.tick} (record ${start.seq}) is past ${n.snapshot} (tick ${snapshot.tick}, record ${snapshot.seq})`;
  const early = commands.find((c) => c.seq > start.seq && c.tick < start.tick);
  if (early)
    return `${n.start}: tick ${start.tick} is past command ${early.seq} logged at tick ${early.tick}`;
  const gap = gapAfter(commands, start.seq);
  if (gap) return `${n.commands}: record ${gap.expected} after ${n.start} is missing`;
  return null;
}

/** Validate one lab's raw parts (`id` is the name the store holds it under). */
export function parseStoredLab(id: string, raw: RawLab): Result<StoredLab, string> {
  const notes: string[] = [];
  const setAside: StoredLab['setAside'] = [];
  const unreadable = raw.unreadable ?? {};
  const n = raw.names ?? FILE_NAMES;
  if (unreadable.meta) return { ok: false, error: `${n.meta}: cannot be read (${unreadable.meta})` };
  if (unreadable.commands)
    return { ok: false, error: `${n.commands}: cannot be read (${unreadable.commands})` };
  if (raw.meta === undefined) return { ok: false, error: `${n.meta} is missing` };
  const m = parseJson(n.meta, raw.meta, MetaSchema);
  if (!m.ok) return m;
  if (m.data.id !== id)
    return { ok: false, error: `${n.meta}: id: "${m.data.id}" is not this lab's ${n.home} "${id}"` };
  // A name over MAX_NAME, as earlier versions saved a second lab of a long name or a fork: cut, the
  // lab kept (refused, the whole lab would be quarantined for its name).
  const saved = m.data.scenario as { name?: unknown } | null;
  const long = typeof saved?.name === 'string' && saved.name.length > MAX_NAME ? saved.name : undefined;
  if (long !== undefined)
    notes.push(
      `${n.meta}: scenario.name: ${long.length} characters, over the ${MAX_NAME} a name may have; cut`,
    );
  const scenario = validateScenario(long === undefined ? m.data.scenario : { ...saved, name: fitName(long) });
  if (!scenario.ok) return { ok: false, error: `${n.meta}: scenario.${scenario.error.message}` };
  const meta: LabMeta = { ...m.data, version: 1, scenario: scenario.data };
  const engines = meta.compare ? 2 : 1;

  const setAsidePart = (part: 'snapshot' | 'progress') => (why: string) => {
    notes.push(`${why}; set aside`);
    setAside.push({ part, reason: why });
  };
  const setAsideProgress = setAsidePart('progress');
  const damagedSnapshot = setAsidePart('snapshot');
  let snapshot: LabSnapshot | undefined;
  if (unreadable.snapshot) damagedSnapshot(`${n.snapshot}: cannot be read (${unreadable.snapshot})`);
  else if (raw.snapshot !== undefined) {
    const s = parseJson(n.snapshot, raw.snapshot, SnapshotSchema);
    const ev = s.ok ? parseEvents(s.data.events, n.snapshot) : s;
    if (!s.ok || !ev.ok) damagedSnapshot(s.ok ? (ev as { error: string }).error : s.error);
    else if (s.data.engines.length !== engines)
      damagedSnapshot(`${n.snapshot}: engines: ${s.data.engines.length} saved, the lab runs ${engines}`);
    else snapshot = { ...s.data, events: ev.data };
  }

  const start = meta.forkedAt === undefined ? undefined : forkStart(raw, n, meta.forkedAt, engines, notes);

  let progress: number | undefined;
  // Written often and never flushed, a torn one after a crash is expected; damaged or unreadable,
  // it is kept all the same, set aside before the lab writes a new one in its place.
  if (unreadable.progress) setAsideProgress(`${n.progress}: cannot be read (${unreadable.progress})`);
  else if (raw.progress !== undefined) {
    const p = parseJson(n.progress, raw.progress, ProgressSchema);
    if (p.ok) progress = p.data.tick;
    else setAsideProgress(p.error);
  }

  const commands: LogRecord[] = [];
  let prev: LogRecord | undefined;
  for (const [i, line] of raw.commands.entries()) {
    const where = n.record(i + 1);
    const r = parseJson<z.infer<typeof CommandRecordSchema> | z.infer<typeof ClockRecordSchema>>(
      where,
      line,
      recordSchema,
    );
    if (!r.ok) return r;
    const c = 'clock' in r.data ? null : parseCommand(r.data.command);
    if (c && !c.ok) return { ok: false, error: `${where}: command.${c.error.message}` };
    if (prev && r.data.seq <= prev.seq)
      return { ok: false, error: `${where}: seq: ${r.data.seq} does not follow ${prev.seq}` };
    if (prev && r.data.tick < prev.tick)
      return {
        ok: false,
        error: `${where}: tick: ${r.data.tick} is before the previous record's ${prev.tick}`,
      };
    const { seq, tick, by } = r.data;
    if (!c) {
      const { clock, rid, action } = r.data as ClockRecord;
      prev = { seq, tick, by, clock, ...(rid !== undefined && action ? { rid, action } : {}) };
    } else {
      const rid = (r.data as { rid?: string }).rid;
      prev = { seq, tick, by, command: c.data, ...(rid === undefined ? {} : { rid }) };
    }
    commands.push(prev);
  }
  const snap = snapshot;
  // A snapshot holds every command applied before it, and is written only once the log holds them
  // too: a log that ends before it was cut or replaced by an older copy, and cannot be re-run. A
  // log begun again after its snapshot (a cluster's, when Redis lost the lab and its owner
  // published it again) holds only the records that come after it, none until the next command.
  const last = commands.at(-1);
  if (snap && !raw.logFromSnapshot && snap.seq > (last?.seq ?? 0))
    return {
      ok: false,
      error:
        `${n.commands}: misses records ${(last?.seq ?? 0) + 1} to ${snap.seq}, which ${n.snapshot} ` +
        `(saved at tick ${snap.tick}) was saved after; ` +
        (last ? `the log ends at record ${last.seq} (tick ${last.tick})` : 'the log holds no record') +
        ' (cut short, or an older copy)',
    };
  const first = snap && commands.find((c) => c.seq > snap.seq);
  if (snap && first && first.tick < snap.tick) {
    damagedSnapshot(
      `${n.snapshot}: tick ${snap.tick} is past command ${first.seq} logged at tick ${first.tick}`,
    );
    snapshot = undefined;
  }
  // Records lost or spliced in from another copy leave a gap: re-run without them, the lab would
  // not be what was acknowledged.
  const gap = gapAfter(commands, raw.logFromSnapshot ? (snapshot?.seq ?? 0) : 0);
  if (gap) {
    const { at, expected } = gap;
    const found = commands[at].seq;
    const missing =
      found - 1 > expected ? `records ${expected} to ${found - 1} are` : `record ${expected} is`;
    return {
      ok: false,
      error:
        `${n.record(at + 1)}: seq: ${found} where ${expected} was expected; ${missing} missing ` +
        '(lost, or the log was spliced from another copy), so the log cannot be re-run',
    };
  }
  const misfit = start && startMisfit(start, snapshot, commands, n);
  if (misfit) notes.push(`${misfit}; not used, the fork comes back from its snapshot only`);
  const kept = misfit ? undefined : start;
  return {
    ok: true,
    data: {
      meta,
      snapshot,
      progress,
      ...(kept && { start: kept }),
      ...(meta.forkedAt !== undefined &&
        !unreadable.start &&
        raw.start === undefined &&
        !raw.startMissingKnown && { startMissing: true as const }),
      commands,
      notes,
      setAside,
      names: n,
    },
  };
}
