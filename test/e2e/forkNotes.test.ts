/**
 * A compare fork's inherited past reads as the fork's own: a fault that started and ended in the
 * source is marked "cpu_hog on batch-1" and "cpu_hog on batch-1 ended", as one started and ended
 * in the fork is ("cpu_hog on web-1 … ended"). Before, what the engine did in the source (a fault
 * ending, a VPS going down or coming back) kept its log entry's "[Demo lab] " in front. Real server,
 * REST, real Chromium.
 */
import { describe, expect } from 'vitest';
import { browserTest } from './fixture.js';
import { api } from './harness.js';
import { createLab, markers, stepTo, waitChartsPast } from './lab.js';

const test = browserTest();

/** A 2 s cpu_hog on `vps` in `lab`, started at the tick the lab is paused at. */
const hog = (vps: string) => ({
  body: { type: 'startFault', vps, fault: 'cpu_hog', durationS: 2 },
});

describe('a fork’s inherited faults', () => {
  test('read as the fork’s own on the charts: started, and ended by themselves', async ({ server, open }) => {
    const src = await createLab(server, { preset: 'demo' });
    await stepTo(server, src, 10);
    expect((await api(server, `/api/labs/${src}/commands`, hog('batch-1'))).status).toBe(200);
    await stepTo(server, src, 60);
    const made = await api(server, '/api/labs', {
      body: { id: 'forked', from: src, compare: ['para', 'full'] },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    await stepTo(server, 'forked', 70);
    expect((await api(server, '/api/labs/forked/commands', hog('web-1'))).status).toBe(200);
    await stepTo(server, 'forked', 120);

    const { page, errors } = await open('/?lab=forked');
    await waitChartsPast(page, 10);
    const about = (vps: string) => async () => [
      ...new Set((await markers(page)).filter((m) => m.label.includes(vps)).map((m) => m.label)),
    ];
    await expect
      .poll(about('web-1'), { timeout: 15_000 })
      .toEqual(['cpu_hog on web-1', 'cpu_hog on web-1 ended']);
    expect(await about('batch-1')()).toEqual(['cpu_hog on batch-1', 'cpu_hog on batch-1 ended']);
    expect(errors).toEqual([]);
  }, 90_000);
});
