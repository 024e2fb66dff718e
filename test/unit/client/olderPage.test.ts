/**
 * The older history as the page lives with it: what the lab's one live region says of it (once per
 * change, whatever the number of charts and modes), and its waits on a page that is hidden and
 * shown again from the back/forward cache.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LabClient } from '../../../client/src/lib/lab.svelte.js';
import type { HistoryResult, OlderWait } from '../../../client/src/lib/older.js';
import { olderNews, QUIET } from '../../../client/src/lib/olderNews.js';
import { HISTORY_TRIES } from '../../../client/src/lib/historyRetry.js';
import { FrameHistory } from '../../../server/lab/history.js';
import type { LabState, SnapshotMessage } from '../../../shared/protocol.js';
import { frame, vpsMetrics } from './frames.js';
import { BUSY, DOWN, OK } from './historyAnswers.js';

const wait = (reason: OlderWait['reason'], attempt = 2): OlderWait => ({
  reason,
  attempt,
  of: HISTORY_TRIES,
});

/** A snapshot of the last minute of a lab 160 s old (ticks 1000 to 1599), comparing two modes when asked. */
function snapshot(compare: boolean): SnapshotMessage {
  const held = new FrameHistory({ maxTicks: 10_000, maxBytes: 1e8 });
  for (let tick = 1000; tick < 1600; tick++) {
    const f = frame(tick, [vpsMetrics('web-1')]);
    held.push(compare ? [f, f] : [f]);
  }
  const state: LabState = {
    id: 'demo',
    name: 'Demo',
    tick: 1599,
    tickMs: 100,
    mode: 'para',
    ...(compare ? { compareMode: 'full' } : {}),
    host: { cores: 16, ramGiB: 64, diskIops: 100_000, netMbps: 10_000, memBwGBs: 100 },
    vps: [],
    faults: [],
    hostFaults: [],
    speed: 1,
    paused: false,
  };
  return {
    lab: 'demo',
    state,
    historyColumns: held.columns('demo', 1000, 1599, compare ? 2 : 1),
    events: [],
    canControl: true,
  };
}

/** A lab client whose history fetches answer `results` in turn (then OK); the sides it asked for. */
function lab(results: HistoryResult[], compare = false) {
  const asked: number[] = [];
  const c = new LabClient('demo', 9000, 200, async (_lab, q) => {
    asked.push(q.side);
    return results.shift() ?? OK;
  });
  c.applyWireSnapshot(snapshot(compare));
  return { c, asked };
}

describe('the live region of the older data', () => {
  it('speaks when the lab starts waiting, not again for each try, reason or mode, and once when it came', () => {
    const w = olderNews(QUIET, [wait('busy'), null], false);
    expect(w.text).toBe('Earlier chart data is on its way (the server is busy).');
    expect(olderNews(w, [wait('busy', 3), null], false)).toBe(w);
    expect(olderNews(w, [wait('unreachable', 4), null], false)).toBe(w);
    expect(olderNews(w, [null, wait('busy')], true)).toBe(w);
    expect(olderNews(w, [null, null], true).text).toBe('Earlier chart data has loaded.');
  });

  it('says when the tries ran out (a reload may help) apart from a refusal (it would not)', () => {
    const w = olderNews(QUIET, [wait('busy'), null], false);
    const gaveUp = olderNews(w, [wait('gaveUp', HISTORY_TRIES), null], false);
    expect(gaveUp.text).toMatch(/could not be loaded\. Reload the page/);
    expect(olderNews(gaveUp, [wait('gaveUp', HISTORY_TRIES), wait('busy')], false)).toBe(gaveUp);
    const refused = olderNews(QUIET, [wait('refused', 1), null], false);
    expect(refused.text).toBe('Earlier chart data is not available from the server.');
    expect(refused.text).not.toMatch(/[Rr]eload/);
  });

  it('stays quiet when the data comes at once, and falls silent when a wait is cancelled', () => {
    expect(olderNews(QUIET, [null, null], true)).toBe(QUIET);
    const w = olderNews(QUIET, [wait('unreachable'), null], false);
    expect(olderNews(w, [null, null], false)).toBe(QUIET);
  });
});

describe('LabClient and its older history', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it("changes its one region's words once per change of the lab's state, however many modes wait", async () => {
    const { c, asked } = lab([BUSY, BUSY, DOWN], true);
    const said: string[] = [];
    const listen = (): void => {
      if (c.olderNews.text !== said.at(-1)) said.push(c.olderNews.text);
    };
    c.needHistory(300);
    for (let i = 0; i < 20; i++) {
      await vi.advanceTimersByTimeAsync(500);
      listen();
    }
    expect(asked.length).toBeGreaterThanOrEqual(4);
    expect(c.olderWait).toEqual([null, null]);
    expect(said).toEqual([
      'Earlier chart data is on its way (the server is busy).',
      'Earlier chart data has loaded.',
    ]);
  });

  it('cancels a wait when the page is hidden, and asks again when it is shown from the back/forward cache', async () => {
    const { c, asked } = lab([BUSY]);
    const page = new EventTarget();
    const stop = c.followPage(page);
    const idle = vi.getTimerCount();
    c.needHistory(300);
    await vi.advanceTimersByTimeAsync(0);
    expect(asked).toHaveLength(1);
    expect(c.olderWait[0]?.reason).toBe('busy');
    expect(vi.getTimerCount()).toBe(idle + 1);

    page.dispatchEvent(new Event('pagehide'));
    expect(c.olderWait[0]).toBeNull();
    expect(vi.getTimerCount(), 'no wait left to fire').toBe(idle);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(asked).toHaveLength(1);

    // A page shown for the first time (not from the cache) has nothing to ask again.
    page.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: false }));
    expect(asked).toHaveLength(1);
    page.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    await vi.advanceTimersByTimeAsync(0);
    expect(asked).toHaveLength(2);
    expect(c.coarse[0]?.length).toBe(100);

    // What came is kept: hidden and shown again, nothing more is asked.
    page.dispatchEvent(new Event('pagehide'));
    page.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    await vi.advanceTimersByTimeAsync(0);
    expect(asked).toHaveLength(2);
    expect(c.coarse[0]?.length).toBe(100);

    // A refusal stays one: hidden and shown again, it is not asked again, and its note stays.
    const refused = lab([{ ok: false, failure: { kind: 'refused' } }]);
    refused.c.followPage(page);
    refused.c.needHistory(300);
    await vi.advanceTimersByTimeAsync(0);
    expect(refused.c.olderWait[0]?.reason).toBe('refused');
    page.dispatchEvent(new Event('pagehide'));
    page.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    await vi.advanceTimersByTimeAsync(0);
    expect(refused.asked).toHaveLength(1);
    expect(refused.c.olderWait[0]?.reason).toBe('refused');

    // No longer followed (the lab is closed): the page's events change nothing.
    stop();
    c.needHistory(900);
    await vi.advanceTimersByTimeAsync(0);
    expect(asked).toHaveLength(3);
    page.dispatchEvent(new Event('pagehide'));
    page.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    await vi.advanceTimersByTimeAsync(0);
    expect(asked).toHaveLength(3);
  });
});
