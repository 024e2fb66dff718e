/**
 * Colours as a lab's meta and snapshot keep them: read back when valid, a damaged entry named by
 * its field (a damaged meta refuses the lab, a damaged snapshot is set aside), and files saved
 * before colours were still load, without them.
 */
import { describe, expect, it } from 'vitest';
import { PALETTE } from '../../../shared/colors.js';
import { parseStoredLab } from '../../../server/lab/stored.js';
import { fakeScenario } from './fakeEngine.js';

const metaOf = (extra: object = {}) =>
  JSON.stringify({ version: 1, id: 'a', scenario: fakeScenario(), createdAt: 'now', ...extra });
const snapOf = (extra: object = {}) =>
  JSON.stringify({
    tick: 1,
    seq: 0,
    engines: [{}],
    speed: 1,
    paused: false,
    events: [],
    savedAt: '',
    ...extra,
  });
const colors = { 'web-1': PALETTE[3], gone: PALETTE[0] };

describe('saved colours', () => {
  it('are read back from the meta and the snapshot', () => {
    const r = parseStoredLab('a', { meta: metaOf({ colors }), snapshot: snapOf({ colors }), commands: [] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.data.meta.colors).toEqual(colors);
    expect(r.data.snapshot?.colors).toEqual(colors);
  });

  it('are absent from a meta and snapshot saved before colours were, which still load', () => {
    const r = parseStoredLab('a', { meta: metaOf(), snapshot: snapOf(), commands: [] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.data.meta.colors).toBeUndefined();
    expect(r.data.snapshot).toBeDefined();
    expect(r.data.snapshot?.colors).toBeUndefined();
  });

  it('refuse a meta whose colour is not a palette colour, naming the VPS', () => {
    const r = parseStoredLab('a', { meta: metaOf({ colors: { ...colors, 'web-1': 'red' } }), commands: [] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^meta\.json: colors\.web-1: not a palette colour/);
  });

  it('set aside a snapshot whose colours are damaged, naming the field, and keep the meta', () => {
    const r = parseStoredLab('a', {
      meta: metaOf(),
      snapshot: snapOf({ colors: { 'web-1': 7 } }),
      commands: [],
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.data.snapshot).toBeUndefined();
    expect(r.data.notes.join('\n')).toMatch(/snapshot\.json: colors\.web-1: not a palette colour/);
  });

  it('read back the removed VPSs kept, in their order, with the colours', () => {
    const kept = { colors, removedVps: ['gone'] };
    const r = parseStoredLab('a', { meta: metaOf(kept), snapshot: snapOf(kept), commands: [] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.data.meta.removedVps).toEqual(['gone']);
    expect(r.data.snapshot?.removedVps).toEqual(['gone']);
  });

  it.each([
    ['one without a colour', ['nowhere'], /removedVps\[0\]: "nowhere" has no colour in colors/],
    ['one listed twice', ['gone', 'gone'], /removedVps\[1\]: "gone" is listed twice/],
    ['one not a VPS id', ['-x'], /removedVps\[0\]: a VPS id/],
    ['too many', Array.from({ length: 65 }, () => 'gone'), /removedVps: at most 64 removed VPSs/],
  ])('refuse a meta whose removed VPSs hold %s, naming the field', (_n, removedVps, error) => {
    const r = parseStoredLab('a', { meta: metaOf({ colors, removedVps }), commands: [] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(error);
  });

  it('set aside a snapshot listing removed VPSs without colours, naming the field', () => {
    const r = parseStoredLab('a', {
      meta: metaOf(),
      snapshot: snapOf({ removedVps: ['gone'] }),
      commands: [],
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.data.snapshot).toBeUndefined();
    expect(r.data.notes.join('\n')).toMatch(
      /snapshot\.json: removedVps\[0\]: "gone" has no colour in colors/,
    );
  });

  it('load a meta saved before colours were bounded, thousands of them, without removed VPSs', () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 5000; i++) many[`old-${i}`] = PALETTE[i % PALETTE.length];
    const r = parseStoredLab('a', { meta: metaOf({ colors: many }), commands: [] });
    expect(r.ok).toBe(true);
    if (r.ok) expect(Object.keys(r.data.meta.colors!)).toHaveLength(5000);
  });
});
