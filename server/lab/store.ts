/**
 * Where labs persist, as a port: the registry sees only this interface; the file store
 * (fileStore.ts) implements it on DATA_DIR, and other backends can implement it too.
 *
 * A lab is four things: its meta (starting scenario and modes, written once), its command log
 * (records appended as commands and clock actions apply), its latest snapshot (engines' state at a tick, rewritten),
 * and its progress (the latest tick it reached, rewritten often, best effort). A fork has a fifth:
 * its start (what it was at the tick it was forked, written once), which re-runs it after a restart.
 * What a store gives back is raw text: server/lab/stored.ts validates it with the wire's schemas,
 * so every backend is held to the same checks.
 */
import type { ModeSpec, Scenario } from '../../shared/commands.js';
import type { LabEvent } from '../../shared/protocol.js';
import type { CommandRecord, LogRecord } from './lab.js';
import type { SavedRequest } from './requestIds.js';

export type { CommandRecord, LogRecord };

export interface LabMeta {
  version: 1;
  id: string;
  scenario: Scenario;
  compare?: [ModeSpec, ModeSpec];
  /** Set on a compare lab forked from a running one: the source's tick. It starts from its start part (see `saveStart`). */
  forkedAt?: number;
  createdAt: string;
  /** Colours kept before a reset (through it; see colorBook.ts); absent: given again from the scenario. */
  colors?: Record<string, string>;
  /** The removed VPSs of `colors`, the oldest removal first (absent in older files). */
  removedVps?: string[];
}

export interface LabSnapshot {
  /** Engine tick at the time of saving. */
  tick: number;
  /** Last command sequence number included in the engines' state. */
  seq: number;
  engines: unknown[];
  speed: number;
  paused: boolean;
  events: LabEvent[];
  savedAt: string;
  /** Request ids of the commands applied before it (the newest REMEMBERED_IDS). */
  requests?: SavedRequest[];
  /**
   * Each VPS's colour, and those of the VPSs removed most recently (colorBook.ts); absent (saved
   * before colours were): given again.
   */
  colors?: Record<string, string>;
  /** The removed VPSs of `colors`, the oldest removal first (absent in older files). */
  removedVps?: string[];
}

/** How a store names a lab's parts when it tells of them (the file store's files, Redis's keys). */
export interface PartNames {
  meta: string;
  snapshot: string;
  progress: string;
  commands: string;
  /** A fork's start. */
  start: string;
  /** One record of the command log, by its place (from 1). */
  record(n: number): string;
  /** What holds a lab under its id ("folder", "field"). */
  home: string;
}

/** One lab as a store holds it, unparsed: each part as the text that was written (absent if never written). */
export interface RawLab {
  meta?: string;
  snapshot?: string;
  progress?: string;
  /** A fork's start: a snapshot at the tick it was forked (absent for other labs, and for forks saved before it was kept). */
  start?: string;
  /** A fork's start is missing and the store was told so before (`startMissing`): it is not said again. */
  startMissingKnown?: boolean;
  /** The command log, one JSON record per entry, in append order (a torn last line already cut). */
  commands: string[];
  /** Parts that are there but cannot be read (a folder where a file belongs, an I/O error): why, by part. */
  unreadable?: Partial<Record<LabPart, string>>;
  /** How the store names its parts (absent: the file store's files). */
  names?: PartNames;
  /**
   * The log may begin past record 1, or skip records the snapshot holds (a cluster's stream, begun
   * again when Redis lost its lab): only the records after the snapshot must follow on from it
   * without a gap. Absent: the whole log must, from record 1 (the file store's log is never cut).
   */
  logFromSnapshot?: boolean;
}

/** The parts of a stored lab. */
export type LabPart = 'meta' | 'snapshot' | 'progress' | 'commands' | 'start';

/** A lab id already holds data in the store: a new lab may not be created over it. */
export class LabExistsError extends Error {
  constructor(readonly id: string) {
    super(`the store already holds data for a lab "${id}"`);
    this.name = 'LabExistsError';
  }
}

/** Another live server owns this store. */
export class StoreLockedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreLockedError';
  }
}

/**
 * A rename whose folder could not be flushed to disk afterwards: it might not survive a crash, so
 * it was undone and the change it made is refused; or, `stands`, it could not be undone either
 * (the disk refused that too), and the change is what the store holds now, though a crash may
 * still undo it. `code` is the flush's.
 */
export class NotDurableError extends Error {
  readonly code: string | undefined;
  constructor(
    what: string,
    folder: string,
    cause: unknown,
    readonly stands = false,
  ) {
    const code = (cause as NodeJS.ErrnoException)?.code;
    super(`${folder} could not be flushed to disk after ${what} (${code ?? String(cause)})`, { cause });
    this.name = 'NotDurableError';
    this.code = code;
  }
}

/**
 * Persistence of labs. Every method of one lab is ordered (a snapshot saved after an append is
 * written after it). Opening a store takes an exclusive lock; `close()` releases it.
 */
export interface Store {
  /** Ids of every lab the store holds, readable or not, sorted. */
  list(): Promise<string[]>;
  /** One lab's raw parts; undefined when the store holds nothing under that id. */
  load(id: string): Promise<RawLab | undefined>;
  /** Record a new lab. Rejects with LabExistsError when the id already holds data. */
  create(meta: LabMeta): Promise<void>;
  /**
   * Start a lab's stored data again from `meta` (a reset): an empty log, no snapshot, no progress.
   * All or nothing: the new data is written beside the old and swapped in, so a failure (a full
   * disk, a lost store) rejects and leaves the old data whole, and a crash leaves the old or the new.
   */
  replace(meta: LabMeta): Promise<void>;
  /**
   * Append one record (a command, or the pace a clock action left) to the lab's log. Resolves only once the record is durable (on disk
   * and flushed); records appended in the same turn are written and flushed together.
   */
  append(id: string, rec: LogRecord): Promise<void>;
  /** Replace the lab's snapshot (atomically: a crash leaves the old or the new one). */
  saveSnapshot(id: string, snapshot: LabSnapshot): Promise<void>;
  /**
   * Record a fork's start (what it is at the tick it was forked), once, when it is created: durable
   * (atomically, as a snapshot is) before it resolves. A reset or deletion drops it with the rest.
   */
  saveStart(id: string, start: LabSnapshot): Promise<void>;
  /** Record the latest tick the lab reached (best effort, not flushed: a crash may lose the last). */
  saveProgress(id: string, tick: number): Promise<void>;
  /** Move a lab that cannot be restored out of the live set, keeping all its data, with the reason. */
  quarantine(id: string, reason: string): Promise<void>;
  /**
   * Move one damaged part of a lab (its snapshot or progress) out of the lab's way, kept whole
   * with the reason, so that the lab, rebuilt without it, saves that part anew beside it and never
   * over it. A store whose damaged parts are simply replaced (Redis) has none.
   */
  setAside?(id: string, part: 'snapshot' | 'progress', reason: string): Promise<void>;
  /**
   * Remember that fork `id` has no start (saved before starts were kept), said once, so that the
   * restores after it do not say it again. A store without it says it at every restore.
   */
  startMissing?(id: string): Promise<void>;
  /** Forget a lab and its data. */
  remove(id: string): Promise<void>;
  /** Wait for every queued write. */
  flush(): Promise<void>;
  /** Flush, then release the lock. */
  close(): Promise<void>;
}
