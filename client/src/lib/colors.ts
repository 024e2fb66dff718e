/** One colour per VPS, the same on cards, legends and every chart, stable while the page lives. */

export const PALETTE = [
  '#3b82f6',
  '#f59e0b',
  '#10b981',
  '#ef4444',
  '#8b5cf6',
  '#06b6d4',
  '#ec4899',
  '#84cc16',
  '#f97316',
  '#14b8a6',
  '#6366f1',
  '#eab308',
  '#a855f7',
  '#22c55e',
  '#0ea5e9',
  '#d946ef',
] as const;

export class ColorMap {
  private readonly map = new Map<string, string>();

  /** The VPS's colour; a new id takes the first palette colour not in use. */
  get(id: string): string {
    let c = this.map.get(id);
    if (c) return c;
    const used = new Set(this.map.values());
    c = PALETTE.find((p) => !used.has(p)) ?? PALETTE[this.map.size % PALETTE.length];
    this.map.set(id, c);
    return c;
  }

  /** Assign in the given order (call with the lab's VPS list so colours follow it). */
  assign(ids: readonly string[]): void {
    for (const id of ids) this.get(id);
  }
}

export const vpsColors = new ColorMap();
