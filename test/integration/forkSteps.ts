/** A compare lab forked from a running one, driven past its snapshot; and what a page reloading it sees. */
import { expect } from 'vitest';
import { http, postCommand, type TestServer } from './helpers.js';

/** The tick the fork is made at. */
export const FORK_TICK = 20;

/**
 * Lab `src` (the demo), fork `cmp` of it at FORK_TICK, a fault on the fork, then ticks past a
 * snapshot (with SNAPSHOT_EVERY_S=5).
 */
export async function forked(t: TestServer): Promise<void> {
  const src = await http(`${t.url}/api/labs`, { method: 'POST', body: { id: 'src', preset: 'demo' } });
  expect(src.status, src.text).toBe(201);
  t.advance(FORK_TICK * 100);
  const made = await http(`${t.url}/api/labs`, {
    method: 'POST',
    body: { id: 'cmp', from: 'src', compare: ['para', 'full'] },
  });
  expect(made.status, made.text).toBe(201);
  t.advance(3000);
  const hog = await postCommand(t, 'cmp', {
    type: 'startFault',
    vps: 'batch-1',
    fault: 'cpu_hog',
    durationS: 2,
  });
  expect(hog.ok).toBe(true);
  t.advance(8000);
}

/** What a page reloading the fork sees of it: each side's charts (its source's past first), its log, its state. */
export async function seen(t: TestServer) {
  const lab = t.server.registry.get('cmp')!;
  const last = lab.history.lastTick!;
  const side = async (s: number) => {
    const r = await http(`${t.url}/api/labs/cmp/history?side=${s}&from=0&to=${last}&points=1000`);
    expect(r.status, r.text).toBe(200);
    return r.body;
  };
  const events = (await http(`${t.url}/api/labs/cmp/events`)).body;
  return { last, charts: [await side(0), await side(1)], events, state: lab.state() };
}
