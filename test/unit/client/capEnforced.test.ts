/** Whether a mode holds a VPS to its plan's CPU cap, as the cards say it. */
import { describe, expect, it } from 'vitest';
import type { ModeSpec } from '../../../shared/protocol.js';
import { capEnforced } from '../../../client/src/lib/mechanism.js';

describe('capEnforced', () => {
  it('holds under fixed quotas and cpu.max, not under Xen’s credit cap unless the mode asks for it', () => {
    const modes: ModeSpec[] = ['full', 'hosted', 'container', 'para'];
    expect(modes.map(capEnforced)).toEqual([true, true, true, false]);
    expect(capEnforced({ base: 'para', cpuCaps: true })).toBe(true);
    expect(capEnforced({ base: 'container', cpuCaps: false })).toBe(false);
    expect(capEnforced({ base: 'para', cpuPolicy: 'quota' })).toBe(true);
  });
});
