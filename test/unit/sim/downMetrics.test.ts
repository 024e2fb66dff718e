/**
 * A VPS that is not running (down, rebooting) serves nothing and has nothing to be compared with
 * alone: its latencies, the isolated p99 among them, are a gap (0 beside a throughput of 0), on
 * every tick it is out, and its isolated p99 is back as soon as it runs again.
 */
import { describe, expect, it } from 'vitest';
import type { Command, Scenario } from '../../../shared/commands.js';
import type { Frame } from '../../../shared/model.js';
import { make, scenario, web } from './helpers.js';

const OUT = new Set(['down', 'rebooting']);
const LATENCIES = [
  'latencyMeanMs',
  'latencyP99Ms',
  'latencyP95Ms',
  'diskLatencyMs',
  'latencyP99IsolatedMs',
] as const;

function runWith(s: Scenario, cmd: Command, ticks: number): Frame[] {
  const e = make(s);
  const out: Frame[] = [];
  for (let t = 0; t < ticks; t++) {
    if (t === 20) e.apply(cmd);
    out.push(e.step());
  }
  return out;
}

const cases: [string, Scenario, Command][] = [
  [
    'a para guest rebooting after its kernel panic',
    scenario({ mode: 'para' }),
    { type: 'startFault', vps: 'b', fault: 'kernel_panic' },
  ],
  [
    'every container down with the shared kernel',
    scenario({ mode: 'container' }),
    { type: 'startFault', vps: 'b', fault: 'kernel_panic' },
  ],
  [
    'every guest down while the host reboots',
    scenario({ mode: 'full' }),
    { type: 'hostFault', fault: 'host_reboot', durationS: 5 },
  ],
];

describe('a VPS that is not running', () => {
  it.each(cases)('%s has no latency and no isolated p99, and gets them back', (_, s, cmd) => {
    const frames = runWith({ ...s, vps: [web('a'), web('b'), web('c')] }, cmd, 800);
    let out = 0;
    const wrong: string[] = [];
    for (const f of frames)
      for (const v of f.vps) {
        if (!OUT.has(v.state)) continue;
        out++;
        expect(v.throughputRps).toBe(0);
        for (const k of LATENCIES)
          if (v[k] !== 0) wrong.push(`tick ${f.tick} ${v.id} ${v.state} ${k} ${v[k]}`);
      }
    expect(out).toBeGreaterThan(40);
    expect(wrong.slice(0, 5), `${wrong.length} values`).toEqual([]);
    // Back up: it is compared with itself alone again.
    const last = frames[frames.length - 1];
    for (const v of last.vps) {
      expect(v.state).not.toBe('down');
      expect(v.state).not.toBe('rebooting');
      expect(v.latencyP99IsolatedMs).toBeGreaterThan(0);
    }
  });
});

describe('a VPS that does not respond (DNR)', () => {
  it("whose disk path serves nothing (Dom0 down) reads its client's timeout at the disk, as in its p99", () => {
    const e = make({ ...scenario({ mode: 'para' }), vps: [web('a'), web('b'), web('c')] });
    for (let t = 0; t < 20; t++) e.step();
    expect(e.apply({ type: 'hostFault', fault: 'dom0_crash', durationS: 5 }).ok).toBe(true);
    let hung = 0;
    for (let t = 0; t < 40; t++) {
      const f = e.step();
      for (const v of f.vps) {
        if (v.state !== 'dnr') continue;
        hung++;
        expect(v.diskServedIops).toBe(0);
        expect(v.diskLatencyMs, `tick ${f.tick} ${v.id}`).toBe(v.latencyP99Ms);
      }
    }
    expect(hung).toBeGreaterThan(60);
  });

  it('hung by the shared kernel (fork bomb), it still reads the wait at a disk that works', () => {
    const e = make({
      ...scenario({ mode: { base: 'container', containerLimits: false } }),
      vps: [web('a'), web('b'), web('c')],
    });
    for (let t = 0; t < 20; t++) e.step();
    expect(e.apply({ type: 'startFault', vps: 'b', fault: 'fork_bomb' }).ok).toBe(true);
    let hung = 0;
    for (let t = 0; t < 40; t++) {
      const f = e.step();
      for (const v of f.vps) {
        if (v.state !== 'dnr' || v.id === 'b') continue;
        hung++;
        expect(v.diskLatencyMs).toBeGreaterThan(0);
        expect(v.diskLatencyMs).toBeLessThan(100);
      }
    }
    expect(hung).toBeGreaterThan(40);
  });
});
