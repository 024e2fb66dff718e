import { describe, expect, it } from 'vitest';
import {
  layoutMarkers,
  markersFor,
  runningFaultMarkers,
  truncate,
  upcomingMarkers,
  type ChartMarker,
} from '../../../client/src/lib/markers.js';
import type { LabEvent, LabState } from '../../../shared/protocol.js';
import { modeLabel } from '../../../shared/events.js';
import { markerFor } from '../../../client/src/lib/eventMarker.js';

/** 6 px per character; 1 px per tick of time. */
const measure = (s: string): number => s.length * 6;
const input = { min: 0, max: 1000, toPx: (t: number) => t, right: 1000, measure };
const m = (tick: number, label: string, over: Partial<ChartMarker> = {}): ChartMarker => ({
  tick,
  t: tick,
  kind: 'fault',
  label,
  ...over,
});

/** No two labels of one row closer than the gap, none outside [left, right]. */
function expectNoOverlap(labels: { x: number; w: number; row: number }[], left: number, right: number): void {
  for (const a of labels) {
    expect(a.x).toBeGreaterThanOrEqual(left);
    expect(a.x + a.w).toBeLessThanOrEqual(right);
    for (const b of labels)
      if (a !== b && a.row === b.row) expect(a.x + a.w <= b.x || b.x + b.w <= a.x).toBe(true);
  }
}

describe('layoutMarkers', () => {
  it('draws one line per distinct tick and labels a cluster once, naming the command before state notes', () => {
    const markers = [
      m(100, 'web-1 went down', { note: true }),
      m(100, 'kernel panic'),
      m(100, 'db-1 went down', { note: true }),
      m(102, 'cache-1 went down', { note: true }),
      m(400, 'web-1 is back up', { note: true, kind: 'recovery' }),
    ];
    const { lines, labels } = layoutMarkers(markers, input);
    expect(lines.map((l) => l.px)).toEqual([100, 102, 400]);
    expect(lines[0].marker.label).toBe('kernel panic');
    expect(labels.map((l) => l.text)).toEqual(['kernel panic +3', 'web-1 is back up']);
    expect(labels[0].marker.kind).toBe('fault');
    expect(labels[1].marker.kind).toBe('recovery');
  });

  it('with one row, drops a label that would overlap the one before it and cuts long labels with an ellipsis', () => {
    const long = 'memory_leak on a-very-long-vps-name-indeed';
    const { labels } = layoutMarkers([m(10, long), m(40, 'cpu_hog on b'), m(300, 'io_storm on c')], input);
    expect(labels.map((l) => l.text)).toEqual([truncate(long, 140, measure), 'io_storm on c']);
    expect(labels[0].text.endsWith('…')).toBe(true);
    expect(measure(labels[0].text)).toBeLessThanOrEqual(140);
    for (let i = 1; i < labels.length; i++)
      expect(labels[i].x).toBeGreaterThan(labels[i - 1].x + measure(labels[i - 1].text));
  });

  it('puts a label left of its line at the right edge, and ignores markers outside the window', () => {
    const { lines, labels } = layoutMarkers([m(5, 'early'), m(990, 'late')], { ...input, min: 10 });
    expect(lines).toHaveLength(1);
    expect(labels[0].x + measure('late')).toBeLessThanOrEqual(990);
  });
});

