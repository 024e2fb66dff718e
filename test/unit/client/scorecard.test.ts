import { describe, expect, it } from 'vitest';
import { fmtSide, toTables } from '../../../client/src/lib/scorecard.js';

const cell = (
  column: string,
  stress: string,
  good: number,
  category: string,
  expected: string[],
  matches: boolean,
  departure?: string,
) => ({
  column,
  stress,
  good: { degradationPct: good, dnr: false, category, p99Ratio: 3.2 },
  bad: { degradationPct: 0, dnr: stress === 'fork_bomb', category: 'outage' },
  dom0Saturated: false,
  expected,
  matches,
  departure,
  guests: [],
});

const table = (label: string, cells: unknown[]) => ({ host: { id: label, label }, cells });

describe('scorecard tables', () => {
  it('lays cells out as stress tests × modes, with the published figures of the matching system', () => {
    const [t] = toTables([
      table('paper host', [
        cell('full', 'cpu_hog', 0, 'zero', ['zero'], true),
        cell('para', 'cpu_hog', 0.01, 'zero', ['zero'], true),
        cell('para', 'io_storm', 5.87, 'small', ['small'], true),
        cell('containerNoLimits', 'fork_bomb', 100, 'outage', ['outage'], true),
      ]),
    ]);
    expect(t.title).toBe('paper host');
    expect(t.columns.map((c) => c.id)).toEqual(['full', 'para', 'containerNoLimits']);
    expect(t.rows.map((r) => r.id)).toEqual(['cpu_hog', 'io_storm', 'fork_bomb']);
    const io = t.cells.get('io_storm\u0000para')!;
    expect(io.published).toEqual([1.67, 11.53]);
    expect(io.system).toBe('Xen 3.0');
    expect(t.cells.get('cpu_hog\u0000full')!.published).toBeNull();
    expect(fmtSide(t.cells.get('fork_bomb\u0000containerNoLimits')!.bad)).toBe('DNR');
  });

  it('counts matches, and argued departures apart from plain misses', () => {
    const [t] = toTables({
      tables: [
        table('modern', [
          cell('hosted', 'io_storm', 2, 'small', ['zero'], false, 'hosted I/O costs 5.5× native CPU'),
          cell('para', 'net_flood', 30, 'large', ['zero', 'small'], false),
          cell('full', 'cpu_hog', 0, 'zero', ['zero'], true),
          cell('full', 'dom0_crash', 0, 'zero', [], false),
        ]),
      ],
    });
    expect(t.total).toBe(3);
    expect(t.matched).toBe(1);
    expect(t.departures).toBe(1);
  });

  it('prefers the published figures the server sends with a cell', () => {
    const [t] = toTables([
      table('paper host', [
        {
          ...cell('para', 'io_storm', 5.87, 'small', ['small'], true),
          published: { system: 'xen', good: 2, bad: 'DNR' },
        },
        { ...cell('hosted', 'net_flood', 0, 'zero', ['zero'], true), published: [0.5, 60] },
        { ...cell('hosted', 'cpu_hog', 0, 'zero', ['zero'], true), published: 'garbled' },
      ]),
    ]);
    expect(t.cells.get('io_storm\u0000para')!.published).toEqual([2, 'DNR']);
    expect(t.cells.get('io_storm\u0000para')!.system).toBe('Xen 3.0');
    expect(t.cells.get('net_flood\u0000hosted')!.published).toEqual([0.5, 60]);
    // Anything else falls back to the shared copy of the published table.
    expect(t.cells.get('cpu_hog\u0000hosted')!.published).toEqual([0, 0]);
  });

  it('draws nothing from an answer without cells', () => {
    expect(toTables({ error: 'x' })).toEqual([]);
    expect(toTables(null)).toEqual([]);
  });
});
