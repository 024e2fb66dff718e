/**
 * The runner's `--compare` refuses two modes that would run alike: told by the profile each
 * resolves to, so an override equal to its base's default is the base itself.
 */
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../server/cli/args.js';
import { DEFAULT_PARAMS } from '../../server/sim/params.js';
import { resolveMode } from '../../server/sim/profiles.js';

describe('--compare of modes that resolve alike', () => {
  it.each([
    ['para,{"base":"para","cpuCaps":false}', 'para and {"base":"para","cpuCaps":false} resolve'],
    ['{"base":"container","containerLimits":true},container', 'resolve to the same profile'],
    ['{"base":"para"},{"base":"para","cpuCaps":false}', 'resolve to the same profile'],
    ['para,para', 'para given twice'],
  ])('--compare %s is refused: both sides would run the same mode', (modes, how) => {
    const r = parseArgs(['x.json', '--compare', modes]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.flag).toBe('--compare');
    expect(r.error.message).toMatch(/^both sides would run the same mode \(/);
    expect(r.error.message).toContain(how);
  });

  it('names the two of three modes that run alike', () => {
    const r = parseArgs(['x.json', '--compare', 'full,para,{"base":"para","cpuCaps":false}']);
    expect(r.ok || r.error).toMatchObject({ flag: '--compare' });
    expect(r.ok || r.error.message).toMatch(/^modes 2 and 3 would run the same mode/);
  });

  it('takes an override equal to a default a scenario may change: its params tell the sides apart', () => {
    // The premise: under the default parameters both sides resolve alike.
    const slice = resolveMode('para').schedSliceMs;
    const pinned = { base: 'para' as const, schedSliceMs: slice };
    expect(resolveMode(pinned)).toEqual(resolveMode('para'));
    // A scenario's sliceDomainMs moves para's slice, not the pinned one's.
    const params = { ...DEFAULT_PARAMS, sliceDomainMs: slice + 10 };
    expect(resolveMode(pinned, params)).not.toEqual(resolveMode('para', params));
    const r = parseArgs(['x.json', '--compare', `para,${JSON.stringify(pinned)}`]);
    expect(r.ok && 'options' in r && r.options.compare).toEqual(['para', pinned]);
  });

  it('takes an override that changes the profile', () => {
    // The premise: para leaves the credit cap off, so turning it on is another mode.
    expect(resolveMode('para').cpuCaps).toBe(false);
    const r = parseArgs(['x.json', '--compare', 'para,{"base":"para","cpuCaps":true}']);
    expect(r.ok && 'options' in r && r.options.compare).toEqual(['para', { base: 'para', cpuCaps: true }]);
  });
});
