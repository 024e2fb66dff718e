/**
 * Journey 4, step 3: the page survives a server restart. While the server is away it says so; when
 * the server is back (same port, same data) the banner goes and the charts carry on from where the
 * lab was, with no tick going backwards. A page watching while the lab is stepped many ticks at
 * once gets every one of them.
 */
import { describe, expect } from 'vitest';
import { browserTest } from './fixture.js';
import { api, unwrap } from './harness.js';
import {
  byTestId,
  chartTick,
  createLab,
  labState,
  series,
  textNow,
  textWhenShown,
  waitChartsPast,
} from './lab.js';

const test = browserTest();

describe('server restart', () => {
  test('shows the disconnected banner while the server is down and resumes the ticks after it returns', async ({
    server,
    open,
  }) => {
    const { page } = await open(`/?lab=demo`);
    await waitChartsPast(page, 10);
    expect(await page.getByTestId('disconnected-banner').count()).toBe(0);
    const viewers = page.getByTestId('viewers');
    // The viewer count leaves while disconnected, and the banner once back: each is read in one look.
    const watching = () => textNow(page, byTestId('viewers'));
    const status = () => textNow(page, byTestId('connection-status'));
    await expect.poll(watching).toBe('1 watching');

    const before = await labState(server, 'demo');
    await server.stop('SIGTERM');
    const banner = page.getByTestId('disconnected-banner');
    expect(await textWhenShown(page, byTestId('disconnected-banner'), 10_000)).toMatch(/reconnect/i);
    await expect.poll(status).toMatch(/Offline|Connecting/);
    const tickWhileDown = await chartTick(page, 'chart-p99');
    // Nothing offers to steer while nothing can be sent, and the charts do not claim to be live.
    // Each control says it is unavailable (aria-disabled: it keeps a keyboard's focus, where
    // `disabled` would drop it) and refuses: a click or a key changes nothing, here or in the lab.
    const hog = page.getByRole('button', { name: 'Start cpu_hog on web-1' });
    const slider = page.getByRole('slider', { name: 'web-1 CPU load' });
    const dom0 = page.getByRole('button', { name: 'Crash Dom0' });
    expect(await hog.getAttribute('aria-disabled'), 'fault button while disconnected').toBe('true');
    expect(await slider.getAttribute('aria-disabled'), 'slider while disconnected').toBe('true');
    expect(await dom0.getAttribute('aria-disabled'), 'host fault while disconnected').toBe('true');
    const cpuShown = await slider.inputValue();
    await hog.click({ force: true });
    await dom0.press('Enter');
    await slider.press('ArrowRight');
    await slider.click({ force: true, position: { x: 2, y: 8 } });
    expect(await slider.inputValue(), 'slider moved while disconnected').toBe(cpuShown);
    expect(await page.getByRole('button', { name: 'Stop cpu_hog on web-1' }).count()).toBe(0);
    expect(await page.getByTestId('follow-status').textContent()).not.toMatch(/Live/);
    // Nor does it say who watches a room it has left ("1 watching" beside "Offline").
    expect(await viewers.count(), 'viewer count while disconnected').toBe(0);

    await server.restart();
    await banner.waitFor({ state: 'detached', timeout: 20_000 });
    await expect.poll(status, { timeout: 10_000 }).toMatch(/Live/);
    await expect.poll(() => hog.getAttribute('aria-disabled'), { timeout: 10_000 }).toBe('false');
    expect(await slider.getAttribute('aria-disabled')).toBe('false');
    const back = await labState(server, 'demo');
    expect(back.faults, 'faults started while disconnected').toEqual(before.faults);
    expect(back.hostFaults, 'host faults while disconnected').toEqual(before.hostFaults);
    expect(back.vps.find((v) => v.id === 'web-1')!.load, 'web-1 load').toEqual(
      before.vps.find((v) => v.id === 'web-1')!.load,
    );
    expect(await page.getByTestId('follow-status').textContent()).toMatch(/Live/);
    await expect.poll(watching).toBe('1 watching');
    // Ticks continue from where the lab was saved, and keep coming.
    const resumed = await waitChartsPast(page, tickWhileDown, ['chart-p99'], 20_000);
    await waitChartsPast(page, resumed + 5, ['chart-p99'], 20_000);
    // The held history runs without a gap across the restart.
    const s = await series(page, 'web-1', 'latencyP99Ms');
    const gaps = s.t.flatMap((t, i) => (i > 0 && t - s.t[i - 1] > 0.1 + 1e-9 ? [`${s.t[i - 1]}→${t}`] : []));
    expect(gaps, `restart at simulated ${tickWhileDown / 10} s`).toEqual([]);
    expect(s.t.length).toBeGreaterThan(10);
  }, 90_000);

  test('a page watching while the lab is stepped 300 ticks at once holds every tick, no hole in its charts', async ({
    server,
    open,
  }) => {
    const lab = await createLab(server, { preset: 'demo' });
    const { page, errors } = await open(`/?lab=${lab}`);
    const from = await waitChartsPast(page, 5, ['chart-p99']);
    const r = await api(server, `/api/labs/${lab}/clock`, { body: { action: 'step', ticks: 300 } });
    const to = unwrap<{ tick: number }>(r.body).tick;
    expect(to).toBeGreaterThanOrEqual(from + 300);
    const { tickMs } = await labState(server, lab);
    // Every sample since the charts' tick before the step, one tick apart: no hole across the step.
    const whole = async (): Promise<string> => {
      const s = await series(page, 'web-1', 'latencyP99Ms');
      const since = s.t.filter((t) => t > (from * tickMs) / 1000);
      const gaps = since.flatMap((t, i) =>
        i > 0 && t - since[i - 1] > tickMs / 1000 + 1e-9 ? [`${since[i - 1]}→${t}`] : [],
      );
      return gaps.length === 0 && since.length >= 300
        ? 'whole'
        : `${since.length} samples, gaps ${gaps.slice(0, 3).join(' ')}`;
    };
    await expect.poll(whole, { timeout: 20_000 }).toBe('whole');
    await waitChartsPast(page, to - 2, ['chart-p99']);
    expect(errors).toEqual([]);
  }, 60_000);
});
