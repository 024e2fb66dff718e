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

describe('a fault started again while it runs', () => {
  it('is shaded from its first start: the engine restarts it without a gap', () => {
    const w = faultWindows(
      [
        cmd(42, { type: 'startFault', vps: 'web-1', fault: 'kernel_panic' }),
        cmd(200, { type: 'startFault', vps: 'web-1', fault: 'kernel_panic' }),
        {
          tick: 500,
          kind: 'faultEnded',
          by: 'engine',
          message: 'web-1 rebooted',
          vps: 'web-1',
          fault: 'kernel_panic',
        },
      ],
      state(),
    );
    expect(w).toEqual([{ t0: 4.2, t1: 50.1, label: 'kernel_panic on web-1' }]);
  });

  it('still running, is shaded from its first start, not from the state’s restarted record', () => {
    const w = faultWindows(
      [
        cmd(42, { type: 'startFault', vps: 'web-1', fault: 'kernel_panic' }),
        cmd(200, { type: 'startFault', vps: 'web-1', fault: 'kernel_panic' }),
      ],
      state([{ vps: 'web-1', fault: 'kernel_panic', sinceTick: 200 }]),
    );
    expect(w).toEqual([{ t0: 4.2, t1: Infinity, label: 'kernel_panic on web-1' }]);
  });

  it('after it ended, starts a window of its own', () => {
    const w = faultWindows(
      [
        cmd(10, { type: 'startFault', vps: 'db-1', fault: 'io_storm' }),
        cmd(20, { type: 'stopFault', vps: 'db-1', fault: 'io_storm' }),
        cmd(40, { type: 'startFault', vps: 'db-1', fault: 'io_storm' }),
      ],
      state([{ vps: 'db-1', fault: 'io_storm', sinceTick: 40 }]),
    );
    expect(w).toEqual([
      { t0: 1, t1: 2.1, label: 'io_storm on db-1' },
      { t0: 4, t1: Infinity, label: 'io_storm on db-1' },
    ]);
  });
});

describe('a host fault a mode switch ends', () => {
  const info = (tick: number, message: string): LabEvent => ({ tick, kind: 'info', by: 'engine', message });

  it('is shaded up to the switch', () => {
    const w = faultWindows(
      [
        cmd(15, { type: 'hostFault', fault: 'dom0_crash' }),
        cmd(30, { type: 'setMode', mode: 'full' }),
        info(30, 'dom0_crash ends: it has no meaning in full'),
      ],
      state(),
    );
    expect(w).toEqual([{ t0: 1.5, t1: 3.1, label: 'dom0_crash' }]);
  });

  it('on a compare side too, and a crash after it is a window of its own', () => {
    const w = faultWindows(
      [
        cmd(15, { type: 'hostFault', fault: 'host_os_crash' }),
        info(30, '[para] host_os_crash ends: it has no meaning in para'),
        cmd(60, { type: 'hostFault', fault: 'host_os_crash' }),
      ],
      state([], [{ fault: 'host_os_crash', sinceTick: 60, untilTick: 400 }]),
    );
    expect(w).toEqual([
      { t0: 1.5, t1: 3.1, label: 'host_os_crash' },
      { t0: 6, t1: Infinity, label: 'host_os_crash' },
    ]);
  });
});

describe('a host fault the mode ignores', () => {
  it('has no window, and a later crash that runs is shaded from its own start', () => {
    const w = faultWindows(
      [
        cmd(10, { type: 'hostFault', fault: 'dom0_crash' }),
        {
          tick: 10,
          kind: 'info',
          by: 'engine',
          message: 'dom0_crash has no meaning in full: nothing happens',
        },
        cmd(20, { type: 'setMode', mode: 'para' }),
        cmd(50, { type: 'hostFault', fault: 'dom0_crash' }),
      ],
      state([], [{ fault: 'dom0_crash', sinceTick: 50, untilTick: 150 }]),
    );
    expect(w).toEqual([{ t0: 5, t1: Infinity, label: 'dom0_crash' }]);
  });
});
