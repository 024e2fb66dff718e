/**
 * A cluster process's periodic jobs (renewing leases, taking labs over, publishing itself, …): each
 * runs every so often, one run at a time, a failure logged and the job tried again next time.
 */
import type { Logger } from 'pino';

export class Upkeep {
  private readonly timers: ReturnType<typeof setInterval>[] = [];
  private readonly busy = new Set<string>();
  private stopped = false;

  constructor(private readonly logger: Logger) {}

  /** Run `job` every `ms`, unless its last run is still going. */
  every(name: string, ms: number, job: () => Promise<void>): void {
    const t = setInterval(() => {
      // One run at a time: while Redis is away a run waits, and runs must not pile up.
      if (this.busy.has(name) || this.stopped) return;
      this.busy.add(name);
      job()
        .catch((err: unknown) => this.logger.warn({ err }, 'cluster upkeep failed; retrying'))
        .finally(() => this.busy.delete(name));
    }, ms);
    t.unref();
    this.timers.push(t);
  }

  /** Start no more runs. */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
  }
}
