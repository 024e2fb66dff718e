/**
 * Screenshots of the dashboard for the README and for review: dashboard, compare and scorecard,
 * at 1280×720 and 1920×1080, light and dark.
 *
 *   npx tsx client/scripts/screenshots.ts [--base http://127.0.0.1:3000] [--out docs/screenshots] [--all]
 *
 * Without --all only the three README images are written (dashboard.png, compare.png,
 * scorecard.png at 1920×1080, light); with --all every size × theme goes to <out>/review/.
 */
import { chromium, type Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : dflt;
};
const base = opt('--base', 'http://127.0.0.1:3000');
const out = opt('--out', 'docs/screenshots');
const all = args.includes('--all');
const lab = opt('--lab', 'demo');
const settleMs = Number(opt('--settle', '8000'));

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});

async function open(url: string, width: number, height: number, scheme: 'light' | 'dark'): Promise<Page> {
  const ctx = await browser.newContext({
    viewport: { width, height },
    colorScheme: scheme,
    deviceScaleFactor: 1,
  });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(url);
  return page;
}

async function dashboard(
  width: number,
  height: number,
  scheme: 'light' | 'dark',
  file: string,
  story: boolean,
): Promise<void> {
  const page = await open(`${base}/?lab=${lab}`, width, height, scheme);
  await page.getByTestId('chart-p99').waitFor();
  if (story) {
    const hog = page.getByRole('button', { name: 'Start cpu_hog on batch-1' });
    if (await hog.count()) await hog.click();
  }
  // Park the pointer off the cards and charts so nothing is highlighted or paused.
  await page.mouse.move(width - 2, height - 2);
  await page.waitForTimeout(settleMs);
  await page.screenshot({ path: file });
  await page.context().close();
}

async function compare(width: number, height: number, scheme: 'light' | 'dark', file: string): Promise<void> {
  const page = await open(`${base}/?lab=${lab}`, width, height, scheme);
  await page.getByTestId('chart-p99').waitFor();
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  await page.getByTestId('compare-view').waitFor();
  await page.waitForTimeout(settleMs);
  await page.screenshot({ path: file });
  await page.context().close();
}

async function scorecard(
  width: number,
  height: number,
  scheme: 'light' | 'dark',
  file: string,
): Promise<void> {
  const page = await open(`${base}/?lab=${lab}&view=scorecard`, width, height, scheme);
  await page.getByTestId('scorecard-view').waitFor();
  await page
    .locator(
      '[data-testid="scorecard-view"] table, [data-testid="scorecard-view"] .err, [data-testid="scorecard-view"] .empty',
    )
    .first()
    .waitFor({ timeout: 120_000 });
  await page.screenshot({ path: file });
  await page.context().close();
}

mkdirSync(out, { recursive: true });
if (all) {
  const dir = join(out, 'review');
  mkdirSync(dir, { recursive: true });
  for (const [w, h] of [
    [1280, 720],
    [1920, 1080],
  ] as const)
    for (const s of ['light', 'dark'] as const) {
      await dashboard(w, h, s, join(dir, `dashboard-${w}-${s}.png`), false);
      await compare(w, h, s, join(dir, `compare-${w}-${s}.png`));
      await scorecard(w, h, s, join(dir, `scorecard-${w}-${s}.png`));
    }
} else {
  await dashboard(1920, 1080, 'light', join(out, 'dashboard.png'), true);
  await compare(1920, 1080, 'light', join(out, 'compare.png'));
  await scorecard(1920, 1080, 'light', join(out, 'scorecard.png'));
}
await browser.close();
console.log(`screenshots written to ${out}`);
