/**
 * A session that has run past the week of simulated time a scenario file holds is not exported as
 * a file nothing would read: `GET /api/labs/:id/scenario` answers 409 naming `durationS`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, removeDir, settle, startServer, type TestServer } from './helpers.js';

const WEEK_S = 7 * 86_400;
/** Ticks of 10 s (the longest a scenario may have): a week is 60 480 of them. */
const scenario = {
  name: 'a long week',
  tickMs: 10_000,
  mode: 'full',
  vps: [{ id: 'a', vcpus: 1, ramGiB: 1, diskIops: 100, netMbps: 10 }],
};

let t: TestServer;
beforeAll(async () => {
  t = await startServer({ config: { commandRate: 10_000 } });
});
afterAll(async () => {
  await t.close();
  removeDir(t.dataDir);
});

const clock = (body: unknown) =>
  settle(t, http(`${t.url}/api/labs/week/clock`, { method: 'POST', body }), 1000);

/** Step the paused lab until it has run `ticks`. */
async function stepTo(ticks: number): Promise<void> {
  for (;;) {
    const at = (await http(`${t.url}/api/labs/week`)).body.data.tick as number;
    if (at >= ticks) return;
    const r = await clock({ action: 'step', ticks: Math.min(600, ticks - at) });
    expect(r.body.ok, r.text).toBe(true);
  }
}

describe('a session past a week', () => {
  it('is exported up to a week, then refused naming durationS', async () => {
    const made = await http(`${t.url}/api/labs`, { method: 'POST', body: { id: 'week', scenario } });
    expect(made.status, made.text).toBe(201);
    expect((await clock({ action: 'pause' })).body.ok).toBe(true);

    await stepTo(WEEK_S / 10);
    const atWeek = await http(`${t.url}/api/labs/week/scenario`);
    expect(atWeek.status, atWeek.text).toBe(200);
    expect(atWeek.body.data.durationS).toBeLessThanOrEqual(WEEK_S);
    // What is exported is taken back.
    const back = await http(`${t.url}/api/labs`, {
      method: 'POST',
      body: { id: 'again', scenario: atWeek.body.data },
    });
    expect(back.status, back.text).toBe(201);

    await stepTo(WEEK_S / 10 + 1);
    for (const query of ['', '?download']) {
      const past = await http(`${t.url}/api/labs/week/scenario${query}`);
      expect(past.status, past.text).toBe(409);
      expect(past.body.error).toMatchObject({ code: 'LIMIT_EXCEEDED', path: 'durationS' });
      expect(past.body.error.message).toMatch(/^durationS: /);
      expect(past.body.error.message).toContain(`${WEEK_S}`);
    }
  }, 300_000);
});
