/** What a screen shows cut off, as browser tests check it. */
import type { Page } from 'playwright-core';

/**
 * Visible text elements whose text overflows their box (cut off or ellipsed), in the whole page or
 * in what `within` (a CSS selector) finds.
 */
export async function clippedText(page: Page, within = 'body'): Promise<string[]> {
  return page.evaluate((within) => {
    const out: string[] = [];
    const scope = Array.from(document.querySelectorAll<HTMLElement>(within));
    for (const el of scope.flatMap((s) => Array.from(s.querySelectorAll<HTMLElement>('*')))) {
      if (
        el instanceof HTMLCanvasElement ||
        el instanceof HTMLSelectElement ||
        el instanceof HTMLInputElement
      )
        continue;
      const own = Array.from(el.childNodes).some(
        (n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim(),
      );
      if (!own) continue;
      const cs = getComputedStyle(el);
      if (
        cs.display === 'none' ||
        cs.visibility === 'hidden' ||
        cs.overflowX === 'auto' ||
        cs.overflowX === 'scroll'
      )
        continue;
      const r = el.getBoundingClientRect();
      // (A 1 px box is text for screen readers only, hidden on purpose.)
      if (r.width <= 1 || r.bottom < 0 || r.top > innerHeight) continue;
      if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0)
        out.push(
          `${el.tagName.toLowerCase()} "${el.textContent!.trim().slice(0, 40)}" ${el.scrollWidth}>${el.clientWidth}`,
        );
    }
    return out;
  }, within);
}

/**
 * Parts of chart captions (title, unit, legend, line keys) that reach past their caption's edge:
 * a caption hides what overflows, so its parts are measured against it.
 */
export async function cutCaptions(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const cap of Array.from(document.querySelectorAll<HTMLElement>('figure figcaption'))) {
      const box = cap.getBoundingClientRect();
      if (box.width === 0) continue;
      for (const el of Array.from(cap.querySelectorAll<HTMLElement>('*'))) {
        const r = el.getBoundingClientRect();
        const cut =
          r.width > 0 &&
          (r.right > box.right + 0.5 || r.bottom > box.bottom + 0.5 || el.scrollWidth > el.clientWidth + 1);
        if (cut) out.push(`${cap.parentElement?.dataset.testid}: "${el.textContent!.trim()}"`);
      }
    }
    return out;
  });
}
