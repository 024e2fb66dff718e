/** The modes' names: in full, and short where a phone's mode menu has room for about 150 px. */
import { describe, expect, it } from 'vitest';
import { MODE_IDS, MODE_LABELS } from '../../../shared/model.js';
import { modeBase, modeLabel, modeName, sideNames } from '../../../client/src/lib/mode.js';
import { markerFor } from '../../../client/src/lib/eventMarker.js';
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

describe("a lab's mode as the page names it", () => {
  it('says its overrides after its name, so it does not read as its plain base', () => {
    expect(modeName('para')).toBe('Paravirtualization (Xen PV)');
    expect(modeName({ base: 'para' })).toBe('Paravirtualization (Xen PV)');
    expect(modeName({ base: 'para', cpuPolicy: 'quota' })).toBe(
      'Paravirtualization (Xen PV) · cpuPolicy=quota',
    );
    expect(modeName({ base: 'para', cpuPolicy: 'quota' }, true)).toBe('Paravirt. (Xen PV) · cpuPolicy=quota');
    expect(modeName({ base: 'container', containerLimits: false, netShaping: true }, true)).toBe(
      'Containers · containerLimits=false, netShaping=true',
    );
    // A compare lab of a base against itself with an override: two names.
    expect(modeName('para')).not.toBe(modeName({ base: 'para', cpuCaps: true }));
  });

  it('is the mode a switch marker on the charts names', () => {
    const marker = markerFor(
      {
        by: 'rest',
        tick: 10,
        kind: 'command',
        message: 'mode set',
        command: { type: 'setMode', mode: { base: 'para', cpuPolicy: 'quota' } },
      },
      100,
    );
    expect(marker?.label).toBe('mode → para (cpuPolicy=quota)');
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
