/**
 * Host fairness has no value where no VPS that answers has anything to compare (all idle, or all
 * down or hung): the host panel and the compare view say so with a dash, never "NaN".
 */
import { describe, expect } from 'vitest';
import { browserTest } from './fixture.js';
import { byTestId, createLab, presetScenario, textNow, waitChartsPast } from './lab.js';

const test = browserTest();

describe('host fairness with nothing to compare', () => {
  test('reads a dash in the host panel and in the compare view', async ({ server, open }) => {
    const base = presetScenario('kernel-panic');
    const idle = {
      ...base,
      vps: base.vps.map((v) => ({ ...v, load: { cpu: 0, mem: 0.2, disk: 0, net: 0 } })),
    };
    const lab = await createLab(server, { scenario: idle });
    const compare = await createLab(server, { scenario: idle, compare: ['container', 'full'] });

    const one = await open(`/?lab=${lab}`);
    await waitChartsPast(one.page, 3);
    // Tiles and views re-render each tick: each look reads them now.
    const tile = () => textNow(one.page, byTestId('host-fairness'));
    await expect.poll(tile).toMatch(/Fairness\s*—/);
    expect(await tile()).not.toMatch(/NaN/);
    expect(one.errors).toEqual([]);

    const two = await open(`/?lab=${compare}&view=compare`);
    await waitChartsPast(two.page, 3, ['compare-p99-container', 'compare-p99-full']);
    const view = () => textNow(two.page, byTestId('compare-view'));
    await expect.poll(view).toMatch(/container: host CPU [^,]+, fairness —/);
    expect(await view()).not.toMatch(/NaN/);
    expect(two.errors).toEqual([]);
  }, 90_000);
});
