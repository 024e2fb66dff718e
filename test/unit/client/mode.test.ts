/** The modes' names: in full, and short where a phone's mode menu has room for about 150 px. */
import { describe, expect, it } from 'vitest';
import { MODE_IDS, MODE_LABELS } from '../../../shared/model.js';
import { modeBase, modeLabel, sideNames } from '../../../client/src/lib/mode.js';
import { scenarioFileName } from '../../../shared/files.js';

describe('modeLabel', () => {
  it('is the full name, or a short one that still tells the modes apart', () => {
    for (const m of MODE_IDS) expect(modeLabel(m, false)).toBe(MODE_LABELS[m]);
    const short = MODE_IDS.map((m) => modeLabel(m, true));
    expect(new Set(short).size).toBe(MODE_IDS.length);
    // "Full virtualization (type-2, hosted)" was cut to "Full virtualization (type-2, h" on a phone.
    for (const s of short) expect(s.length, s).toBeLessThanOrEqual(21);
  });
});

describe('modeBase', () => {
  it('reads a mode id or a mode with overrides', () => {
    expect(modeBase('para')).toBe('para');
    expect(modeBase({ base: 'container', containerLimits: true })).toBe('container');
    expect(modeBase(undefined)).toBeUndefined();
  });
});

describe("a compare lab's sides", () => {
  it('are named by their base mode, or in full when both share one', () => {
    expect(sideNames(['para', { base: 'full', cpuCaps: true }])).toEqual(['para', 'full']);
    expect(sideNames(['para', { base: 'para', dom0Charging: true }])).toEqual([
      'para',
      'para (dom0Charging=true)',
    ]);
  });

  it('download under file names that tell them apart', () => {
    expect(scenarioFileName('demo')).toBe('demo-scenario.json');
    expect(scenarioFileName('cmp', 'full')).toBe('cmp-full-scenario.json');
    expect(scenarioFileName('cmp', { base: 'para', dom0Charging: true })).toBe(
      'cmp-para-dom0Charging-true-scenario.json',
    );
  });
});
