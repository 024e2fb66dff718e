import { describe, expect, it } from 'vitest';
import { seriesClip } from '../../../client/src/lib/chart.js';

const area = { left: 52, top: 12, right: 350, bottom: 173.2 };

describe('where the series may paint', () => {
  it.each([[[1]], [[1, 1.5]], [[2, 1]], [[3]]])(
    'a line of widths %j at the top or bottom of the scale keeps its whole stroke and its soft edge',
    (widths) => {
      const clip = seriesClip(
        area,
        widths.map((width) => ({ width })),
      );
      const widest = Math.max(...widths);
      // A stroke centred on the top (or bottom) edge reaches half its width past it; anti-aliasing shades one pixel more.
      expect(clip.top).toBeLessThanOrEqual(area.top - widest / 2 - 1);
      expect(clip.bottom).toBeGreaterThanOrEqual(area.bottom + widest / 2 + 1);
    },
  );

  it('stays at the axes left and right, and close to the plot above and below', () => {
    const clip = seriesClip(area, [{ width: 2 }, { width: 1 }]);
    expect([clip.left, clip.right]).toEqual([area.left, area.right]);
    expect(area.top - clip.top).toBeLessThanOrEqual(3);
    expect(clip.bottom - area.bottom).toBeLessThanOrEqual(3);
  });

  it('with no line at all, still lets a hairline show whole', () => {
    const clip = seriesClip(area, []);
    expect(clip.top).toBeLessThan(area.top - 1);
  });
});
