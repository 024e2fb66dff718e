/**
 * A VPS card on a phone reads cleanly: each figure's label stands apart from the next (whole, not
 * cut, not run together), the fault chips wrap in even rows, none alone on a line, and the resize
 * form keeps each unit whole on one line.
 */
import { describe, expect } from 'vitest';
import { browserTest } from './fixture.js';
import { createLab } from './lab.js';

const test = browserTest();

describe('a VPS card on a phone', () => {
  for (const [w, h] of [
    [390, 844],
    [360, 740],
  ] as const)
    test(`at ${w}×${h} its figures' labels stand apart and its fault chips wrap evenly`, async ({
      server,
      open,
    }) => {
      const lab = await createLab(server, { preset: 'demo' });
      const { page, errors } = await open(`/?lab=${lab}`, { width: w, height: h, touch: true });
      const card = page.getByTestId('vps-card-web-1');
      await card.waitFor({ timeout: 15_000 });
      await card.scrollIntoViewIfNeeded();
      const seen = await card.evaluate((c) => {
        const text = (e: Element): DOMRect => {
          const r = document.createRange();
          r.selectNodeContents(e);
          return r.getBoundingClientRect();
        };
        const labels = Array.from(c.querySelectorAll('dt')).map((dt) => ({
          name: dt.textContent!.trim(),
          left: text(dt).left,
          right: text(dt).right,
          whole: dt.scrollWidth <= dt.clientWidth,
        }));
        const tops = Array.from(c.querySelectorAll('[aria-label^="Misbehaviours"] button')).map((b) =>
          Math.round(b.getBoundingClientRect().top),
        );
        const rows = [...new Set(tops)].sort((a, b) => a - b).map((t) => tops.filter((x) => x === t).length);
        return { labels, rows };
      });
      for (const l of seen.labels) expect(l.whole, `"${l.name}" whole`).toBe(true);
      for (let i = 1; i < seen.labels.length; i++) {
        const [a, b] = [seen.labels[i - 1], seen.labels[i]];
        expect(b.left - a.right, `"${a.name}" and "${b.name}" apart`).toBeGreaterThanOrEqual(6);
      }
      expect(seen.rows.reduce((a, b) => a + b, 0)).toBe(7);
      expect(
        Math.max(...seen.rows) - Math.min(...seen.rows),
        `chips a row: ${seen.rows}`,
      ).toBeLessThanOrEqual(1);
      expect(errors).toEqual([]);
    }, 60_000);

  // "Weight share, 1–" over "65535": a range broken across lines reads as two numbers.
  for (const [w, h] of [
    [390, 844],
    [1280, 720],
  ] as const)
    test(`at ${w}×${h} the resize form keeps each field's unit on one line`, async ({ server, open }) => {
      const lab = await createLab(server, { preset: 'demo' });
      const { page, errors } = await open(`/?lab=${lab}`, { width: w, height: h, touch: w < 900 });
      const card = page.getByTestId('vps-card-web-1');
      await card.waitFor({ timeout: 15_000 });
      await card.getByText('Resize or remove').click();
      const form = page.getByRole('form', { name: 'Resize web-1' });
      await form.waitFor();
      await form.scrollIntoViewIfNeeded();
      const units = await form.evaluate((f) =>
        Array.from(f.querySelectorAll('label > span > span')).map((u) => ({
          text: u.textContent!.trim(),
          lines: new Set(Array.from(u.getClientRects()).map((r) => Math.round(r.top))).size,
        })),
      );
      expect(units.map((u) => u.text)).toContain('share, 1–65535');
      for (const u of units) expect(u.lines, `"${u.text}" on one line`).toBe(1);
      expect(errors).toEqual([]);
    }, 60_000);
});
