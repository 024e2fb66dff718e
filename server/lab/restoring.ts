/**
 * Which saved labs are still coming back after a start: while the store's list is being read, any
 * lab not running yet may be one of them; then each listed lab until it is restored or set aside.
 */
export class Restoring {
  private readonly ids = new Set<string>();
  private listing: Promise<void> | null = null;
  private readonly listeners = new Set<(id: string) => void>();

  /** Read the store's list with `read`; every id listed is pending until `settled`. */
  async list(read: () => Promise<string[]>): Promise<string[]> {
    let listed!: () => void;
    this.listing = new Promise((ok) => (listed = ok));
    try {
      const ids = await read();
      for (const id of ids) this.ids.add(id);
      return ids;
    } finally {
      this.listing = null;
      listed();
    }
  }

  /** A listed lab is back, or was set aside. */
  settled(id: string): void {
    this.ids.delete(id);
    for (const fn of this.listeners) fn(id);
  }

  /** Whether lab `id` (running here or not) may still be coming back. */
  pending(id: string, running: boolean): boolean {
    return this.listing !== null ? !running : this.ids.has(id);
  }

  /** While the list is being read: resolves once it is (then null). */
  whenListed(): Promise<void> | null {
    return this.listing;
  }

  onSettled(fn: (id: string) => void): void {
    this.listeners.add(fn);
  }

  /** The listed labs not back yet. */
  waiting(): string[] {
    return [...this.ids];
  }
}
