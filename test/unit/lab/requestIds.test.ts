import { describe, expect, it } from 'vitest';
import { RequestIds } from '../../../server/lab/requestIds.js';

describe('RequestIds', () => {
  it('forgets a clock action whose applying threw, so sending it again applies it', async () => {
    const ids = new RequestIds();
    expect(() =>
      ids.onceNow('c-1', 'd', () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    const again = await ids.onceNow('c-1', 'd', () => Promise.resolve({ ok: true as const, data: 1 }));
    expect(again).toEqual({ ok: true, data: 1 });
  });
});
