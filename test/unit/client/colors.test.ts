/**
 * VPS colours: the page's linear ColorMap gives exactly what a plain quadratic one gives (kept here
 * as the reference), over many seeded inputs; the server's colours replace those held.
 */
import { describe, expect, it } from 'vitest';
import { PALETTE } from '../../../shared/colors.js';
import { ColorMap } from '../../../client/src/lib/colors.js';
import { mulberry32 } from '../../seeded.js';

/** The first ColorMap. */
class ReferenceColorMap {
  private readonly map = new Map<string, string>();
  get(id: string): string {
    let c = this.map.get(id);
    if (c) return c;
    const used = new Set(this.map.values());
    c = PALETTE.find((p) => !used.has(p)) ?? PALETTE[this.map.size % PALETTE.length];
    this.map.set(id, c);
    return c;
  }
  adopt(colors: Readonly<Record<string, string>> | undefined): void {
    if (!colors) return;
    this.map.clear();
    for (const [id, c] of Object.entries(colors)) if (/^#[0-9a-f]{6}$/i.test(c)) this.map.set(id, c);
  }
}

const rng = mulberry32;

const ODD_IDS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '0', '1', ''];

function randomId(r: () => number, pool: number): string {
  if (r() < 0.03) return ODD_IDS[Math.floor(r() * ODD_IDS.length)];
  return `vps-${Math.floor(r() * pool)}`;
}

function randomColour(r: () => number): string {
  const x = r();
  if (x < 0.8) return PALETTE[Math.floor(r() * PALETTE.length)];
  if (x < 0.9) return '#123456';
  return (
    '#' +
    Math.floor(r() * 0xffffff)
      .toString(16)
      .padStart(6, '0')
  );
}

describe('ColorMap', () => {
  it('picks what the reference picks through any mix of server colours and new ids', () => {
    for (let seed = 1; seed <= 500; seed++) {
      const r = rng(seed * 104729);
      const a = new ColorMap();
      const b = new ReferenceColorMap();
      for (let op = 0; op < 200; op++) {
        if (r() < 0.1) {
          const colors: Record<string, string> = {};
          for (let k = Math.floor(r() * 10); k > 0; k--)
            colors[randomId(r, 50)] = r() < 0.1 ? 'red' : randomColour(r);
          a.adopt(colors);
          b.adopt(colors);
        } else {
          const id = randomId(r, 50);
          expect(a.get(id), `seed ${seed} op ${op} id ${id}`).toBe(b.get(id));
        }
      }
    }
  });

  it('holds no more than the lab it is shown, however many ids came and went', () => {
    const m = new ColorMap();
    let kept: Record<string, string> = {};
    for (let k = 0; k < 500; k++) {
      // A new VPS the page sees before the server names it, then the lab's state naming its colours
      // (the lab keeps its VPSs' and a bounded number of removed ones: here the last 20 ids).
      m.get(`vps-${k}`);
      kept = Object.fromEntries(
        Object.entries({ ...kept, [`vps-${k}`]: PALETTE[k % PALETTE.length] }).slice(-20),
      );
      m.adopt(kept);
      expect(m.size).toBeLessThanOrEqual(20);
    }
    // The lab's colours, as it named them.
    for (const [id, c] of Object.entries(kept)) expect(m.get(id)).toBe(c);
    // One it forgot takes a colour here again, as a new id would.
    expect(PALETTE).toContain(m.get('vps-0'));
    expect(m.size).toBe(21);
  });

  it('keeps what it holds when a message carries no colours', () => {
    const m = new ColorMap();
    m.adopt({ a: PALETTE[3], b: PALETTE[5] });
    m.adopt(undefined);
    expect([m.get('a'), m.get('b'), m.size]).toEqual([PALETTE[3], PALETTE[5], 2]);
  });
});
