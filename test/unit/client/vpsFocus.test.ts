/** Where the charts' and the keyboard's focus on a VPS go when that VPS leaves the lab. */
import { describe, expect, it } from 'vitest';
import { cardHeir, focusAfter } from '../../../client/src/lib/vpsFocus.js';

const DEMO = ['web-1', 'db-1', 'cache-1', 'batch-1', 'ci-1', 'mail-1'];
const without = (id: string) => DEMO.filter((v) => v !== id);

describe('focusAfter', () => {
  it('lets go of a focused VPS that left the lab', () => {
    expect(focusAfter('batch-1', DEMO, without('batch-1'))).toBeNull();
  });

  it('keeps the focus while the focused VPS stays, whoever else comes or goes', () => {
    expect(focusAfter('web-1', DEMO, without('batch-1'))).toBe('web-1');
    expect(focusAfter('web-1', DEMO, [...DEMO, 'edge-1'])).toBe('web-1');
    expect(focusAfter(null, DEMO, without('web-1'))).toBeNull();
  });

  it('keeps a focus on a VPS only its past is drawn for (chosen from the legend after it left)', () => {
    expect(focusAfter('gone-1', without('batch-1'), without('batch-1').slice(1))).toBe('gone-1');
  });
});

describe('cardHeir', () => {
  it('is the card that takes its place, the one before it when it was the last, none when none is left', () => {
    expect(cardHeir('batch-1', DEMO, without('batch-1'))).toBe('ci-1');
    expect(cardHeir('mail-1', DEMO, without('mail-1'))).toBe('ci-1');
    expect(cardHeir('web-1', ['web-1'], [])).toBeNull();
  });

  it('skips the cards that left with it', () => {
    expect(cardHeir('batch-1', DEMO, ['web-1', 'db-1', 'mail-1'])).toBe('mail-1');
    expect(cardHeir('mail-1', DEMO, ['web-1', 'db-1'])).toBe('db-1');
  });
});
