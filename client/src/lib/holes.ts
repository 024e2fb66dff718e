/**
 * Whether a live frame would leave a hole in the charts: it starts further past the newest tick
 * held than the server's coalescing explains (a clock step of many ticks, a long stall). The
 * server keeps every tick, so the page asks for a fresh snapshot rather than draw a gap.
 */
import type { FrameMessage } from '../../../shared/protocol.js';
import type { SeriesTable } from './series.js';

/**
 * A broadcast at 1× carries up to 10 ticks it had no broadcast of its own: a jump of more than this
 * is ticks the page will never get from the live stream.
 */
export const HOLE_MIN_TICKS = 12;
/** At speed the server sends the newest of several ticks: a jump counts once it is this many times the usual one. */
export const HOLE_SPACINGS = 4;

export function leavesHole(table: SeriesTable, msg: FrameMessage): boolean {
  const n = table.length;
  if (n === 0) return false;
  const last = table.lastTick;
  const first = msg.missed?.[0]?.[0]?.tick ?? msg.tick;
  const spacing = n > 1 ? last - table.tickAt(n - 2) : 1;
  return first - last > Math.max(HOLE_MIN_TICKS, HOLE_SPACINGS * spacing);
}
