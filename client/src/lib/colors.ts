/**
 * One colour per VPS, the same on cards, legends and every chart. The server gives them (in the
 * lab state, the same in every browser); an id the server has not named yet gets a free one here
 * until the next state names it.
 */
import { PALETTE } from '../../../shared/colors.js';

export { PALETTE };

export class ColorMap {
  private readonly map = new Map<string, string>();
  /** How many ids hold each colour (a colour held by none is free). */
  private readonly holders = new Map<string, number>();

  /** The VPS's colour; a new id takes the first palette colour not in use. */
  get(id: string): string {
    const held = this.map.get(id);
    if (held) return held;
    const c = PALETTE.find((p) => !this.holders.get(p)) ?? PALETTE[this.map.size % PALETTE.length];
    this.set(id, c);
    return c;
  }

  /**
   * Take the server's colours in place of all held here: its lab state carries every colour the lab
   * keeps (its VPSs' and those of the VPSs removed last), so the page holds no more than the lab does,
   * however many ids came and went while it stayed open.
   */
  adopt(colors: Readonly<Record<string, string>> | undefined): void {
    if (!colors) return;
    this.map.clear();
    this.holders.clear();
    for (const [id, c] of Object.entries(colors)) if (/^#[0-9a-f]{6}$/i.test(c)) this.set(id, c);
  }

  /** How many ids hold a colour here. */
  get size(): number {
    return this.map.size;
  }

  /** Assign in the given order (call with the lab's VPS list so colours follow it). */
  assign(ids: readonly string[]): void {
    for (const id of ids) this.get(id);
  }

  private set(id: string, c: string): void {
    const old = this.map.get(id);
    if (old === c) return;
    if (old !== undefined) this.holders.set(old, (this.holders.get(old) ?? 1) - 1);
    this.holders.set(c, (this.holders.get(c) ?? 0) + 1);
    this.map.set(id, c);
  }
}

export const vpsColors = new ColorMap();
