/**
 * Pictures of a page as a user sees it, whole: what a scroll would show, below the fold included.
 * The VPS cards are not laid out or painted while off screen (content-visibility: auto), so a plain
 * full-page capture showed them as empty boxes; here they are rendered for the capture.
 */
import type { Page } from 'playwright-core';

/** The whole page, scrolled or not, as a PNG at `path`; returns its bytes. */
export async function wholePageShot(page: Page, path: string): Promise<Buffer> {
  const style = await page.addStyleTag({ content: '* { content-visibility: visible !important; }' });
  try {
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    return await page.screenshot({ path, fullPage: true });
  } finally {
    await style.evaluate((s) => (s as ChildNode).remove());
  }
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The share of a PNG region's pixels that differ from the region's commonest colour (its
 * background): about 0 for an empty box, a few per cent or more where there is text or a chart.
 * The picture is decoded by the browser itself.
 */
export async function inkShare(page: Page, png: Buffer, r: Rect): Promise<number> {
  return page.evaluate(
    async ({ b64, r }) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const canvas = new OffscreenCanvas(Math.round(r.width), Math.round(r.height));
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(bmp, -Math.round(r.x), -Math.round(r.y));
      const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      const count = new Map<number, number>();
      for (let i = 0; i < px.length; i += 4) {
        const c = (px[i] << 16) | (px[i + 1] << 8) | px[i + 2];
        count.set(c, (count.get(c) ?? 0) + 1);
      }
      let bg = 0;
      let most = -1;
      for (const [c, n] of count)
        if (n > most) {
          most = n;
          bg = c;
        }
      const [br, bgG, bb] = [bg >> 16, (bg >> 8) & 255, bg & 255];
      let ink = 0;
      for (let i = 0; i < px.length; i += 4) {
        const d = Math.abs(px[i] - br) + Math.abs(px[i + 1] - bgG) + Math.abs(px[i + 2] - bb);
        if (d > 60) ink++;
      }
      return ink / (px.length / 4);
    },
    { b64: png.toString('base64'), r },
  );
}