describe('labels in rows', () => {
  it('stacks overlapping labels in the next free row, and drops what fits in no row', () => {
    const ms = [m(10, 'cpu_hog on a'), m(30, 'cpu_hog on b'), m(50, 'cpu_hog on c'), m(300, 'io_storm on d')];
    const two = layoutMarkers(ms, { ...input, rows: 2 });
    expect(two.labels.map((l) => [l.text, l.row])).toEqual([
      ['cpu_hog on a', 0],
      ['io_storm on d', 0],
      ['cpu_hog on b', 1],
    ]);
    expectNoOverlap(two.labels, 0, 1000);
    expect(layoutMarkers(ms, { ...input, rows: 3 }).labels).toHaveLength(4);
  });

  it('names every mode switch, a quick run of them in one label, placed before faults that would take its room', () => {
    const ms = [
      m(100, 'kernel panic'),
      m(102, 'mode → full', { kind: 'mode' }),
      m(110, 'memory_leak on web-1'),
      m(115, 'mode → para', { kind: 'mode' }),
      m(140, 'mode → full', { kind: 'mode' }),
      m(150, 'mode → para', { kind: 'mode' }),
      m(600, 'mode → hosted', { kind: 'mode' }),
    ];
    const { labels } = layoutMarkers(ms, { ...input, rows: 1 });
    expect(labels.map((l) => l.text)).toEqual(['mode → full → para → full → para', 'mode → hosted']);
    expect(labels.every((l) => l.marker.kind === 'mode')).toBe(true);
    const three = layoutMarkers(ms, { ...input, rows: 3 }).labels;
    expect(three.filter((l) => l.marker.kind === 'fault').map((l) => l.text)).toEqual([
      'kernel panic',
      'memory_leak on web-1',
    ]);
    expectNoOverlap(three, 0, 1000);
  });

  it('names a scheduled mode switch ahead like any event ahead', () => {
    const { labels } = layoutMarkers([m(500, 'mode → full', { kind: 'mode', ahead: true })], {
      ...input,
      rows: 1,
    });
    expect(labels.map((l) => l.text)).toEqual(['▸ mode → full']);
  });

  it('never cuts a run of mode switches near the right edge: it goes left of its line', () => {
    const ms = [m(950, 'mode → full', { kind: 'mode' }), m(955, 'mode → para', { kind: 'mode' })];
    const [l] = layoutMarkers(ms, { ...input, left: 0, rows: 1 }).labels;
    expect(l.text).toBe('mode → full → para');
    expect(l.x + l.w).toBeLessThanOrEqual(1000);
  });

  it('keeps labels inside the plot at both edges', () => {
    const { labels } = layoutMarkers(
      [m(2, 'mode → hosted', { kind: 'mode' }), m(998, 'mode → para', { kind: 'mode' })],
      {
        ...input,
        left: 0,
        rows: 2,
      },
    );
    expect(labels).toHaveLength(2);
    expectNoOverlap(labels, 0, 1000);
  });
});

describe('a label with room on neither side of its line', () => {
  it('stays whole, as far right as it fits, and is cut only when wider than the plot', () => {
    const narrow = { min: 0, max: 110, toPx: (t: number) => 450 + t, left: 450, right: 560, measure };
    const [l] = layoutMarkers([m(50, 'cpu_hog on web-1')], narrow).labels;
    expect(l.text).toBe('cpu_hog on web-1');
    expect([l.x, l.x + l.w]).toEqual([560 - 96, 560]);
    const [cut] = layoutMarkers([m(50, 'memory_leak on web-1 and more')], narrow).labels;
    expect(cut.text.endsWith('…')).toBe(true);
    expect(cut.x).toBeGreaterThanOrEqual(450);
    expect(cut.x + cut.w).toBeLessThanOrEqual(560);
  });
});

describe('scheduled events ahead', () => {
  const state = {
    tickMs: 100,
    faults: [],
    upcoming: [
      { tick: 300, command: { type: 'startFault', vps: 'batch-1', fault: 'io_storm' } },
      { tick: 750, command: { type: 'stopFault', vps: 'batch-1', fault: 'io_storm' } },
    ],
  } as unknown as LabState;

  it('become faint markers named like the events they will be', () => {
    const ahead = upcomingMarkers(state);
    expect(ahead.map((a) => [a.t, a.kind, a.label, a.ahead])).toEqual([
      [30, 'fault', 'io_storm on batch-1', true],
      [75, 'recovery', 'stop io_storm on batch-1', true],
    ]);
    expect(upcomingMarkers(null)).toEqual([]);
  });

  it('show on the axis inside the window, and past its end as one label at the right edge with the time left', () => {
    const ahead = upcomingMarkers(state);
    const { lines, labels } = layoutMarkers(ahead, {
      min: 0,
      max: 60,
      toPx: (t) => t * 10,
      left: 0,
      right: 600,
      measure,
      rows: 2,
      now: 12,
    });
    expect(lines.map((l) => l.px)).toEqual([300]);
    expect(labels.map((l) => l.text)).toEqual([
      '▸ io_storm on batch-1',
      '▸ stop io_storm on batch-1 in 1:03',
    ]);
    const pinned = labels[1];
    expect(pinned.x + pinned.w).toBe(600);
    expectNoOverlap(labels, 0, 600);
    // Later on, both are past the window's end: the sooner is named, with "+1".
    const later = layoutMarkers(ahead, {
      min: -40,
      max: 20,
      toPx: (t) => (t + 40) * 10,
      left: 0,
      right: 600,
      measure,
      rows: 2,
      now: 20,
    });
    expect(later.lines).toEqual([]);
    expect(later.labels.map((l) => l.text)).toEqual(['▸ io_storm on batch-1 in 0:10 +1']);
  });
});

