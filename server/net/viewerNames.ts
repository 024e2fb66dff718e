/**
 * Readable names for the log: "viewer 1", "viewer 2", … A lab's log keeps the names of the viewers
 * who steered it, across a restart, so numbering goes on from the highest number in the log of
 * every lab here (raised as each comes back, and before that by the restore's first read of every
 * saved lab's log), never naming a new viewer like an old one. In a
 * cluster the service counts in Redis, raised the same way (server/cluster/viewers.ts).
 */
import type { LabEvent } from '../../shared/protocol.js';
import type { RemoteLabs } from './io.js';

/** The highest viewer number named in `events` ("viewer 12", or "viewer 12-<process>"); 0 when none. */
export function highestViewer(events: readonly LabEvent[]): number {
  let n = 0;
  for (const e of events) {
    const m = /^viewer (\d+)(?:-|$)/.exec(e.by);
    if (m) n = Math.max(n, Number(m[1]));
  }
  return n;
}

export class ViewerNames {
  /** The highest number given here or seen in a lab's log. */
  private count = 0;

  /** In a cluster the number comes from the whole service (`remote`); `processTag` marks this process's own. */
  constructor(
    private readonly remote?: RemoteLabs,
    private readonly processTag = '',
    /** The highest number in the saved labs' logs: a promise while a start's restore reads them (first). */
    private readonly saved: () => number | Promise<number> = () => 0,
  ) {}

  /** Whether a name can be given now (else `next` waits for the saved labs' logs to be read). */
  ready(): boolean {
    return typeof this.saved() === 'number';
  }

  /** A lab is here (created, restored, taken over): numbers go on past those in its log. */
  seen(events: readonly LabEvent[]): void {
    this.count = Math.max(this.count, highestViewer(events));
  }

  /**
   * The next name. In a cluster while Redis is away this process's own count goes on, marked with
   * its tag (so it cannot be another process's viewer of the same number).
   */
  async next(): Promise<string> {
    // Held until the saved labs' logs are read: a viewer connecting while they are restored is not
    // given the number of one in a log not read yet.
    const saved = this.saved();
    // Awaited first: the count is read after the wait (a name given meanwhile raised it).
    const highest = typeof saved === 'number' ? saved : await saved;
    this.count = Math.max(this.count, highest);
    if (!this.remote) return `viewer ${++this.count}`;
    const n = await this.remote.viewerNumber().catch(() => undefined);
    if (n === undefined) return `viewer ${++this.count}-${this.processTag}`;
    this.count = Math.max(this.count, n);
    return `viewer ${n}`;
  }
}
