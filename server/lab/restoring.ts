/**
 * Which saved labs are still coming back after a start: while the store's list is being read, any
 * lab not running yet may be one of them; then each listed lab until it is restored or set aside.
 * The viewers named in their logs are known before any is restored (viewer numbers go on past them).
 */
export class Restoring {
  private readonly ids = new Set<string>();
  private listing: Promise<void> | null = null;
  private readonly listeners = new Set<(id: string) => void>();
  /** The highest viewer number in the saved labs' data: the number once read, until then its promise. */
  private viewers: number | Promise<number> = 0;

  /** The saved labs' data is being read: `viewersSaved` waits for the highest viewer number in it, given to the function returned. */
  readingViewers(): (highest: number) => void {
    let done!: (highest: number) => void;
    const read = new Promise<number>((ok) => (done = ok));
    this.viewers = read;
    return (highest) => {
      done(highest);
      if (this.viewers === read) this.viewers = highest;
    };
  }

  /**
   * The highest viewer number in the saved labs' logs (0 when none): a number once every lab to
   * restore was read, a promise of it until then.
   */
  viewersSaved(): number | Promise<number> {
    return this.viewers;
  }

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
