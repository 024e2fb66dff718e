import { describe, expect, it } from 'vitest';
import { effectiveUpcoming } from '../../../client/src/lib/upcoming.js';
import { upcomingMarkers } from '../../../client/src/lib/markers.js';
import type { ActiveFault, LabState } from '../../../shared/protocol.js';
import type { Command } from '../../../shared/commands.js';

const stop: Command = { type: 'stopFault', vps: 'batch-1', fault: 'io_storm' };
const start = (durationS?: number): Command => ({
  type: 'startFault',
  vps: 'batch-1',
  fault: 'io_storm',
  ...(durationS === undefined ? {} : { durationS }),
});

/** A lab at tick 250 with `faults` running and `upcoming` ahead. */
function lab(faults: ActiveFault[], upcoming: { tick: number; command: Command }[]): LabState {
  return { tickMs: 100, tick: 250, faults, upcoming } as unknown as LabState;
}

const storm: ActiveFault = { vps: 'batch-1', fault: 'io_storm', sinceTick: 200 };
const labels = (s: LabState): string[] => upcomingMarkers(s).map((m) => m.label);

describe('a scheduled stop of a fault', () => {
  it('counts down while the fault runs', () => {
    expect(labels(lab([storm], [{ tick: 600, command: stop }]))).toEqual(['stop io_storm on batch-1']);
  });

  it('is not a pending stop once the fault was stopped by hand', () => {
    const s = lab([], [{ tick: 600, command: stop }]);
    expect(effectiveUpcoming(s)).toEqual([]);
    expect(labels(s)).toEqual([]);
  });

  it('is not one when the fault ends by its own duration first, and is when it ends at that very tick', () => {
    expect(labels(lab([{ ...storm, untilTick: 599 }], [{ tick: 600, command: stop }]))).toEqual([]);
    expect(labels(lab([{ ...storm, untilTick: 600 }], [{ tick: 600, command: stop }]))).toEqual([
      'stop io_storm on batch-1',
    ]);
  });

  it('follows a scheduled start before it, and only the first of two stops stops anything', () => {
    const s = lab(
      [],
      [
        { tick: 300, command: start() },
        { tick: 600, command: stop },
        { tick: 700, command: stop },
      ],
    );
    expect(effectiveUpcoming(s).map((e) => e.tick)).toEqual([300, 600]);
    // A start whose duration ends before the stop leaves it nothing to stop.
    const short = lab(
      [],
      [
        { tick: 300, command: start(10) },
        { tick: 600, command: stop },
      ],
    );
    expect(effectiveUpcoming(short).map((e) => e.tick)).toEqual([300]);
  });

  it('is not one once its VPS is removed, and leaves other faults and VPSs alone', () => {
    const other: Command = { type: 'stopFault', vps: 'web-1', fault: 'io_storm' };
    const s = lab(
      [storm, { vps: 'web-1', fault: 'io_storm', sinceTick: 10 }],
      [
        { tick: 400, command: { type: 'removeVps', vps: 'batch-1' } },
        { tick: 600, command: stop },
        { tick: 650, command: other },
      ],
    );
    expect(effectiveUpcoming(s).map((e) => e.tick)).toEqual([400, 650]);
  });
});
