/**
 * A lab's recent log: a bounded list of entries, handed to listeners as they are recorded, or held
 * back while a pump runs so its frame goes out first.
 */
import type { LabEvent, LabState } from '../../shared/protocol.js';

/** Entries a lab keeps. */
export const EVENT_LOG = 200;

export type EventListener = (event: LabEvent, state?: LabState) => void;

export class LabLog {
  private readonly entries: LabEvent[];
  private readonly listeners = new Set<EventListener>();
  /** While set, entries wait here (with the state they carry) until `release`. */
  private held: [LabEvent, LabState | undefined][] | null = null;

  constructor(entries: readonly LabEvent[] = []) {
    this.entries = entries.slice(-EVENT_LOG);
  }

  listen(fn: EventListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Keep an entry; its listeners get it now, or at `release` while held. */
  record(event: LabEvent, state?: LabState): void {
    this.entries.push(event);
    // Trimmed in batches (a busy lab logs every tick): at most 2 × EVENT_LOG held, EVENT_LOG read.
    if (this.entries.length > 2 * EVENT_LOG) this.entries.splice(0, this.entries.length - EVENT_LOG);
    if (this.held) this.held.push([event, state]);
    else for (const fn of this.listeners) fn(event, state);
  }

  /** Hold what is recorded from now until `release`. */
  hold(): void {
    this.held ??= [];
  }

  /** Hand the held entries to the listeners, in order, and stop holding. */
  release(): void {
    const pending = this.held ?? [];
    this.held = null;
    for (const [event, state] of pending) for (const fn of this.listeners) fn(event, state);
  }

  /** Recent entries, oldest first. */
  recent(): LabEvent[] {
    return this.entries.slice(-EVENT_LOG);
  }

  /** Replace every entry (a restored lab takes its saved log), telling no one. */
  replace(entries: readonly LabEvent[]): void {
    this.entries.splice(0, this.entries.length, ...entries.slice(-EVENT_LOG));
  }
}
