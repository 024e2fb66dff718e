/**
 * Labs whose reset (or deletion) is being saved. Meanwhile the lab does not run (the registry
 * skips it), and a command applied to it anyway (a clock step) has its record held: written once
 * the reset failed (the lab goes on from where it was, its log whole), dropped once it held (that
 * past is gone).
 */
import type { LogRecord, Store } from './store.js';

export class Resets {
  /** Resolves true once the reset held (or the lab is gone), false once it failed. */
  private readonly pending = new Map<string, Promise<boolean>>();

  has(id: string): boolean {
    return this.pending.has(id);
  }

  /**
   * Hold lab `id` while `save` runs: `save` resolves whether the reset held (records held meanwhile
   * are then dropped) or failed (they are written). Only one reset of a lab at a time.
   */
  async hold<T>(id: string, save: () => Promise<{ held: boolean; result: T }>): Promise<T> {
    let settle!: (held: boolean) => void;
    this.pending.set(id, new Promise((ok) => (settle = ok)));
    let held = false;
    try {
      const r = await save();
      held = r.held;
      return r.result;
    } finally {
      this.pending.delete(id);
      settle(held);
    }
  }

  /** Save an applied command's (or clock action's) record, unless a reset of its lab is being saved (see above). */
  persist(store: Store, id: string, rec: LogRecord): Promise<void> {
    const reset = this.pending.get(id);
    if (!reset) return store.append(id, rec);
    return reset.then((held) => (held ? undefined : store.append(id, rec)));
  }
}