describe('markers of a compare lab', () => {
  const modes = ['container', 'full'] as const;
  const base = { by: 'engine' } as const;

  it('gives an engine note to its own side and a command to both', () => {
    const down = markerFor(
      {
        ...base,
        tick: 10,
        kind: 'reboot',
        message: 'web-1 went down',
        side: 0,
        vps: 'web-1',
        change: 'down',
      },
      100,
    );
    expect(down).toMatchObject({ side: 0, label: 'web-1 went down', note: true, kind: 'fault' });
    const up = markerFor(
      { ...base, tick: 20, kind: 'reboot', message: 'web-1 is back up', side: 1, vps: 'web-1', change: 'up' },
      100,
    );
    expect(up).toMatchObject({ side: 1, kind: 'recovery' });
    const panic = markerFor(
      {
        by: 'rest',
        tick: 10,
        kind: 'command',
        message: 'kernel panic',
        command: { type: 'startFault', vps: 'web-1', fault: 'kernel_panic' },
      },
      100,
    );
    expect(panic?.side).toBeUndefined();
    const all = [down!, up!, panic!];
    expect(markersFor(all, 0)).toEqual([down, panic]);
    expect(markersFor(all, 1)).toEqual([up, panic]);
  });

  it('names a mode with options one way, and never reads a side out of the text', () => {
    expect(modeLabel({ base: 'container', cpuMax: 0.5 } as never)).toBe('container (cpuMax=0.5)');
    expect(modeLabel(modes[1])).toBe('full');
    const m = markerFor(
      { ...base, tick: 5, kind: 'reboot', message: '[full] a went down', vps: 'a', change: 'down' },
      100,
    );
    expect(m).toMatchObject({ side: undefined, label: '[full] a went down', kind: 'fault' });
  });
});

describe('faults still running', () => {
  const state = {
    tickMs: 100,
    faults: [{ vps: 'batch-1', fault: 'cpu_hog', sinceTick: 120 }],
    hostFaults: [{ fault: 'dom0_crash', sinceTick: 200 }],
  } as unknown as LabState;
  const cmd = (tick: number, command: object): LabEvent =>
    ({ tick, kind: 'command', by: 'rest', message: '', command }) as LabEvent;
  const hog = { type: 'startFault', vps: 'batch-1', fault: 'cpu_hog' };

  it('are marked where they started when the log does not hold their start, named as their start event is', () => {
    const marked = runningFaultMarkers([], state);
    expect(marked.map((x) => [x.tick, x.t, x.kind, x.label])).toEqual([
      [120, 12, 'fault', 'cpu_hog on batch-1'],
      [200, 20, 'fault', 'dom0 crash'],
    ]);
    const fromLog = [cmd(120, hog), cmd(200, { type: 'hostFault', fault: 'dom0_crash' })].map(
      (e) => markerFor(e, 100)!.label,
    );
    expect(fromLog).toEqual(marked.map((x) => x.label));
  });

  it('name a host fault in words, every "_" a space', () => {
    const crash = cmd(300, { type: 'hostFault', fault: 'host_os_crash' });
    expect(markerFor(crash, 100)!.label).toBe('host os crash');
    const down = { ...state, hostFaults: [{ fault: 'host_os_crash', sinceTick: 300 }] } as LabState;
    expect(runningFaultMarkers([], down).map((x) => x.label)).toContain('host os crash');
  });

  it('are not marked twice when the log holds their start, even before the state’s (a mode switch renews it)', () => {
    expect(runningFaultMarkers([cmd(120, hog)], state).map((x) => x.label)).toEqual(['dom0 crash']);
    expect(runningFaultMarkers([cmd(90, hog)], state).map((x) => x.label)).toEqual(['dom0 crash']);
    // A run of it that the log saw end is another one: this one is marked.
    const ended = [cmd(10, hog), cmd(50, { type: 'stopFault', vps: 'batch-1', fault: 'cpu_hog' })];
    expect(runningFaultMarkers(ended, state).map((x) => x.label)).toContain('cpu_hog on batch-1');
    expect(runningFaultMarkers([], null)).toEqual([]);
  });
});

