import { describe, expect, it } from 'vitest';
import type { LabEvent, LabState } from '../../../shared/protocol.js';
import { faultWindows } from '../../../client/src/lib/faultWindows.js';

const state = (faults: LabState['faults'] = [], hostFaults: LabState['hostFaults'] = []): LabState =>
  ({ tickMs: 100, faults, hostFaults }) as unknown as LabState;
const cmd = (tick: number, command: LabEvent['command']): LabEvent => ({
  tick,
  kind: 'command',
  by: 'you',
  message: '',
  command,
});

describe('fault windows', () => {
  it('a stopped fault spans start to stop; one that ended by itself closes at its end entry', () => {
    const w = faultWindows(
      [
        cmd(100, { type: 'startFault', vps: 'batch-1', fault: 'cpu_hog' }),
        cmd(150, { type: 'hostFault', fault: 'dom0_crash', durationS: 5 }),
        cmd(200, { type: 'stopFault', vps: 'batch-1', fault: 'cpu_hog' }),
        { tick: 199, kind: 'faultEnded', by: 'engine', message: 'dom0_crash ended' },
      ],
      state(),
    );
    expect(w).toEqual([
      { t0: 10, t1: 20.1, label: 'cpu_hog on batch-1' },
      { t0: 15, t1: 20, label: 'dom0_crash' },
    ]);
  });

  it('a running fault is open-ended from the state; a compare side prefix is read', () => {
    const w = faultWindows(
      [
        cmd(10, { type: 'startFault', vps: 'db-1', fault: 'io_storm' }),
        { tick: 30, kind: 'faultEnded', by: 'engine', message: '[full] io_storm on db-1 ended' },
      ],
      state([{ vps: 'web-1', fault: 'memory_leak', sinceTick: 40 }]),
    );
    expect(w).toEqual([
      { t0: 1, t1: 3.1, label: 'io_storm on db-1' },
      { t0: 4, t1: Infinity, label: 'memory_leak on web-1' },
    ]);
  });
});

describe('fault windows from typed entries', () => {
  it('a faultEnded entry with vps and fault fields closes its window', () => {
    const w = faultWindows(
      [
        {
          tick: 10,
          kind: 'command',
          by: 'you',
          message: '',
          command: { type: 'startFault', vps: 'db-1', fault: 'io_storm' },
        },
        {
          tick: 30,
          kind: 'faultEnded',
          by: 'engine',
          message: 'io_storm stopped by itself',
          vps: 'db-1',
          fault: 'io_storm',
        },
      ],
      { tickMs: 100, faults: [], hostFaults: [] } as unknown as LabState,
    );
    expect(w).toEqual([{ t0: 1, t1: 3.1, label: 'io_storm on db-1' }]);
  });
});

describe('a fault running across a mode switch', () => {
  it('is shaded from where the log saw it start, not from the state’s renewed record', () => {
    const w = faultWindows(
      [
        cmd(110, { type: 'startFault', vps: 'batch-1', fault: 'cpu_hog' }),
        cmd(150, { type: 'setMode', mode: 'full' }),
      ],
      state([{ vps: 'batch-1', fault: 'cpu_hog', sinceTick: 150 }]),
    );
    expect(w).toEqual([{ t0: 11, t1: Infinity, label: 'cpu_hog on batch-1' }]);
  });
});
