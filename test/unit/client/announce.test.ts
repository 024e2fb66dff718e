import { describe, expect, it } from 'vitest';
import { SILENT, announce } from '../../../client/src/lib/announce.js';

const hog = (ratio: number, share: number): string =>
  `web-1 p99 ×${ratio}: batch-1's cpu_hog holds ${share} % of the host CPU under shared scheduling`;

describe('announce', () => {
  it('says nothing while no VPS is focused, whatever the explanations do', () => {
    expect(announce(SILENT, null, hog(6, 62))).toBe(SILENT);
    const said = announce(SILENT, 'web-1', hog(6, 62));
    expect(announce(said, null, hog(6, 62))).toEqual(SILENT);
  });

  it("reads the focused VPS's explanation when the focus lands on it", () => {
    expect(announce(SILENT, 'web-1', hog(6, 62)).text).toBe(hog(6, 62));
    expect(announce(SILENT, 'web-1', null).text).toBe('web-1: unaffected by its neighbours');
  });

  it('stays quiet while only the figures move', () => {
    const said = announce(SILENT, 'web-1', hog(6, 62));
    expect(announce(said, 'web-1', hog(7, 58))).toBe(said);
    expect(announce(said, 'web-1', hog(12.5, 61.3))).toBe(said);
  });

  it('speaks again when the words change: another culprit, another VPS, or relief', () => {
    const said = announce(SILENT, 'web-1', hog(6, 62));
    const other = announce(said, 'web-1', hog(6, 62).replace('batch-1', 'batch-2'));
    expect(other).not.toBe(said);
    expect(other.text).toMatch(/batch-2/);
    expect(announce(said, 'web-2', hog(6, 62)).text).toBe(hog(6, 62));
    expect(announce(said, 'web-2', hog(6, 62))).not.toBe(said);
    expect(announce(said, 'web-1', null).text).toMatch(/unaffected/);
  });
});
