/**
 * VPS colours: the linear assignment gives exactly what the first, quadratic one gave (kept here as
 * the reference), on the server's assignColors and on the page's ColorMap, over many seeded inputs.
 */
import { describe, expect, it } from 'vitest';
import { PALETTE, assignColors } from '../../../shared/colors.js';
import { ColorMap } from '../../../client/src/lib/colors.js';

/** The first assignColors: a scan of every colour held, for every id. */
function referenceAssign(colors: Record<string, string>, ids: readonly string[]): Record<string, string> {
  for (const id of ids) {
    if (Object.hasOwn(colors, id)) continue;
    const used = new Set(Object.values(colors));
    const n = Object.keys(colors).length;
    colors[id] = PALETTE.find((p) => !used.has(p)) ?? PALETTE[n % PALETTE.length];
  }
  return colors;
}

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

/** Colours already given (some palette, some not, repeats allowed) and ids to add (repeats allowed). */
function randomCase(seed: number): { given: Record<string, string>; ids: string[] } {
  const r = rng(seed);
  const pool = 1 + Math.floor(r() * (r() < 0.5 ? 40 : 400));
  const given: Record<string, string> = {};
  const nGiven = r() < 0.3 ? 0 : Math.floor(r() * Math.min(pool, 40));
  for (let i = 0; i < nGiven; i++) given[randomId(r, pool)] = randomColour(r);
  const ids = Array.from({ length: Math.floor(r() * 300) }, () => randomId(r, pool));
  return { given, ids };
}

describe('assignColors', () => {
  it('gives the same colours, in the same key order, as the reference on 2 000 seeded inputs', () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const { given, ids } = randomCase(seed);
      const a = { ...given };
      const b = { ...given };
      const out = assignColors(a, ids);
      referenceAssign(b, ids);
      expect(out, `seed ${seed}: mutates and returns its argument`).toBe(a);
      expect(Object.entries(a), `seed ${seed}`).toEqual(Object.entries(b));
    }
  });

  it('agrees with the reference when called again with more ids (a VPS added to a running lab)', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const r = rng(seed * 7919);
      const a: Record<string, string> = {};
      const b: Record<string, string> = {};
      for (let step = 0; step < 5; step++) {
        const ids = Array.from({ length: Math.floor(r() * 40) }, () => randomId(r, 60));
        assignColors(a, ids);
        referenceAssign(b, ids);
        expect(Object.entries(a), `seed ${seed} step ${step}`).toEqual(Object.entries(b));
      }
    }
  });

  it('gives 256 fresh VPSs the palette in order, then wraps by count', () => {
    const ids = Array.from({ length: 256 }, (_, i) => `v${i}`);
    const c = assignColors({}, ids);
    ids.forEach((id, i) => expect(c[id]).toBe(PALETTE[i % PALETTE.length]));
  });

  it('skips colours already held and keeps an id that has one', () => {
    const c = assignColors({ a: PALETTE[0], b: PALETTE[2] }, ['b', 'c', 'd', 'a']);
    expect(c).toEqual({ a: PALETTE[0], b: PALETTE[2], c: PALETTE[1], d: PALETTE[3] });
  });
});

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
