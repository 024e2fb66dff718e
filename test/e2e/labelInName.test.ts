/**
 * A control's spoken name contains the words it shows (WCAG 2.5.3, label in name): a voice-control
 * user says what they see ("click Resume") and a screen-reader user hears what a sighted colleague
 * points at. The clock's button showed "Play" while its name was "Resume simulation", so saying
 * "click Play" found nothing. Checked on every button and link shown, running and paused, on a
 * desktop and a phone.
 */
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTest } from './fixture.js';
import { api } from './harness.js';
import { createLab, waitChartsPast, waitForState } from './lab.js';

const test = browserTest();

/** Controls shown whose aria-label does not contain their visible words ("words | name"). */
function mismatches(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('button, a[href], summary, [role="button"]'))
      .filter((e) => e.hasAttribute('aria-label') && e.checkVisibility())
      .flatMap((e) => {
        // The words shown, without the icons beside them (▶, ❚❚, ◎, +).
        const words = e.innerText
          .replace(/[^\p{L}\p{N}_ .%-]/gu, ' ')
          .replace(/\s+/g, ' ')
          .trim();
        const name = e.getAttribute('aria-label')!;
        return words && !name.toLowerCase().includes(words.toLowerCase()) ? [`${words} | ${name}`] : [];
      }),
  );
}

describe('label in name', () => {
  test('every button and link shown says its visible words in its name, running and paused', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const desk = await open(`/?lab=${lab}`, { width: 1280, height: 720 });
    const phone = await open(`/?lab=${lab}`, { width: 390, height: 844, touch: true });
    for (const { page } of [desk, phone]) await waitChartsPast(page, 2);
    for (const { page } of [desk, phone]) expect(await mismatches(page), 'running').toEqual([]);

    const r = await api(server, `/api/labs/${lab}/clock`, { body: { action: 'pause' } });
    expect(r.status).toBe(200);
    await waitForState(server, lab, (s) => s.paused);
    for (const { page } of [desk, phone]) {
      await page.getByRole('button', { name: 'Resume simulation' }).waitFor({ timeout: 10_000 });
      expect(await mismatches(page), 'paused').toEqual([]);
    }
    expect([...desk.errors, ...phone.errors]).toEqual([]);
  }, 60_000);
});
