/**
 * The writes of each lab to Redis, in order: a write starts once the lab's earlier ones settled
 * (failed or not), so what one process writes for a lab reaches Redis in the order it was made.
 * A write that finds another process owning the lab (LeaseLost) says so once, through `onLost`.
 */
import { LeaseLost } from './leases.js';

export class LabWrites {
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    /** Called when a write finds that another process owns the lab now. */
    private readonly onLost: (id: string) => void,
  ) {}

  /** Run `job` after lab `id`'s earlier writes; its own outcome. */
  enqueue(id: string, job: () => Promise<void>): Promise<void> {
    const prev = this.chains.get(id) ?? Promise.resolve();
    const next = prev.then(job, job);
    const settled = next.then(
      () => undefined,
      (err: unknown) => {
        if (err instanceof LeaseLost) this.onLost(id);
      },
    );
    this.chains.set(id, settled);
    void settled.then(() => {
      if (this.chains.get(id) === settled) this.chains.delete(id);
    });
    return next;
  }

  /** Wait for every queued write (at most `ms`: while Redis is away they cannot finish). */
  async flush(ms: number): Promise<void> {
    const until = performance.now() + ms;
    while (this.chains.size && performance.now() < until)
      await Promise.race([
        Promise.allSettled([...this.chains.values()]),
        new Promise((r) => setTimeout(r, Math.max(1, until - performance.now()))),
      ]);
  }
}
