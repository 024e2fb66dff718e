/**
 * One y range for several charts (the two sides of a compare view): each chart reports the span
 * of its data and draws with the union, so equal heights mean equal values on both sides.
 */
export class SharedScale {
  private readonly spans = new Map<number, [number, number]>();
  private readonly listeners = new Map<number, () => void>();

  /** Report chart `who`'s data span; the others are told to redraw if the union changed. */
  report(who: number, lo: number, hi: number): void {
    const before = this.union();
    this.spans.set(who, [lo, hi]);
    const after = this.union();
    if (before[0] === after[0] && before[1] === after[1]) return;
    for (const [id, fn] of this.listeners) if (id !== who) fn();
  }

  /** The union of every reported span ([Infinity, -Infinity] when none holds data). */
  union(): [number, number] {
    let lo = Infinity;
    let hi = -Infinity;
    for (const [a, b] of this.spans.values()) {
      if (a < lo) lo = a;
      if (b > hi) hi = b;
    }
    return [lo, hi];
  }

  /** Call `fn` when another chart widened or narrowed the union; returns the unsubscribe. */
  listen(who: number, fn: () => void): () => void {
    this.listeners.set(who, fn);
    return () => {
      this.listeners.delete(who);
      this.spans.delete(who);
    };
  }
}
