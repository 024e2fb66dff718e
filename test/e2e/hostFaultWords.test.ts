/**
 * A host fault is named on the charts in words: a crash of the host OS, started from its button,
 * was marked "host os_crash" (only the first "_" of "host_os_crash" made a space), ahead of time
 * as the scenario's and where it started.
 */
import { describe, expect } from 'vitest';
import { browserTest } from './fixture.js';
import { attributeNow, byTestId, createLab, presetScenario, waitForState } from './lab.js';

const test = browserTest();

describe('a host OS crash on the charts', () => {
  test('is marked "host os crash", where it started and ahead of time', async ({ server, open }) => {
    // The preset's own crash, at 0:20, stays scheduled: the charts mark it ahead of time.
    const lab = await createLab(server, { scenario: presetScenario('host-os-crash-hosted', {}, true) });
    const { page, errors } = await open(`/?lab=${lab}`, { width: 1280, height: 720 });
    await page.getByRole('button', { name: 'Crash host OS' }).click();
    await waitForState(server, lab, (s) => s.hostFaults.some((f) => f.fault === 'host_os_crash'));
    const labels = async (): Promise<string[]> => {
      const raw = await attributeNow(page, byTestId('chart-p99'), 'data-markers');
      return raw ? (JSON.parse(raw) as { labels: { text: string }[] }).labels.map((l) => l.text) : [];
    };
    await expect
      .poll(async () => (await labels()).filter((t) => /^host os/.test(t)).length, { timeout: 15_000 })
      .toBeGreaterThanOrEqual(1);
    const words = (await labels()).filter((t) => /host/.test(t));
    expect(
      words.some((t) => t.startsWith('host os crash')),
      words.join(' | '),
    ).toBe(true);
    expect(
      words.some((t) => t.startsWith('▸ host os crash')),
      words.join(' | '),
    ).toBe(true);
    expect(words.filter((t) => t.includes('_'))).toEqual([]);
    expect(errors).toEqual([]);
  }, 60_000);
});
