/** Whether a mode holds a VPS to its plan's CPU cap, as the cards say it, and whether its vCPUs share the cores. */
import { describe, expect, it } from 'vitest';
import type { ModeSpec } from '../../../shared/protocol.js';
import { capEnforced, isShared } from '../../../client/src/lib/mechanism.js';
import { resolveMode } from '../../../server/sim/profiles.js';

describe('capEnforced', () => {
  it('holds under fixed quotas and cpu.max, not under Xen’s credit cap unless the mode asks for it', () => {
    const modes: ModeSpec[] = ['full', 'hosted', 'container', 'para'];
    expect(modes.map(capEnforced)).toEqual([true, true, true, false]);
    expect(capEnforced({ base: 'para', cpuCaps: true })).toBe(true);
    expect(capEnforced({ base: 'container', cpuCaps: false })).toBe(false);
    expect(capEnforced({ base: 'para', cpuPolicy: 'quota' })).toBe(true);
  });

  it('says what the engine does, for every mode and override that bears on caps', () => {
    const bases = ['full', 'hosted', 'para', 'container'] as const;
    const policies = [undefined, 'quota', 'share'] as const;
    const caps = [undefined, true, false];
    let checked = 0;
    for (const base of bases)
      for (const cpuPolicy of policies)
        for (const cpuCaps of caps) {
          const spec: ModeSpec = {
            base,
            ...(cpuPolicy ? { cpuPolicy } : {}),
            ...(cpuCaps !== undefined ? { cpuCaps } : {}),
          };
          expect(capEnforced(spec), JSON.stringify(spec)).toBe(resolveMode(spec).cpuCaps);
          checked++;
        }
    expect(checked).toBe(36);
  });
});

describe('isShared', () => {
  it('is the CPU policy the engine runs (a fixed quota or a share), not the base mode', () => {
    const bases = ['full', 'hosted', 'para', 'container'] as const;
    const policies = [undefined, 'quota', 'share'] as const;
    for (const base of bases)
      for (const cpuPolicy of policies) {
        const spec: ModeSpec = cpuPolicy ? { base, cpuPolicy } : base;
        expect(isShared(spec), JSON.stringify(spec)).toBe(resolveMode(spec).cpuPolicy === 'share');
      }
    expect(isShared({ base: 'para', cpuPolicy: 'quota' })).toBe(false);
  });
});
