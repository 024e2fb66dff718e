/** The applied-command log: every command as applied, in order, unaffected by later mutation. */
import { describe, expect, it } from 'vitest';
import type { Command } from '../../../shared/commands.js';
import { make, scenario } from './helpers.js';

describe('command log', () => {
  it('keeps slider moves of any shape and other commands in order, as copies', () => {
    const e = make(scenario());
    const moves: Command[] = [
      { type: 'setLoad', vps: 'a', load: { cpu: 0.25 } },
      { type: 'setLoad', vps: 'b', load: { mem: 0.1, net: 0.7 } },
      { vps: 'c', type: 'setLoad', load: { cpu: 0.3 } } as Command,
      { type: 'setLoad', vps: 'd', load: { net: 0.2, cpu: 0.9 } },
      { type: 'setLoad', vps: 'a', load: { cpu: -0, mem: 1e-300, disk: 4, net: 0.1 + 0.2 } },
    ];
    const expected: { tick: number; command: Command }[] = [];
    const reused: Command = { type: 'setLoad', vps: 'b', load: { cpu: 0 } };
    for (let t = 0; t < 6; t++) {
      for (const c of moves) {
        expect(e.apply(c).ok).toBe(true);
        expected.push({ tick: t, command: structuredClone(c) });
      }
      (reused as { load: { cpu: number } }).load.cpu = t / 10;
      e.apply(reused);
      expected.push({ tick: t, command: structuredClone(reused) });
      if (t === 2) {
        const f: Command = { type: 'startFault', vps: 'c', fault: 'cpu_hog' };
        e.apply(f);
        expected.push({ tick: t, command: structuredClone(f) });
      }
      if (t === 3) expect(JSON.stringify(e.log())).toBe(JSON.stringify(expected));
      e.advance(1);
    }
    const log = e.log();
    // Same entries, same key order (so the JSON is byte-identical), -0 kept.
    expect(JSON.stringify(log)).toBe(JSON.stringify(expected));
    expect(Object.is((log[4].command as { load: { cpu: number } }).load.cpu, -0)).toBe(true);
    expect(log).toBe(e.log());
    // A refused command is not logged.
    expect(e.apply({ type: 'setLoad', vps: 'nobody', load: { cpu: 1 } }).ok).toBe(false);
    expect(e.log().length).toBe(expected.length);
  });
});
