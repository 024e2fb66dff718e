/**
 * The colours a lab keeps: its VPSs' (never changed while they stay) and the last KEPT_REMOVED
 * removed, in order of removal; a new VPS takes a colour nobody holds, else one no running VPS
 * holds; the book saved and read back goes on exactly as the one that ran on.
 */
import { describe, expect, it } from 'vitest';
import { PALETTE } from '../../../shared/colors.js';
import { ColorBook, KEPT_REMOVED } from '../../../server/lab/colorBook.js';
import { mulberry32 } from '../../seeded.js';

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

const rng = mulberry32;

/** A lab's VPS lists over time: ids added (some reused) and removed at random. */
function history(seed: number, steps: number): string[][] {
  const r = rng(seed);
  let now = ids('s', 1 + Math.floor(r() * 20));
  const out = [now];
  for (let k = 0; k < steps; k++) {
    if (r() < 0.55 && now.length < 40)
      now = [...now, `v-${Math.floor(r() * 300)}`].filter((v, i, a) => a.indexOf(v) === i);
    else if (now.length > 1) now = now.filter((_, i) => i !== Math.floor(r() * now.length));
    out.push(now);
  }
  return out;
}

describe('ColorBook', () => {
  it('gives a fresh lab the palette in order', () => {
    const b = new ColorBook();
    b.follow(ids('v', 5));
    expect(Object.values(b.given())).toEqual(PALETTE.slice(0, 5));
  });

  it('keeps the last KEPT_REMOVED removed, in order of removal, and forgets older ones', () => {
    const b = new ColorBook();
    const churn = ids('c', KEPT_REMOVED + 10);
    for (const id of churn) {
      b.follow(['keep', id]);
      b.follow(['keep']);
    }
    expect(b.kept().removedVps).toEqual(churn.slice(-KEPT_REMOVED));
    expect(Object.keys(b.given()).sort()).toEqual(['keep', ...churn.slice(-KEPT_REMOVED)].sort());
  });

  it('gives a recently removed VPS added again its colour, and takes it off the removed', () => {
    const b = new ColorBook();
    b.follow(['a', 'b', 'c']);
    const before = b.given();
    b.follow(['a', 'c']);
    b.follow(['a', 'c', 'd', 'b']);
    expect(b.given().b).toBe(before.b);
    expect(b.given().d).not.toBe(before.b);
    expect(b.kept().removedVps).toEqual([]);
  });

  it('gives a new VPS a colour no running VPS holds while there is one', () => {
    const b = new ColorBook();
    const running = ids('r', PALETTE.length - 2);
    b.follow(running);
    // Removed ids come to hold every colour left, many times over.
    for (const id of ids('gone', 40)) {
      b.follow([...running, id]);
      b.follow(running);
    }
    b.follow([...running, 'x', 'y']);
    const c = b.given();
    const shown = running.map((id) => c[id]);
    expect(shown).not.toContain(c.x);
    expect(shown).not.toContain(c.y);
    expect(c.x).not.toBe(c.y);
  });

  it('never changes the colour of a running VPS, and stays bounded, over random histories', () => {
    const wrong: string[] = [];
    for (let seed = 1; seed <= 60; seed++) {
      const b = new ColorBook();
      let last: Record<string, string> = {};
      for (const [k, now] of history(seed, 300).entries()) {
        b.follow(now);
        const c = b.given();
        for (const id of now)
          if (c[id] === undefined || (id in last && c[id] !== last[id]))
            wrong.push(`seed ${seed} step ${k}: ${id}`);
        if (Object.keys(c).length > now.length + KEPT_REMOVED) wrong.push(`seed ${seed} step ${k}: too many`);
        last = Object.fromEntries(now.map((id) => [id, c[id]]));
      }
    }
    expect(wrong).toEqual([]);
  });

  it('saved (through JSON) and read back at any step, goes on as the one that ran on', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const steps = history(seed, 300);
      const cut = 50 + (seed % 200);
      const ran = new ColorBook();
      let back: ColorBook | undefined;
      for (const [k, now] of steps.entries()) {
        ran.follow(now);
        back?.follow(now);
        if (k === cut) back = new ColorBook(JSON.parse(JSON.stringify(ran.kept())));
      }
      expect(back!.kept(), `seed ${seed}`).toEqual(ran.kept());
    }
  });

  it('bounds an older book (no order of removals) the same whatever order its colours come in', () => {
    const old: Record<string, string> = { run: PALETTE[5] };
    for (const id of ids('old', 300)) old[id] = PALETTE[id.length % PALETTE.length];
    const reversed = Object.fromEntries(Object.entries(old).reverse());
    const a = new ColorBook({ colors: old });
    const b = new ColorBook({ colors: reversed });
    a.follow(['run', 'new']);
    b.follow(['run', 'new']);
    expect(a.kept()).toEqual(b.kept());
    expect(a.given().run).toBe(PALETTE[5]);
    expect(a.kept().removedVps).toHaveLength(KEPT_REMOVED);
  });
});
