/**
 * What the compare view's charts mark where a fork starts (`data-markers` on each chart figure):
 * the source's past is drawn as the source's ("Demo lab: mode → full"), not as a switch of each
 * side, and one marker at the fork's tick says "compare starts", on both sides. Before, a fork of
 * a lab switched to full drew "mode → full" on both sides, also on the side running para, and
 * nothing at the fork. Real server, REST, real Chromium.
 */
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTest } from './fixture.js';
import { api, unwrap } from './harness.js';
import { attributeNow, byTestId, createLab, labState, waitForState } from './lab.js';

const test = browserTest();

interface Label {
  text: string;
  t: number;
  kind: string;
  ahead: boolean;
}

/** The labels a chart drew, read now (null when it is not on the page or drew nothing yet). */
async function labels(page: Page, testid: string): Promise<Label[] | null> {
  const raw = await attributeNow(page, byTestId(testid), 'data-markers');
  return raw ? (JSON.parse(raw) as { labels: Label[] }).labels : null;
}

describe('compare fork markers', () => {
  test('the source’s mode switch is drawn as the source’s, and the fork as where the compare starts', async ({
    server,
    open,
  }) => {
    const src = await createLab(server, { preset: 'demo' });
    const name = (await labState(server, src)).name;
    await waitForState(server, src, (s) => s.tick >= 30);
    const mode = await api<{ tick: number }>(server, `/api/labs/${src}/commands`, {
      body: { type: 'setMode', mode: 'full' },
    });
    expect(mode.status, JSON.stringify(mode.body)).toBe(200);
    const switchTick = unwrap<{ tick: number }>(mode.body).tick;
    await waitForState(server, src, (s) => s.tick >= switchTick + 30);
    const made = await api<{ id: string }>(server, '/api/labs', {
      body: { id: 'forked', from: src, compare: ['para', 'full'] },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const log = await api<{ tick: number; kind: string }[]>(server, '/api/labs/forked/events');
    const forkTick = unwrap<{ tick: number; kind: string }[]>(log.body).find((e) => e.kind === 'fork')!.tick;

    const { page, errors } = await open(`/?lab=forked&view=compare`);
    for (const id of ['compare-p99-para', 'compare-p99-full']) {
      let last: Label[] | null = null;
      await expect
        .poll(
          async () => {
            last = await labels(page, id);
            return !!last?.some((l) => l.text === 'compare starts');
          },
          { timeout: 20_000 },
        )
        .toBe(true)
        .catch(() => {
          throw new Error(`${id}: never drew "compare starts"; last drew ${JSON.stringify(last)}`);
        });
      const drawn = last! as Label[];
      // The switch is the source's: named for it, at its time, and no side's own "mode → full".
      const switched = drawn.filter((l) => l.text.includes('mode → full'));
      expect(
        switched.map((l) => l.text),
        id,
      ).toEqual([`${name}: mode → full`]);
      expect(Math.abs(switched[0].t - switchTick / 10), `${id}: at the switch`).toBeLessThanOrEqual(0.15);
      const start = drawn.find((l) => l.text === 'compare starts')!;
      expect(Math.abs(start.t - forkTick / 10), `${id}: at the fork`).toBeLessThanOrEqual(0.15);
    }
    expect(errors).toEqual([]);
  }, 90_000);
});
