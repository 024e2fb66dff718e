/**
 * What a screen reader hears about the charts' older data: the lab's one polite live region. Each
 * chart shows its own note over its gap (up to six at once), drawn inside the chart's image, so
 * none of them is read; a region per chart would say the same thing six times. The region speaks
 * when the lab's state changes: the older data is on its way, it could not be loaded, or, once a
 * wait was announced, that it came. A fetch that succeeds at once is never announced, nor a try
 * after another, nor a wait cancelled because the window changed.
 */
import type { OlderWait } from './older.js';

/** What the region last said: `kind` decides whether there is news, `text` is read out. */
export interface OlderNews {
  kind: 'quiet' | 'waiting' | 'gaveUp' | 'refused' | 'arrived';
  text: string;
}

export const QUIET: OlderNews = { kind: 'quiet', text: '' };

const WAITING: Record<'busy' | 'unreachable', string> = {
  busy: 'Earlier chart data is on its way (the server is busy).',
  unreachable: 'Earlier chart data is on its way (no answer from the server yet).',
};
const GAVE_UP: OlderNews = {
  kind: 'gaveUp',
  text: 'Earlier chart data could not be loaded. Reload the page to try again.',
};
const REFUSED: OlderNews = { kind: 'refused', text: 'Earlier chart data is not available from the server.' };
const ARRIVED: OlderNews = { kind: 'arrived', text: 'Earlier chart data has loaded.' };

/**
 * The region's words after `prev`, given each mode's wait now (`waits`) and whether this change is
 * older data arriving; `prev` itself when there is no news, so a caller can skip the update. The
 * worst state of the lab's modes speaks for them all: refused, then given up, then waiting.
 */
export function olderNews(
  prev: OlderNews,
  waits: readonly (OlderWait | null)[],
  arrived: boolean,
): OlderNews {
  const worst = (reason: OlderWait['reason']) => waits.some((w) => w?.reason === reason);
  if (worst('refused')) return prev.kind === 'refused' ? prev : REFUSED;
  if (worst('gaveUp')) return prev.kind === 'gaveUp' ? prev : GAVE_UP;
  const waiting = waits.find((w) => w?.reason === 'busy' || w?.reason === 'unreachable');
  if (waiting) {
    if (prev.kind === 'waiting') return prev;
    return { kind: 'waiting', text: WAITING[waiting.reason as 'busy' | 'unreachable'] };
  }
  // Nothing waited for: the data came after a wait that was announced, or the wait went quietly.
  if (arrived && prev.kind === 'waiting') return ARRIVED;
  return prev.kind === 'waiting' || prev.kind === 'gaveUp' || prev.kind === 'refused' ? QUIET : prev;
}