describe('a compare fork’s inherited past', () => {
  const ev = (tick: number, mode: string, from?: string): LabEvent => ({
    tick,
    kind: 'command',
    by: 'rest',
    message: '',
    command: { type: 'setMode', mode: mode as 'full' },
    ...(from ? { from } : {}),
  });

  it('names the source on its mode switch, never joins it with the fork’s own, and marks the fork once', () => {
    const fork: LabEvent = { tick: 110, kind: 'fork', by: 'rest', message: 'compare starts here' };
    const markers = [ev(100, 'full', 'Demo lab'), fork, ev(120, 'para')].map((e) => markerFor(e, 1000)!);
    expect(markers.map((x) => [x.label, x.from, x.side])).toEqual([
      ['Demo lab: mode → full', 'Demo lab', undefined],
      ['compare starts', undefined, undefined],
      ['mode → para', undefined, undefined],
    ]);
    const { labels } = layoutMarkers(markers, { ...input, rows: 3 });
    expect(labels.map((l) => l.text).sort()).toEqual([
      'Demo lab: mode → full',
      'compare starts',
      'mode → para',
    ]);
  });

  it('reads what the engine did there as the fork’s own notes, whatever the source is called', () => {
    const note = (message: string, from?: string): LabEvent => ({
      tick: 50,
      kind: 'reboot',
      by: 'system',
      message,
      ...(from ? { from } : {}),
    });
    const labels = [
      note('[Demo lab] web-1 went down', 'Demo lab'),
      note('[Demo lab · para vs full, para] web-1 went down', 'Demo lab · para vs full'),
      note('[A] B] web-1 went down', 'A] B'),
      note('web-1 went down'),
      // Not the source's prefix: left as it is.
      note('[Other] web-1 went down', 'Demo lab'),
    ].map((e) => markerFor(e, 1000)!.label);
    expect(labels).toEqual([
      'web-1 went down',
      'web-1 went down',
      'web-1 went down',
      'web-1 went down',
      '[Other] web-1 went down',
    ]);
  });
});

describe('a mode switch on a plot narrower than its label', () => {
  // A phone's compare view: each side's plot is about 95 px wide.
  const narrow = { min: 0, max: 60, toPx: (t: number) => 40 + t * 1.5, left: 40, right: 130, measure };

  it('an inherited switch drops its source lab’s name before anything else', () => {
    const [l] = layoutMarkers(
      [m(16, 'Demo lab 3: mode → full', { kind: 'mode', from: 'Demo lab 3' })],
      narrow,
    ).labels;
    expect(l.text).toBe('mode → full');
    expect(l.full).toEqual(['Demo lab 3: mode → full']);
    expect(l.x).toBeGreaterThanOrEqual(40);
    expect(l.x + l.w).toBeLessThanOrEqual(130);
  });

  it('one still wider than the plot is cut with an ellipsis, never past the plot’s edge', () => {
    const [l] = layoutMarkers([m(16, 'mode → full → para → full', { kind: 'mode' })], narrow).labels;
    expect(l.text.endsWith('…')).toBe(true);
    expect(l.x).toBeGreaterThanOrEqual(40);
    expect(l.x + l.w).toBeLessThanOrEqual(130);
  });
});
