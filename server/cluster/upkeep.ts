/**
 * A cluster process's periodic jobs (renewing leases, taking labs over, publishing itself, …): each
 * runs every so often, one run at a time, a failure logged and the job tried again next time.
 */
import type { Logger } from 'pino';

export class Upkeep {
  private readonly timers: ReturnType<typeof setInterval>[] = [];
  private readonly busy = new Set<string>();
  private readonly jobs = new Map<string, () => Promise<void>>();
  /** Jobs asked to run again as soon as their current run ends. */
  private readonly again = new Set<string>();
  private stopped = false;

  constructor(private readonly logger: Logger) {}

  /** Run `job` every `ms`, unless its last run is still going. */
  every(name: string, ms: number, job: () => Promise<void>): void {
    this.jobs.set(name, job);
    const t = setInterval(() => this.run(name), ms);
    t.unref();
    this.timers.push(t);
  }

  /** Run job `name` now, without waiting for its time (once its current run ended, if one is going). */
  soon(name: string): void {
    if (this.busy.has(name)) this.again.add(name);
    else this.run(name);
  }

  private run(name: string): void {
    const job = this.jobs.get(name);
    // One run at a time: while Redis is away a run waits, and runs must not pile up.
    if (!job || this.busy.has(name) || this.stopped) return;
    this.busy.add(name);
    job()
      .catch((err: unknown) => this.logger.warn({ err }, 'cluster upkeep failed; retrying'))
      .finally(() => {
        this.busy.delete(name);
        if (this.again.delete(name)) this.run(name);
      });
  }

  /** Start no more runs. */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
  }
}
