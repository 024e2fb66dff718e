/**
 * The colours a lab has given its VPSs: one each for the VPSs it has now, kept for as long as they
 * stay, plus those of the VPSs removed most recently (at most KEPT_REMOVED of them), so a VPS
 * removed and added again soon gets its old colour back and a chart still drawing its past draws it
 * in the same colour. Older ones are forgotten: the book stays small however many ids come and go.
 *
 * What the book holds follows from the lab's history alone: it is brought up to date with the VPSs
 * the lab has after every applied command and every tick that changed them (that is when the lab
 * computes its state), live and in a replay alike, and the order of removals is saved with it. No
 * clock and no save's timing enter it, so a lab run live, restored, reset or taken over holds the
 * same book.
 */
import { PALETTE } from '../../shared/colors.js';

/**
 * Most removed VPSs whose colours a lab keeps. 64 is four times the palette and more than a minute of
 * chart history usually shows leaving: a VPS removed and added again within the last 64 removals gets
 * its colour back. It keeps a lab's saved colours and its state message to its VPSs plus 64 entries
 * (a few kB), however many ids were ever used.
 */
export const KEPT_REMOVED = 64;

/** Colours as saved with a lab (its meta and snapshot). */
export interface KeptColors {
  /** Each VPS's colour: those the lab has, and the removed ones kept. */
  colors: Record<string, string>;
  /** The removed VPSs whose colours are kept, the oldest removal first (absent in older files). */
  removedVps?: string[];
}

/** The colours a meta or snapshot keeps, if any. */
export function keptColorsOf(saved: Partial<KeptColors> | undefined): KeptColors | undefined {
  if (!saved?.colors) return undefined;
  return { colors: saved.colors, ...(saved.removedVps ? { removedVps: saved.removedVps } : {}) };
}

/** Ids in a fixed order, the same on every process (UTF-16 code units, as `sort` does). */
const inOrder = (ids: string[]): string[] => ids.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

export class ColorBook {
  private readonly colors = new Map<string, string>();
  /** The removed VPSs whose colours are kept, the oldest removal first. */
  private removed: string[] = [];

  /** `kept`: colours saved before (an older file's may be many: the first `follow` bounds them). */
  constructor(kept?: KeptColors) {
    if (!kept) return;
    for (const [id, c] of Object.entries(kept.colors)) this.colors.set(id, c);
    const listed = new Set<string>();
    for (const id of kept.removedVps ?? [])
      if (this.colors.has(id) && !listed.has(id)) {
        listed.add(id);
        this.removed.push(id);
      }
  }

  /**
   * Bring the book up to date with the VPSs the lab has now (`ids`, in the lab's order): one back
   * takes its colour again; one gone joins the removed (several gone at once in id order, so a saved
   * book without its order, an older file's, is bounded the same way everywhere); the oldest removed
   * beyond KEPT_REMOVED are forgotten; then each VPS without a colour is given one (`pick`).
   * A VPS the lab has never changes colour.
   */
  follow(ids: readonly string[]): void {
    const now = new Set(ids);
    this.removed = this.removed.filter((id) => !now.has(id));
    const listed = new Set(this.removed);
    const gone = [...this.colors.keys()].filter((id) => !now.has(id) && !listed.has(id));
    this.removed.push(...inOrder(gone));
    const over = this.removed.length - KEPT_REMOVED;
    if (over > 0) for (const id of this.removed.splice(0, over)) this.colors.delete(id);
    if (ids.every((id) => this.colors.has(id))) return;
    const holders = new Map<string, number>();
    let counted = 0;
    for (const id of now) {
      const c = this.colors.get(id);
      if (c === undefined) continue;
      holders.set(c, (holders.get(c) ?? 0) + 1);
      counted++;
    }
    const held = new Set(this.colors.values());
    for (const id of ids) {
      if (this.colors.has(id)) continue;
      const c = this.pick(held, holders, counted);
      this.colors.set(id, c);
      held.add(c);
      holders.set(c, (holders.get(c) ?? 0) + 1);
      counted++;
    }
  }

  /**
   * The colour for a new VPS: the first palette colour nobody in the book holds; else one no VPS the
   * lab has holds, the one removed longest ago first (the colours of the recently removed stay
   * distinct longest); else (every colour shown) the colour at the count of VPSs, modulo the palette.
   */
  private pick(held: ReadonlySet<string>, holders: ReadonlyMap<string, number>, counted: number): string {
    const free = PALETTE.find((p) => !held.has(p));
    if (free) return free;
    for (const id of this.removed) {
      const c = this.colors.get(id)!;
      if (!holders.has(c)) return c;
    }
    return PALETTE[counted % PALETTE.length];
  }

  /** Each VPS's colour (those the lab has and the removed kept): what viewers are sent. */
  given(): Record<string, string> {
    return Object.fromEntries(this.colors);
  }

  /** What is saved with the lab (its snapshot, and its meta at a reset). */
  kept(): KeptColors {
    return { colors: this.given(), removedVps: [...this.removed] };
  }
}
