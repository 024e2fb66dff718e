import { describe, expect, it } from 'vitest';
import { captionOf, fitText, legendRows } from '../../../client/src/lib/png.js';

/** A monospace measure: 7 px a character. */
const mono = (t: string): number => t.length * 7;

describe('PNG export layout', () => {
  it('a caption keeps its parts apart, line keys listed', () => {
    expect(captionOf(['Dom0 CPU', '%', ['Dom0', 'all cores']])).toBe('Dom0 CPU · % · Dom0, all cores');
    expect(captionOf(['Health', 'score 0–100', '100 = meets\n  its SLO'])).toBe(
      'Health · score 0–100 · 100 = meets its SLO',
    );
    expect(captionOf(['p99 latency', '', 'log scale'])).toBe('p99 latency · log scale');
  });

  it('a caption too wide for its column is cut with an ellipsis, never past the column', () => {
    const text = 'Health · score 0–100 · 100 = meets its SLO';
    expect(fitText(text, 1000, mono)).toBe(text);
    const cut = fitText(text, 140, mono);
    expect(cut.endsWith('…')).toBe(true);
    expect(mono(cut)).toBeLessThanOrEqual(140);
    expect(text.startsWith(cut.slice(0, -1))).toBe(true);
    // The longest such cut: one more character would not fit.
    expect(mono(text.slice(0, cut.length) + '…')).toBeGreaterThan(140);
    expect(fitText(text, 3, mono)).toBe('');
  });

  it('the legend wraps into rows and drops no VPS', () => {
    const ids = Array.from({ length: 64 }, (_, i) => ({ id: `vm-${i}` }));
    const rows = legendRows(ids, 500, mono, 14, 16);
    expect(rows.flat()).toEqual(ids);
    expect(rows.length).toBeGreaterThan(1);
    for (const row of rows) {
      const w = row.reduce((s, e) => s + 14 + mono(e.id), 0) + 16 * (row.length - 1);
      expect(w).toBeLessThanOrEqual(500);
    }
    expect(legendRows([], 500, mono, 14, 16)).toEqual([]);
  });
});
