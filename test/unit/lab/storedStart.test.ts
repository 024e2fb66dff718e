/**
 * A fork's start as a store gives it back: used when whole and where the fork was made, else not
 * used, with a note naming the part and why (the fork then comes back from its snapshot alone);
 * the lab itself is never refused for it, and a lab that is no fork has none.
 */
import { describe, expect, it } from 'vitest';
import { FILE_NAMES, parseStoredLab } from '../../../server/lab/stored.js';
import type { RawLab } from '../../../server/lab/store.js';
import { fakeScenario } from './fakeEngine.js';

const compare = ['para', 'full'];
const metaOf = (extra: object = {}) =>
  JSON.stringify({ version: 1, id: 'f', scenario: fakeScenario(), compare, createdAt: 'now', ...extra });
const snapOf = (extra: object = {}) =>
  JSON.stringify({
    tick: 20,
    seq: 0,
    engines: [{}, {}],
    speed: 1,
    paused: false,
    events: [],
    savedAt: '',
    ...extra,
  });
const rec = (seq: number, tick: number) =>
  JSON.stringify({ seq, tick, by: 'x', command: { type: 'removeVps', vps: `vps-${seq}` } });

/** A fork made at tick 20, its snapshot at tick 50 after two commands. */
const fork = (raw: Partial<RawLab> = {}): RawLab => ({
  meta: metaOf({ forkedAt: 20 }),
  snapshot: snapOf({ tick: 50, seq: 2 }),
  start: snapOf(),
  commands: [rec(1, 30), rec(2, 40)],
  ...raw,
});

const parsed = (raw: RawLab) => {
  const r = parseStoredLab('f', raw);
  if (!r.ok) throw new Error(r.error);
  return r.data;
};

describe("a fork's start", () => {
  it('is read back when whole, at the tick the fork was made', () => {
    const s = parsed(fork());
    expect(s.start).toMatchObject({ tick: 20, seq: 0, engines: [{}, {}] });
    expect(s.notes).toEqual([]);
  });

  it.each<[string, Partial<RawLab>, RegExp]>([
    ['missing (saved before it was kept)', { start: undefined }, /^start\.json is missing; /],
    ['not JSON', { start: '{"tick":' }, /^start\.json: not valid JSON/],
    ['of another shape', { start: snapOf({ engines: 'x' }) }, /^start\.json: engines: /],
    [
      'with one engine',
      { start: snapOf({ engines: [{}] }) },
      /^start\.json: engines: 1 saved, the lab runs 2/,
    ],
    [
      'at another tick',
      { start: snapOf({ tick: 19 }) },
      /^start\.json: tick: 19 is not the tick the lab was forked at \(20\)/,
    ],
    [
      'past a command of the log',
      { commands: [rec(1, 10), rec(2, 40)] },
      /^start\.json: tick 20 is past command 1 logged at tick 10; not used/,
    ],
    [
      'past the snapshot',
      { start: snapOf({ seq: 3 }) },
      /^start\.json: tick 20 \(record 3\) is past snapshot\.json \(tick 50, record 2\)/,
    ],
    [
      'followed by a log that misses records (Redis published the lab again)',
      { commands: [rec(2, 40)], logFromSnapshot: true },
      /^commands\.ndjson: record 1 after start\.json is missing; not used/,
    ],
    [
      'unreadable',
      { unreadable: { start: 'EISDIR: illegal operation on a directory' } },
      /^start\.json: cannot be read \(EISDIR/,
    ],
  ])('%s, is not used, and a note says why', (_what, raw, why) => {
    const s = parsed(fork(raw));
    expect(s.start).toBeUndefined();
    expect(s.notes).toEqual([expect.stringMatching(why)]);
    expect(s.notes[0]).toMatch(/snapshot only/);
    expect(s.snapshot).toBeDefined();
  });

  it('is named by its Redis key when read from Redis', () => {
    const names = { ...FILE_NAMES, start: 'contention:start:f' };
    const s = parsed(fork({ start: '[]', names }));
    expect(s.notes).toEqual([expect.stringMatching(/^contention:start:f: /)]);
  });

  it('is none of a lab that is no fork', () => {
    const s = parsed({ meta: metaOf(), snapshot: snapOf(), start: snapOf(), commands: [] });
    expect(s.start).toBeUndefined();
    expect(s.notes).toEqual([]);
  });
});
