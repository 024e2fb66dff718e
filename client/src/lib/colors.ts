/**
 * One colour per VPS, the same on cards, legends and every chart. The server gives them (in the
 * lab state, the same in every browser); an id the server has not named yet gets a free one here.
 */
import { PALETTE } from '../../../shared/colors.js';

export { PALETTE };

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

  /** Take the server's colours (they win over any picked here). */
  adopt(colors: Readonly<Record<string, string>> | undefined): void {
    if (!colors) return;
    for (const [id, c] of Object.entries(colors)) if (/^#[0-9a-f]{6}$/i.test(c)) this.map.set(id, c);
  }

  /** Assign in the given order (call with the lab's VPS list so colours follow it). */
  assign(ids: readonly string[]): void {
    for (const id of ids) this.get(id);
  }
}

export const vpsColors = new ColorMap();
