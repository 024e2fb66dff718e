/**
 * A lab's memory of request ids, so that a command sent again with the id it was first sent with
 * (its sender got no answer: the process running the lab died, or the connection broke) is answered
 * as the first was and never applied twice. A command's id is noted when it applies, in its log
 * record, and the lab's snapshot carries the ids noted before it; a lab restored or taken over
 * rebuilds the memory from both, so it knows what the process before it applied and saved. A clock
 * action's id is kept the same way, with the pace it left (its answer); refusals are remembered
 * here only (they change nothing that is replayed).
 */
import { createHash } from 'node:crypto';
import { fail, type Ack } from '../../shared/protocol.js';

/** How many request ids a lab remembers (the oldest go first). */
export const REMEMBERED_IDS = 1000;

/** The pace a clock action left (with its tick, its answer). */
export interface Pace {
  paused: boolean;
  speed: number;
}

/**
 * A request id applied and saved, as a snapshot keeps it: [id, tick it applied at, digest of what
 * it carried], and for a clock action the pace it left.
 */
export type SavedRequest =
  [id: string, tick: number, digest: string] | [id: string, tick: number, digest: string, pace: Pace];

/** What a request carried, as a short digest: an id sent again with other content is refused. */
export function digestOf(what: unknown): string {
  return createHash('sha256').update(JSON.stringify(what)).digest('base64url').slice(0, 16);
}

interface Known {
  digest: string;
  /** The answer given, or being worked out. */
  answer: Promise<Ack<unknown>>;
  /** Applied and recorded with the command's log record (kept in snapshots). */
  saved?: number;
  /** The answer of an action answered at once. */
  now?: Promise<Ack<unknown>>;
  /** The pace a clock action left (kept in snapshots with `saved`). */
  pace?: Pace;
}

export class RequestIds {
  private readonly known = new Map<string, Known>();
  /** The id of the last record replayed, and what its commands carried (a batch is several records). */
  private replaying: { id: string; commands: unknown[] } | null = null;

  constructor(saved: readonly SavedRequest[] = []) {
    for (const [id, tick, digest, pace] of saved)
      if (pace) this.replayedClock(id, tick, digest, pace);
      else this.remember(id, { digest, answer: ok(tick), saved: tick });
  }

  /**
   * Run `apply` once for request `id` (undefined: no id, always run): an id seen before gets the
   * answer it got then (or the same answer, when it is still being worked out); an id seen before
   * with another `digest` is refused, naming `requestId`.
   */
  once<T extends Ack<unknown>>(id: string | undefined, digest: string, apply: () => Promise<T>): Promise<T> {
    if (id === undefined) return apply();
    const seen = this.known.get(id);
    if (seen)
      return seen.digest === digest && !seen.now
        ? (seen.answer as Promise<T>)
        : Promise.resolve(conflict(id) as T);
    const answer = apply();
    this.remember(id, { digest, answer });
    return answer;
  }

  /**
   * A command sent with `id` applied at `tick` and was recorded (its record carries the id). Its
   * answer stays the one being worked out, if any: it is given once the record is durable.
   */
  applied(id: string, tick: number, digest: string): void {
    const seen = this.known.get(id);
    if (seen?.digest === digest) seen.saved = tick;
    else this.remember(id, { digest, answer: ok(tick), saved: tick });
  }

  /** Like `once`, for an action not replayed from the log (a clock action). */
  onceNow<T extends Promise<Ack<unknown>>>(id: string | undefined, digest: string, apply: () => T): T {
    if (id === undefined) return apply();
    const seen = this.known.get(id);
    if (seen)
      return seen.digest === digest && seen.now ? (seen.now as T) : (Promise.resolve(conflict(id)) as T);
    // Known before it applies: applying notes what it recorded (`clockApplied`) in this entry.
    const k = { digest } as Known;
    this.remember(id, k);
    try {
      k.answer = k.now = apply();
    } catch (e) {
      this.known.delete(id);
      throw e;
    }
    return k.now as T;
  }

  /**
   * A clock action sent with `id` applied at `tick`, leaving `pace`, and is recorded with it. Its
   * answer stays the one being worked out: it is given once the record is durable.
   */
  clockApplied(id: string, tick: number, digest: string, pace: Pace): void {
    const seen = this.known.get(id);
    if (seen?.digest === digest) Object.assign(seen, { saved: tick, pace: { ...pace } });
    else this.replayedClock(id, tick, digest, pace);
  }

  /** A clock record replayed from the log (or a snapshot's): sent again, its id gets this answer. */
  replayedClock(id: string, tick: number, digest: string, pace: Pace): void {
    const now = Promise.resolve({
      ok: true as const,
      data: { tick, speed: pace.speed, paused: pace.paused },
    });
    this.remember(id, { digest, answer: now, now, saved: tick, pace: { ...pace } });
  }

  /**
   * A record replayed from the log: consecutive records of one id are one batch, and its digest is
   * that of all their commands.
   */
  replayed(id: string | undefined, tick: number, command: unknown): void {
    if (id === undefined) return void (this.replaying = null);
    if (this.replaying?.id === id) this.replaying.commands.push(command);
    else this.replaying = { id, commands: [command] };
    this.applied(id, tick, digestOf(this.replaying.commands));
  }

  /** Whether `id` is known (being worked out, or applied): sent again, it gets the answer it got. */
  has(id: string | undefined): boolean {
    return id !== undefined && this.known.has(id);
  }

  /**
   * The record of `id`, applied and answered as not saved yet, is saved now: sent again, it is
   * answered as applied (with the pace it left, for a clock action).
   */
  landed(id: string): void {
    const seen = this.known.get(id);
    if (seen?.saved === undefined) return;
    if (!seen.pace) return void (seen.answer = ok(seen.saved));
    const data = { tick: seen.saved, speed: seen.pace.speed, paused: seen.pace.paused };
    seen.answer = seen.now = Promise.resolve({ ok: true as const, data });
  }

  /** Forget `id` (its request was refused before it applied: sent again, it may apply). */
  forget(id: string): void {
    const seen = this.known.get(id);
    if (seen && seen.saved === undefined) this.known.delete(id);
  }

  /** The ids applied and recorded, oldest first, for a snapshot. */
  saved(): SavedRequest[] {
    const out: SavedRequest[] = [];
    for (const [id, k] of this.known)
      if (k.saved !== undefined) out.push(k.pace ? [id, k.saved, k.digest, k.pace] : [id, k.saved, k.digest]);
    return out;
  }

  private remember(id: string, k: Known): void {
    this.known.delete(id);
    this.known.set(id, k);
    if (this.known.size > REMEMBERED_IDS) this.known.delete(this.known.keys().next().value as string);
  }
}

function conflict(id: string): Ack<never> {
  return fail(
    'CONFLICT',
    `request id "${id}" was already used for another request; give each request its own id`,
    'requestId',
  );
}

function ok(tick: number): Promise<Ack<{ tick: number }>> {
  return Promise.resolve({ ok: true, data: { tick } });
}
