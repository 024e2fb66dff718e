/**
 * Journey 4: a server started with a control token lets everyone watch, only token holders steer,
 * and every watcher sees the steering.
 */
import { describe, expect } from 'vitest';
import { browserTest } from './fixture.js';
import { api } from './harness.js';
import { createLab, waitChartsPast, waitForState } from './lab.js';

const TOKEN = 'front-of-class-42';

const test = browserTest({ controlToken: TOKEN });

describe('watch-only without the token', () => {
  test('shows the lab live, disables every control and says why', async ({ server, open }) => {
    const { page, errors } = await open(`/?lab=demo`);
    await waitChartsPast(page, 5);
    const banner = page.getByTestId('watch-only-banner');
    await banner.waitFor({ timeout: 10_000 });
    expect(await banner.textContent()).toMatch(/token/i);
    await expect
      .poll(() => page.getByRole('button', { name: 'Start cpu_hog on web-1' }).isDisabled())
      .toBe(true);
    expect(await page.getByRole('slider', { name: 'web-1 CPU load' }).isDisabled()).toBe(true);
    expect(await page.getByLabel('Virtualization mode').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Reboot host' }).isDisabled()).toBe(true);
    // The server refuses too, whatever the page shows.
    const r = await api(server, '/api/labs/demo/commands', {
      body: { type: 'startFault', vps: 'web-1', fault: 'cpu_hog' },
    });
    expect(r.status).toBe(403);
    expect((await waitForState(server, 'demo', () => true)).faults).toEqual([]);
    expect(errors.filter((e) => !/403|Forbidden/i.test(e))).toEqual([]);
  }, 60_000);

  test('with ?token= the page steers, and a watching page sees the change', async ({ server, open }) => {
    const lab = await createLab(server, { preset: 'demo' }, TOKEN);
    const watcher = await open(`/?lab=${lab}`);
    const teacher = await open(`/?lab=${lab}&token=${TOKEN}`);
    await Promise.all([waitChartsPast(watcher.page, 5), waitChartsPast(teacher.page, 5)]);
    expect(await teacher.page.getByTestId('watch-only-banner').count()).toBe(0);
    const start = teacher.page.getByRole('button', { name: 'Start cpu_hog on web-1' });
    await expect.poll(() => start.isEnabled()).toBe(true);
    await start.click();
    await waitForState(server, lab, (s) => s.faults.some((f) => f.vps === 'web-1' && f.fault === 'cpu_hog'));
    await watcher.page.getByRole('button', { name: 'Stop cpu_hog on web-1' }).waitFor({ timeout: 10_000 });
    expect(await watcher.page.getByRole('button', { name: 'Stop cpu_hog on web-1' }).isDisabled()).toBe(true);
    expect(teacher.errors).toEqual([]);
    // Checked last: a token left in the address bar travels with every copied link.
    expect(
      new URL(teacher.page.url()).searchParams.get('token'),
      'the token leaves the address bar',
    ).toBeNull();
  }, 60_000);
});
