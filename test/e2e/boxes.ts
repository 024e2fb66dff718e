/**
 * What a part of the page shows, box by box, as browser tests check it: each control and each
 * piece of text in it (an "atom"), where it sits, whether it overlaps another or leaves the
 * screen, and how many rows the atoms make.
 */
import type { Locator, Page } from 'playwright-core';

/** The page at `width`×`height`, its layout settled (two frames after it took the size). */
export async function resize(page: Page, width: number, height: number): Promise<void> {
  await page.setViewportSize({ width, height });
  await page.waitForFunction(([w, h]) => innerWidth === w && innerHeight === h, [width, height]);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/** A control, or a text that is not inside one, with its box in viewport pixels. */
export interface Atom {
  name: string;
  left: number;
  right: number;
  top: number;
  bottom: number;
  /** A menu: its width, and the width that would show its chosen option whole. */
  menu?: { width: number; needs: number };
  /** The atoms this one sits inside (a text inside a text: the clock's tick count). */
  within: number[];
}

/**
 * The visible controls (buttons, links, menus, fields) inside `root` and the texts not inside a
 * control, each with its name (accessible name, else its text) and box. For a menu, the width it
 * would need to show its chosen option whole: a copy holding that option alone, sized by the
 * browser beside it (the menu's own rules apply to it) with no width limit.
 */
export function atoms(root: Locator): Promise<Atom[]> {
  return root.evaluate((el) => {
    const CONTROL = 'button, select, a, input';
    const out: Atom[] = [];
    const index = new Map<Element, number>();
    const shown = (e: HTMLElement): boolean => {
      const cs = getComputedStyle(e);
      const r = e.getBoundingClientRect();
      // (A 1 px box is text for screen readers only, hidden on purpose.)
      return cs.visibility !== 'hidden' && r.width > 1 && r.height > 1 && e.getClientRects().length > 0;
    };
    for (const e of Array.from(el.querySelectorAll<HTMLElement>('*'))) {
      if (!shown(e)) continue;
      const isControl = e.matches(CONTROL);
      const ownText = Array.from(e.childNodes).some(
        (n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim(),
      );
      if (!isControl && (!ownText || e.parentElement?.closest(CONTROL))) continue;
      if (isControl && e.parentElement?.closest(CONTROL)) continue;
      const r = e.getBoundingClientRect();
      const atom: Atom = {
        name: e.getAttribute('aria-label') ?? e.textContent!.trim().replace(/\s+/g, ' ').slice(0, 40),
        left: r.left,
        right: r.right,
        top: r.top,
        bottom: r.bottom,
        within: [],
      };
      for (let up = e.parentElement; up && up !== el; up = up.parentElement)
        if (index.has(up)) atom.within.push(index.get(up)!);
      if (e instanceof HTMLSelectElement) {
        const copy = document.createElement('select');
        copy.className = e.className;
        copy.append(new Option(e.selectedOptions[0]?.text ?? ''));
        copy.style.cssText =
          'position:absolute;visibility:hidden;width:auto;min-width:0;max-width:none;flex:none';
        e.after(copy);
        atom.menu = { width: r.width, needs: copy.getBoundingClientRect().width };
        copy.remove();
        atom.name += ` "${e.selectedOptions[0]?.text ?? ''}"`;
      }
      index.set(e, out.length);
      out.push(atom);
    }
    return out;
  });
}

/** Menus that show their chosen option cut ("Containers (one shared ker…"). */
export function cutMenus(list: readonly Atom[]): string[] {
  return list
    .filter((a) => a.menu && a.menu.width + 0.5 < a.menu.needs)
    .map((a) => `${a.name} ${Math.round(a.menu!.width)}<${Math.round(a.menu!.needs)}`);
}

/** Pairs of atoms whose boxes overlap (by more than half a pixel each way). */
export function overlaps(list: readonly Atom[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < list.length; i++)
    for (let j = i + 1; j < list.length; j++) {
      const [a, b] = [list[i], list[j]];
      if (b.within.includes(i) || a.within.includes(j)) continue;
      const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (x > 0.5 && y > 0.5) out.push(`${a.name} × ${b.name}`);
    }
  return out;
}

/** Atoms reaching past the screen's edges. */
export function offScreen(list: readonly Atom[], width: number, height: number): string[] {
  return list
    .filter((a) => a.left < -0.5 || a.top < -0.5 || a.right > width + 0.5 || a.bottom > height + 0.5)
    .map((a) => `${a.name} [${Math.round(a.left)}, ${Math.round(a.right)}]`);
}

/** The rows the atoms make: atoms whose middles are within 8 px of one another share a row. */
export function rowsOf(list: readonly Atom[]): Atom[][] {
  const rows: { y: number; atoms: Atom[] }[] = [];
  for (const a of [...list].sort((p, q) => p.top + p.bottom - (q.top + q.bottom))) {
    const y = (a.top + a.bottom) / 2;
    const row = rows.find((r) => Math.abs(r.y - y) <= 8);
    if (row) row.atoms.push(a);
    else rows.push({ y, atoms: [a] });
  }
  return rows.map((r) => r.atoms.sort((p, q) => p.left - q.left));
}
