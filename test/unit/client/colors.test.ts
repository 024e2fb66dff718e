/**
 * VPS colours: the page's linear ColorMap gives exactly what the first, quadratic one gave (kept
 * here as the reference), over many seeded inputs.
 */
import { describe, expect, it } from 'vitest';
import { PALETTE } from '../../../shared/colors.js';
import { ColorMap } from '../../../client/src/lib/colors.js';

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
    for (const [id, c] of Object.entries(colors)) if (/^#[0-9a-f]{6}$/i.test(c)) this.map.set(id, c);
  }
}

/** mulberry32: a small seeded generator, so a failing case can be replayed by its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
});
