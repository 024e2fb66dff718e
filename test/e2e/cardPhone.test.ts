/**
 * A VPS card on a phone reads cleanly: each figure's label stands apart from the next (whole, not
 * cut, not run together), the fault chips wrap in even rows, none alone on a line, and the resize
 * form keeps each unit whole on one line, and its note that the mode leaves the CPU cap unenforced.
 */
import { describe, expect } from 'vitest';
import { browserTest } from './fixture.js';
import { createLab } from './lab.js';
import { clippedText } from './clipped.js';
import { api } from './harness.js';

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
    test(`at ${w}×${h} the resize form keeps each field's unit on one line and says the cap is not enforced`, async ({
      server,
      open,
    }) => {
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

      // para leaves the plan's CPU cap unenforced: the cap field says so, whole, and the form still fits.
      const hint = page.getByTestId('cap-off-web-1');
      expect(await hint.textContent()).toBe('not enforced under para');
      const cap = page.getByRole('spinbutton', { name: 'web-1 CPU cap (cores)' });
      expect(await cap.getAttribute('aria-describedby')).toBe(await hint.getAttribute('id'));
      await expect.poll(() => cap.isEditable()).toBe(true);
      const fit = await form.evaluate((f) => {
        const box = f.getBoundingClientRect();
        const card = f.closest('[data-testid^="vps-card-"]')!.getBoundingClientRect();
        const hint = f.querySelector('[data-testid="cap-off-web-1"]')!;
        const label = hint.parentElement!.getBoundingClientRect();
        const text = hint.firstChild!;
        // Each word of the note on one line (wrapped at spaces, never inside a word).
        const words: { word: string; lines: number }[] = [];
        let at = 0;
        for (const word of text.textContent!.split(' ')) {
          const r = document.createRange();
          r.setStart(text, at);
          r.setEnd(text, at + word.length);
          at += word.length + 1;
          words.push({
            word,
            lines: new Set(Array.from(r.getClientRects()).map((x) => Math.round(x.top))).size,
          });
        }
        const h = hint.getBoundingClientRect();
        const inputs = Array.from(f.querySelectorAll('input')).map((i) => i.getBoundingClientRect());
        return {
          words,
          hintInLabel: h.left >= label.left - 0.5 && h.right <= label.right + 0.5,
          formInCard: box.left >= card.left - 0.5 && box.right <= card.right + 0.5,
          overflow: f.scrollWidth - f.clientWidth,
          // Fields of a row level: the cap's row (fields 4–6) at one height.
          rowTops: inputs.slice(3, 6).map((r) => Math.round(r.top)),
          hintAboveField: h.bottom <= inputs[4].top + 0.5,
        };
      });
      for (const w of fit.words) expect(w.lines, `"${w.word}" whole`).toBe(1);
      expect(fit.hintInLabel, 'the note within its field').toBe(true);
      expect(fit.formInCard, 'the form within its card').toBe(true);
      expect(fit.overflow).toBeLessThanOrEqual(0);
      expect(new Set(fit.rowTops).size, `fields level: ${fit.rowTops}`).toBe(1);
      expect(fit.hintAboveField).toBe(true);
      expect(await clippedText(page, '[data-testid="vps-card-web-1"] form')).toEqual([]);

      // Under full virtualization the cap binds: no note.
      await api(server, `/api/labs/${lab}/commands`, { body: { type: 'setMode', mode: 'full' } });
      await hint.waitFor({ state: 'detached', timeout: 15_000 });
      expect(await cap.getAttribute('aria-describedby')).toBeNull();
      expect(errors).toEqual([]);
    }, 60_000);
});
