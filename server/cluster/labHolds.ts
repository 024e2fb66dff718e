/**
 * Whether this process steps a lab it runs now or holds it. It steps while its lease is surely its
 * own and Redis answers it (storeHealth.ts), or while Redis is unreachable (no other process can
 * take the lab over either); else it holds the lab and tells its viewers so: its lease unsure, or
 * Redis silent, so that every change refused for want of Redis is refused on a lab its viewers
 * were told is held (Redis falls silent up to half a second before the lease runs short). A hold
 * lasts until Redis renewed the lease for a request sent after the hold began and answers a probe
 * again: a reply to one sent before (held up in a busy process or network while Redis froze) says
 * nothing of Redis now; as a hold begins, the lease is renewed at once (or as soon as the renewal
 * under way ended), so a hold lasts one round trip to Redis past its cause. Before, such a reply
 * made the lease look fresh for a moment: the lab was told live and took a change it could not
 * record, Redis frozen.
 */
import type { HeldReason } from '../../shared/protocol.js';
import type { Leases } from './leases.js';

export class LabHolds {
  /** Since when each held lab is held (performance.now(), ms). */
  private readonly since = new Map<string, number>();

  constructor(
    private readonly leases: Leases,
    /** Whether commands reach Redis now (its connection is up). */
    private readonly reachable: () => boolean,
    /** Whether Redis answers this process now (a probe sent lately came back). */
    private readonly answering: () => boolean,
    /** Renew the leases now (a hold began). */
    private readonly renewSoon: () => void,
  ) {}

  /** Why lab `id` is held now, or null: it steps (and the hold, if any, ends). */
  reason(id: string, now = performance.now()): HeldReason | null {
    const since = this.since.get(id);
    const sure = since === undefined ? this.leases.fresh(id, now) : this.leases.freshSince(id, since, now);
    const steps = !this.reachable() || (sure && this.answering());
    if (steps) {
      this.since.delete(id);
      return null;
    }
    if (since === undefined) {
      this.since.set(id, now);
      this.renewSoon();
    }
    return 'store';
  }

  /** Lab `id` no longer runs here. */
  forget(id: string): void {
    this.since.delete(id);
  }
}
