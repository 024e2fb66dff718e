/**
 * Whether a lab is held: run by this process but not stepped for now (a cluster process whose
 * lease on it is unsure while the cluster's store does not answer). Its viewers are told when it
 * becomes held and when it steps again; a page joining meanwhile finds it in the snapshot.
 */
import { fail, type ApiError, type HeldReason } from '../../shared/protocol.js';

export class Holding {
  /** Why the lab is held now; null while it steps. */
  reason: HeldReason | null = null;
  private readonly listeners = new Set<(reason: HeldReason | null) => void>();

  /** Held for `reason`, or stepping again (null); listeners hear of a change only. */
  set(reason: HeldReason | null): void {
    if (reason === this.reason) return;
    this.reason = reason;
    for (const fn of this.listeners) fn(reason);
  }

  listen(fn: (reason: HeldReason | null) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}

/**
 * The refusal of a command or clock action for lab `id` that is held (`reason`) or whose records
 * cannot be saved now (`away`, what keeps them): nothing applied, to be sent again.
 */
export function notNow(
  id: string,
  reason: HeldReason | null,
  away: string | null,
): { ok: false; error: ApiError } {
  const lab = `lab "${id.slice(0, 64)}"`;
  const why = reason
    ? `${lab} is held: the cluster’s store (Redis) does not answer the server running it, which cannot be sure it still owns the lab`
    : `${away ?? 'the store does not answer'}, so the server running ${lab} cannot record it`;
  return fail('UNAVAILABLE', `${why}; nothing was applied, send it again once the store answers`);
}

/**
 * The refusal of a change the store cannot take now (`away`: what keeps it, named), or of one to
 * `lab` while it is held, saying `nothing` (what did not happen); else null.
 */
export function changeRefused(
  nothing: string,
  away: string | null | undefined,
  lab?: { id: string; holding: Holding },
): { ok: false; error: ApiError } | null {
  const why = lab?.holding.reason
    ? `lab "${lab.id}" is held: the cluster’s store (Redis) does not answer the server running it`
    : away;
  return why ? fail('UNAVAILABLE', `${why}; ${nothing}, send it again once the store answers`) : null;
}
