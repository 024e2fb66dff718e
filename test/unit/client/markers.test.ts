import { describe, expect, it } from 'vitest';
import { layoutMarkers, markersFor, truncate } from '../../../client/src/lib/markers.js';
import { modeLabel } from '../../../shared/events.js';
import { markerFor, type Marker } from '../../../client/src/lib/lab.svelte.js';

/** 6 px per character; 1 px per tick of time. */
const measure = (s: string): number => s.length * 6;
const input = { min: 0, max: 1000, toPx: (t: number) => t, right: 1000, measure };
const m = (tick: number, label: string, over: Partial<Marker> = {}): Marker => ({ tick, t: tick, kind: 'fault', label, ...over });

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

  it('drops a label that would overlap the one before it and cuts long labels with an ellipsis', () => {
    const long = 'memory_leak on a-very-long-vps-name-indeed';
    const { labels } = layoutMarkers([m(10, long), m(40, 'cpu_hog on b'), m(300, 'io_storm on c')], input);
    expect(labels.map((l) => l.text)).toEqual([truncate(long, 140, measure), 'io_storm on c']);
    expect(labels[0].text.endsWith('…')).toBe(true);
    expect(measure(labels[0].text)).toBeLessThanOrEqual(140);
    for (let i = 1; i < labels.length; i++) expect(labels[i].x).toBeGreaterThan(labels[i - 1].x + measure(labels[i - 1].text));
  });

  it('puts a label left of its line at the right edge, and ignores markers outside the window', () => {
    const { lines, labels } = layoutMarkers([m(5, 'early'), m(990, 'late')], { ...input, min: 10 });
    expect(lines).toHaveLength(1);
    expect(labels[0].x + measure('late')).toBeLessThanOrEqual(990);
  });
});

describe('markers of a compare lab', () => {
  const modes = ['container', 'full'] as const;
  const base = { by: 'engine' } as const;

  it('gives an engine note to its own side and a command to both', () => {
    const down = markerFor(
      { ...base, tick: 10, kind: 'reboot', message: 'web-1 went down', side: 0, vps: 'web-1', change: 'down' },
      100,
    );
    expect(down).toMatchObject({ side: 0, label: 'web-1 went down', note: true, kind: 'fault' });
    const up = markerFor(
      { ...base, tick: 20, kind: 'reboot', message: 'web-1 is back up', side: 1, vps: 'web-1', change: 'up' },
      100,
    );
    expect(up).toMatchObject({ side: 1, kind: 'recovery' });
    const panic = markerFor(
      { by: 'rest', tick: 10, kind: 'command', message: 'kernel panic', command: { type: 'startFault', vps: 'web-1', fault: 'kernel_panic' } },
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
    const m = markerFor({ ...base, tick: 5, kind: 'reboot', message: '[full] a went down', vps: 'a', change: 'down' }, 100);
    expect(m).toMatchObject({ side: undefined, label: '[full] a went down', kind: 'fault' });
  });
});
