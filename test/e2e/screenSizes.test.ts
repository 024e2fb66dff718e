/**
 * What fits on which screen: a phone gets one column with no sideways scroll and finger-sized
 * targets; a lab of 64 VPSs keeps its charts on screen; the header wraps at 1024 px; nothing is cut
 * off at 1280×720 or 1920×1080, with blame and log on screen.
 */
import { describe, expect } from 'vitest';
import { browserTest } from './fixture.js';
import { api } from './harness.js';
import { createLab, presetScenario, waitChartsPast } from './lab.js';
import { clippedText } from './clipped.js';

const test = browserTest();

describe('the dashboard on each screen', () => {
  test('a phone gets one column, the charts before the VPS cards, no sideways scroll, every VPS named in full, a swipe on a chart scrolls', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const { page, errors } = await open(`/?lab=${lab}`, { width: 390, height: 844, touch: true });
    await waitChartsPast(page, 0);
    await page.getByTestId('vps-card-web-1').waitFor();
    const widths = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
    expect(widths[0]).toBeLessThanOrEqual(widths[1]);
    expect(await clippedText(page)).toEqual([]);
    const chartTop = (await page.getByTestId('chart-p99').boundingBox())!.y;
    const cardTop = (await page.getByTestId('vps-card-web-1').boundingBox())!.y;
    expect(chartTop).toBeLessThan(cardTop);
    // Below the fold too: no card cuts its VPS's name short ("d…" for db-1).
    for (const id of ['web-1', 'db-1', 'cache-1', 'batch-1', 'ci-1', 'mail-1']) {
      const name = page.getByTestId(`vps-card-${id}`).getByRole('heading', { name: id });
      await name.scrollIntoViewIfNeeded();
      expect(await name.evaluate((h) => h.scrollWidth <= h.clientWidth), `${id} named in full`).toBe(true);
    }
    // A finger's targets: no control under 24 px high (WCAG 2.2 target size; the desktop's are 17–22 px).
    const small = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>('button, select, input, summary'))
        .filter((e) => e.offsetParent !== null)
        .map(
          (e) =>
            [
              e.getAttribute('aria-label') ?? e.textContent!.trim().slice(0, 24),
              e.getBoundingClientRect().height,
            ] as const,
        )
        .filter(([, h]) => h < 24)
        .map(([n, h]) => `${n} ${Math.round(h)} px`),
    );
    expect(small).toEqual([]);
    // The colour legend shows whole chips: none cut by the bottom of its box (touch chips are taller).
    const cut = await page.getByRole('list', { name: /VPS colours/ }).evaluate((ul) => {
      const box = ul.getBoundingClientRect();
      return Array.from(ul.querySelectorAll('button'))
        .map((b) => [b.textContent!.trim(), b.getBoundingClientRect()] as const)
        .filter(([, r]) => r.top < box.bottom - 0.5 && r.bottom > box.bottom + 0.5)
        .map(([name]) => name);
    });
    expect(cut).toEqual([]);
    // A vertical swipe that starts on a chart scrolls the page: most of a phone's screen is charts.
    await page.evaluate(() => scrollTo(0, 0));
    await expect.poll(() => page.evaluate(() => scrollY)).toBe(0);
    const box = (await page.getByTestId('chart-p99').locator('[role="img"]').boundingBox())!;
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x, y }] });
    for (let i = 1; i <= 8; i++)
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x, y: y - i * 20 }] });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await expect.poll(() => page.evaluate(() => scrollY), { timeout: 5_000 }).toBeGreaterThan(60);
    expect(errors).toEqual([]);
  }, 60_000);

  test('at 1280×720 hovering a chart reads every VPS whole, one line each, wherever the pointer is', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const { page, errors } = await open(`/?lab=${lab}`, { width: 1280, height: 720 });
    await waitChartsPast(page, 20);
    for (const id of ['chart-p99', 'chart-health']) {
      const chart = page.getByTestId(id);
      const box = (await chart.locator('[role="img"]').boundingBox())!;
      for (const at of [0.25, 0.6, 0.9]) {
        await page.mouse.move(box.x + box.width * at, box.y + box.height / 2);
        const readout = chart.getByTestId('readout');
        await readout.waitFor();
        const seen = await readout.evaluate((r) => ({
          clipped: r.scrollHeight > r.clientHeight + 1,
          box: r.getBoundingClientRect().toJSON() as DOMRect,
          rows: Array.from(r.querySelectorAll<HTMLElement>('.row')).map((row) => ({
            text: row.innerText.replace(/\s+/g, ' ').trim(),
            lines: Math.round(
              row.getBoundingClientRect().height / parseFloat(getComputedStyle(row).lineHeight),
            ),
          })),
        }));
        const where = `${id} at ${at * 100} %`;
        expect(seen.clipped, `${where}: rows cut off`).toBe(false);
        expect(
          seen.rows.map((r) => r.text.split(' ')[0]),
          where,
        ).toEqual(['web-1', 'db-1', 'cache-1', 'batch-1', 'ci-1', 'mail-1']);
        expect(
          seen.rows.filter((r) => r.lines !== 1),
          `${where}: rows on more than one line`,
        ).toEqual([]);
        expect(seen.box.left, `${where}: on screen`).toBeGreaterThanOrEqual(0);
        expect(seen.box.right, `${where}: on screen`).toBeLessThanOrEqual(1280);
        expect(seen.box.bottom, `${where}: on screen`).toBeLessThanOrEqual(720);
      }
      await page.mouse.move(0, 0);
    }
    expect(errors).toEqual([]);
  }, 60_000);

  test('a lab of 64 VPSs keeps its charts on screen at 1280×720: the legend scrolls, every VPS in it', async ({
    server,
    open,
  }) => {
    const base = presetScenario('demo');
    const vps = Array.from({ length: 64 }, (_, i) => ({ ...base.vps[i % base.vps.length], id: `vm-${i}` }));
    const host = { ...base.host, cores: 64, ramGiB: 512, diskIops: 200_000, netMbps: 40_000 };
    const lab = await createLab(server, {
      scenario: { ...base, name: 'big lab', mode: 'container', host, vps },
    });
    const { page, errors } = await open(`/?lab=${lab}`, { width: 1280, height: 720 });
    await waitChartsPast(page, 1);
    const legend = page.getByRole('list', { name: /VPS colours/ });
    expect(await legend.getByRole('button').count()).toBe(64);
    expect((await legend.boundingBox())!.height).toBeLessThanOrEqual(50);
    // The last VPS is reached by scrolling the legend, and focusing it works.
    await legend.getByRole('button', { name: 'Focus on vm-63 on the charts' }).click();
    await page.getByTestId('focus-chip').waitFor();
    for (const id of ['chart-p99', 'chart-throughput', 'chart-steal']) {
      const box = (await page.getByTestId(id).boundingBox())!;
      expect(box.y + box.height, `${id} ends on screen`).toBeLessThanOrEqual(720);
      expect(box.height, `${id} height`).toBeGreaterThanOrEqual(145);
    }
    expect(errors).toEqual([]);
  }, 60_000);

  test('at 1024×768 the header wraps rather than pushing the page sideways', async ({ server, open }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const { page, errors } = await open(`/?lab=${lab}`, { width: 1024, height: 768 });
    await page.getByTestId('sim-time').waitFor({ timeout: 15_000 });
    await waitChartsPast(page, 0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024);
    const box = (await page.getByRole('button', { name: 'Export charts as PNG' }).boundingBox())!;
    expect(box.x + box.width, 'the last header button is on screen').toBeLessThanOrEqual(1024);
    expect(errors).toEqual([]);
  }, 60_000);

  for (const [w, h] of [
    [1280, 720],
    [1920, 1080],
  ]) {
    test(`at ${w}×${h} no text is cut off and blame and log are on screen`, async ({ server, open }) => {
      const lab = await createLab(server, { preset: 'demo' });
      expect(
        (
          await api(server, `/api/labs/${lab}/commands`, {
            body: { type: 'startFault', vps: 'batch-1', fault: 'cpu_hog' },
          })
        ).status,
      ).toBe(200);
      const { page, errors } = await open(`/?lab=${lab}`, { width: w, height: h });
      await waitChartsPast(page, 3);
      await page.getByTestId('event-log').waitFor();
      await page.getByTestId('culprit-batch-1').first().waitFor({ timeout: 15_000 });
      expect(await clippedText(page)).toEqual([]);
      // Six charts, none squashed: each keeps a readable height.
      for (const id of [
        'chart-p99',
        'chart-throughput',
        'chart-disk',
        'chart-steal',
        'chart-health',
        'chart-host',
      ]) {
        const box = (await page.getByTestId(id).boundingBox())!;
        expect(box.height, `${id} height`).toBeGreaterThanOrEqual(h >= 1000 ? 240 : 145);
        expect(box.x + box.width, `${id} ends on screen`).toBeLessThanOrEqual(w);
      }
      for (const id of ['who-hurts-whom', 'event-log']) {
        const box = (await page.getByTestId(id).boundingBox())!;
        expect(box.y + box.height, `${id} ends on screen`).toBeLessThanOrEqual(h);
        expect(box.height, `${id} has room to be read`).toBeGreaterThanOrEqual(150);
      }
      // Under fixed quotas the host shows the idle cores nobody may use: one tile more, none cut.
      expect(
        (await api(server, `/api/labs/${lab}/commands`, { body: { type: 'setMode', mode: 'full' } })).status,
      ).toBe(200);
      await page.getByTestId('host-idle').waitFor({ timeout: 15_000 });
      expect(await clippedText(page)).toEqual([]);
      const spill = await page.getByTestId('host-panel').evaluate((p) =>
        Array.from(p.querySelectorAll<HTMLElement>('[data-testid^="host-"]'))
          .filter((t) => t.scrollWidth > t.clientWidth + 1)
          .map((t) => `${t.dataset.testid} ${t.scrollWidth}>${t.clientWidth}`),
      );
      expect(spill).toEqual([]);
      // Below the fold too: each card, scrolled to, shows its name and role whole ("ba…" for batch).
      for (const id of ['web-1', 'db-1', 'cache-1', 'batch-1', 'ci-1', 'mail-1']) {
        await page.getByTestId(`vps-card-${id}`).scrollIntoViewIfNeeded();
        expect(await clippedText(page), `${id}'s card`).toEqual([]);
      }
      expect(errors).toEqual([]);
    }, 60_000);
  }
});
