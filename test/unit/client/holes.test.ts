import { describe, expect, it } from 'vitest';
import type { FrameMessage } from '../../../shared/protocol.js';
import { SeriesTable } from '../../../client/src/lib/series.js';
import { HOLE_MIN_TICKS, leavesHole } from '../../../client/src/lib/holes.js';
import { frame, vpsMetrics } from './frames.js';

/** A table holding frames at these ticks. */
function held(ticks: number[]): SeriesTable {
  const t = new SeriesTable(1000);
  for (const k of ticks) t.append(frame(k, [vpsMetrics('web-1')]));
  return t;
}

const message = (tick: number, missed: number[] = []): FrameMessage => ({
  lab: 'l',
  tick,
  frames: [frame(tick, [vpsMetrics('web-1')])],
  ...(missed.length ? { missed: missed.map((k) => [frame(k, [vpsMetrics('web-1')])]) } : {}),
});

describe('leavesHole', () => {
  it('sees nothing to fill in an empty table (the snapshot comes first)', () => {
    expect(leavesHole(held([]), message(500))).toBe(false);
  });

  it('takes the next tick, or a late broadcast that carries the ticks it missed, as whole', () => {
    const t = held([0, 1, 2, 3]);
    expect(leavesHole(t, message(4))).toBe(false);
    expect(leavesHole(t, message(14, [4, 5, 6, 7, 8, 9, 10, 11, 12, 13]))).toBe(false);
  });

  it('sees a hole when the first tick sent is far past the newest held', () => {
    const t = held([0, 1, 2, 3]);
    expect(leavesHole(t, message(3 + HOLE_MIN_TICKS + 1))).toBe(true);
    expect(leavesHole(t, message(304, [294, 295, 296, 297, 298, 299, 300, 301, 302, 303]))).toBe(true);
  });

  it('takes the coalesced ticks of a fast lab as its usual spacing, and a jump well past it as a hole', () => {
    const fast = held([0, 50, 100, 150]);
    expect(leavesHole(fast, message(200))).toBe(false);
    expect(leavesHole(fast, message(260))).toBe(false);
    expect(leavesHole(fast, message(750))).toBe(true);
  });
});
