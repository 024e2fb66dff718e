import { describe, expect, it } from 'vitest';
import type { Command } from '../../../shared/commands.js';
import type { EngineEvent } from '../../../shared/events.js';
import { tickEvents } from '../../../server/lab/events.js';

const storm: Command = { type: 'startFault', vps: 'b', fault: 'io_storm' };

describe('a tick of engine events as log entries', () => {
  it('logs a scheduled command once for both sides, and a refusal on the side that refused', () => {
    const applied: EngineEvent = { type: 'scheduled', tick: 7, command: storm };
    const refused: EngineEvent = { ...applied, refused: 'no VPS "b"' };
    const both = tickEvents([[applied], [applied]], true);
    expect(both.entries).toEqual([
      {
        tick: 7,
        kind: 'command',
        by: 'scenario',
        message: 'io_storm started on b',
        command: storm,
        vps: 'b',
        fault: 'io_storm',
      },
    ]);
    expect(both.lastChange).toBe(0);
    const second = tickEvents([[applied], [refused]], true).entries;
    expect(second.map((e) => [e.kind, e.side])).toEqual([
      ['command', undefined],
      ['admission', 1],
    ]);
    // Refused everywhere: one entry, on the first side.
    expect(tickEvents([[refused], [refused]], true).entries.map((e) => [e.kind, e.side])).toEqual([
      ['admission', 0],
    ]);
    expect(tickEvents([[refused]], false).entries[0].side).toBeUndefined();
  });

  it('carries the side, the VPS, the fault and the change as fields; the state rides on the last change', () => {
    const { entries, lastChange } = tickEvents(
      [
        [{ type: 'faultEnded', tick: 3, fault: 'cpu_hog', vps: 'a' }],
        [
          { type: 'vps', tick: 3, vps: 'a', change: 'down' },
          { type: 'oomKill', tick: 3, vps: 'c', scope: 'host' },
        ],
      ],
      true,
    );
    expect(entries).toMatchObject([
      { kind: 'faultEnded', side: 0, vps: 'a', fault: 'cpu_hog', message: 'cpu_hog on a ended' },
      { kind: 'reboot', side: 1, vps: 'a', change: 'down', message: 'a went down' },
      { kind: 'oom', side: 1, vps: 'c' },
    ]);
    expect(lastChange).toBe(0);
    expect(tickEvents([[{ type: 'vps', tick: 1, vps: 'a', change: 'up' }]], false).lastChange).toBe(-1);
  });

  it('logs the end of a kernel panic as a recovery: the VPS, or the host, is back', () => {
    const ended = tickEvents(
      [
        [
          { type: 'faultEnded', tick: 9, fault: 'kernel_panic', vps: 'a' },
          { type: 'faultEnded', tick: 9, fault: 'kernel_panic' },
        ],
      ],
      false,
    ).entries;
    expect(ended).toMatchObject([
      { kind: 'faultEnded', vps: 'a', message: 'a rebooted after its kernel panic' },
      { kind: 'faultEnded', message: 'kernel_panic is over: the host is back' },
    ]);
  });

  it('writes every entry with its fields in one order (what browsers get and saved labs hold)', () => {
    const json = (e: EngineEvent, compare = false) =>
      tickEvents(compare ? [[], [e]] : [[e]], compare).entries.map((x) => JSON.stringify(x));
    expect(json({ type: 'vps', tick: 2, vps: 'a', change: 'hung' }, true)).toEqual([
      '{"tick":2,"by":"engine","message":"a stopped responding (DNR)","side":1,"kind":"info","vps":"a","change":"hung"}',
    ]);
    expect(json({ type: 'faultEnded', tick: 4, fault: 'kernel_panic' })).toEqual([
      '{"tick":4,"by":"engine","message":"kernel_panic is over: the host is back","kind":"faultEnded","fault":"kernel_panic"}',
    ]);
    expect(json({ type: 'scheduled', tick: 5, command: storm, refused: 'no VPS "b"' })).toEqual([
      '{"tick":5,"by":"scenario","message":"scheduled io_storm started on b refused","kind":"admission","vps":"b","fault":"io_storm"}',
    ]);
    expect(json({ type: 'note', tick: 6, text: 'hello', vps: 'c' })).toEqual([
      '{"tick":6,"by":"engine","message":"hello","kind":"info","vps":"c"}',
    ]);
  });
});
