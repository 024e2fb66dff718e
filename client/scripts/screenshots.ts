/**
 * Pictures of a running server for review: dashboard, compare and scorecard, each the whole page
 * (a phone's scrolled through, every card drawn), at the sizes users have, light and dark.
 *
 *   npx tsx client/scripts/screenshots.ts [--base http://127.0.0.1:3000] [--lab demo]
 *       [--out .test-results/review] [--sizes 1280x720,390x844] [--settle 8000]
 *
 * The README's pictures (docs/screenshots) come from the browser tests, on a lab at a known tick:
 * `npm run screenshots`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../../test/e2e/chromium.js';
import { wholePageShot } from '../../test/e2e/capture.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : dflt;
};
const base = opt('--base', 'http://127.0.0.1:3000');
const out = opt('--out', '.test-results/review');
const lab = opt('--lab', 'demo');
const settleMs = Number(opt('--settle', '8000'));
const sizes = opt('--sizes', '1280x720,1366x768,1440x900,1920x1080,390x844,844x390')
  .split(',')
  .map((s) => s.split('x').map(Number) as [number, number]);
for (const [w, h] of sizes)
  if (!(w > 0 && h > 0)) throw new Error(`--sizes: "${w}x${h}" is not WIDTHxHEIGHT (e.g. 1280x720)`);

type Scheme = 'light' | 'dark';

async function open(browser: Browser, path: string, w: number, h: number, scheme: Scheme): Promise<Page> {
  const ctx = await browser.newContext({
    viewport: { width: w, height: h },
    colorScheme: scheme,
    deviceScaleFactor: 1,
    hasTouch: w < 900,
  });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${base}/${path}`);
  return page;
}

/** Waits for the view to be drawn, parks the pointer (a hovered chart pauses), then captures. */
async function shoot(page: Page, ready: string, file: string): Promise<void> {
  await page.getByTestId(ready).first().waitFor({ timeout: 120_000 });
  const { width, height } = page.viewportSize()!;
  await page.mouse.move(width - 2, height - 2);
  await page.waitForTimeout(settleMs);
  await wholePageShot(page, file);
  await page.context().close();
  console.log(file);
}

/** The lab to compare: the lab itself if it is one, else a fork made once by the Compare button. */
async function compareLab(browser: Browser): Promise<string> {
  const page = await open(browser, `?lab=${encodeURIComponent(lab)}`, 1280, 720, 'light');
  await page.getByTestId('chart-p99').waitFor();
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  await page.getByTestId('compare-view').waitFor();
  const id = new URL(page.url()).searchParams.get('lab') ?? lab;
  await page.context().close();
  return id;
}

mkdirSync(out, { recursive: true });
const browser = await launchBrowser();
try {
  const compared = await compareLab(browser);
  for (const [w, h] of sizes)
    for (const s of ['light', 'dark'] as const) {
      const name = (view: string): string => join(out, `${view}-${w}x${h}-${s}.png`);
      const d = `?lab=${encodeURIComponent(lab)}`;
      await shoot(await open(browser, d, w, h, s), 'chart-p99', name('dashboard'));
      const c = `?lab=${encodeURIComponent(compared)}&view=compare`;
      await shoot(await open(browser, c, w, h, s), 'compare-view', name('compare'));
      await shoot(await open(browser, '?view=scorecard', w, h, s), 'scorecard-summary', name('scorecard'));
    }
} finally {
  await browser.close();
}
