/** What has the keyboard's focus on a page, for the browser tests that follow it. */
import type { Page } from 'playwright-core';

/** The focused element's accessible label (or its text, or its tag); null when the page has it. */
export function focused(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const e = document.activeElement as HTMLElement | null;
    if (!e || e === document.body) return null;
    return e.getAttribute('aria-label') ?? e.textContent?.trim() ?? e.tagName;
  });
}
