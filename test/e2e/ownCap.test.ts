/**
 * A VPS held at its own CPU cap by its own load, no fault running and no neighbour taking
 * anything: its card says its own cap holds it back, and who-hurts-whom finds no victim of a
 * neighbour in that line (it does not read it as contention spread over many neighbours).
 */
import { describe, expect } from 'vitest';
import type { Scenario } from '../../shared/commands.js';
import { browserTest } from './fixture.js';
import { byTestId, createLab, textNow, waitChartsPast } from './lab.js';

const test = browserTest();

const scenario: Scenario = {
  name: 'own cap',
  seed: 1,
  mode: 'full',
  host: { cores: 8, ramGiB: 32, diskIops: 100_000, netMbps: 10_000 },
  vps: [
    // 4 vCPUs asking 3.2 cores against a quota of 1: throttled 55 % of the time, alone or not.
    {
      id: 'batch-1',
      vcpus: 4,
      cpuCapCores: 1,
      ramGiB: 2,
      diskIops: 1000,
      netMbps: 100,
      load: { cpu: 0.8, mem: 0.3, disk: 0, net: 0 },
    },
    {
      id: 'web-1',
      vcpus: 2,
      cpuCapCores: 2,
      ramGiB: 2,
      diskIops: 1000,
      netMbps: 100,
      load: { cpu: 0.2, mem: 0.3, disk: 0.05, net: 0.05 },
    },
  ],
};

describe('a VPS held back by its own load', () => {
  test('its card names its own cap, and who-hurts-whom blames no neighbour', async ({ server, open }) => {
    const lab = await createLab(server, { scenario });
    const { page, errors } = await open(`/?lab=${lab}`);
    await waitChartsPast(page, 10);
    await expect
      .poll(() => textNow(page, byTestId('explain-batch-1')), { timeout: 15_000 })
      .toMatch(
        /batch-1 is held back by its own CPU cap \(fixed quota\), not by its neighbours: .* by its own load/,
      );
    const who = page.getByTestId('who-hurts-whom');
    expect(await who.textContent()).toMatch(/No VPS is short of a shared resource because of a neighbour/);
    expect(await who.textContent()).not.toMatch(/spread across many/);
    expect(await page.getByTestId('explain-web-1').textContent()).toMatch(/Unaffected by its neighbours/);
    expect(errors).toEqual([]);
  }, 60_000);
});
