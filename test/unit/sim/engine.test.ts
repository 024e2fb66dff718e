import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createEngine, restoreEngine, validateScenario } from '../../../server/sim/index.js';
import { HOST_METRICS, VPS_METRICS } from '../../../shared/model.js';
import type { Command } from '../../../shared/commands.js';
import { describeEvent } from '../../../shared/events.js';
import { make, run, scenario, vpsOf, web } from './helpers.js';

const busy = scenario({
  vps: [
    web('a', { profile: 'bursty' }),
    web('b', { profile: 'randomWalk' }),
    web('c', { profile: 'diurnal' }),
    web('d', { load: { cpu: 0.9, mem: 0.5, disk: 0.5, net: 0.5 } }),
  ],
  events: [
    { atS: 1, type: 'startFault', vps: 'd', fault: 'io_storm', durationS: 2 },
    { atTick: 25, type: 'startFault', vps: 'b', fault: 'cpu_hog' },
    { atS: 4, type: 'setMode', mode: 'container' },
  ],
});

describe('engine', () => {
  it('reports every metric name of the contract in each frame', () => {
    const f = make(busy).step();
    for (const k of HOST_METRICS) expect(typeof f.host[k]).toBe('number');
    for (const v of f.vps) {
      expect(typeof v.state).toBe('string');
      for (const k of VPS_METRICS) expect(Number.isFinite(v[k])).toBe(true);
    }
    expect(f.tick).toBe(0);
    expect(f.t).toBeCloseTo(0.1, 12);
  });

  it('replays its own log to bit-identical frames', () => {
    const a = make(busy);
    const frames = run(a, 30);
    a.apply({ type: 'setLoad', vps: 'a', load: { cpu: 0.95 } });
    a.apply({ type: 'addVps', vps: web('e', { profile: 'randomWalk' }) });
    frames.push(...run(a, 20));
    a.apply({ type: 'hostFault', fault: 'dom0_crash', durationS: 1 });
    a.apply({ type: 'removeVps', vps: 'c' });
    frames.push(...run(a, 40));
    const replay = createEngine({ ...busy, events: a.log().map((e) => ({ atTick: e.tick, ...e.command })) });
    const again = run(replay, frames.length);
    expect(JSON.stringify(again)).toBe(JSON.stringify(frames));
  });

  it('continues bit-identically after save() and restoreEngine()', () => {
    const a = make(busy);
    run(a, 23);
    a.apply({ type: 'startFault', vps: 'a', fault: 'memory_leak' });
    run(a, 7);
    const saved = JSON.parse(JSON.stringify(a.save()));
    const rest = run(a, 60);
    const b = restoreEngine(saved);
    expect(b.tick).toBe(30);
    expect(JSON.stringify(run(b, 60))).toBe(JSON.stringify(rest));
    expect(b.log()).toEqual(a.log());
  });

  it('same scenario and seed give identical frames; another seed gives others (noisy profiles)', () => {
    const x = JSON.stringify(run(make(busy), 50));
    expect(JSON.stringify(run(make(busy), 50))).toBe(x);
    expect(JSON.stringify(run(make({ ...busy, seed: 8 }), 50))).not.toBe(x);
  });

  it('refuses bad commands and changes nothing', () => {
    const bad: [Command, string][] = [
      [{ type: 'setLoad', vps: 'nope', load: { cpu: 1 } }, 'UNKNOWN_VPS'],
      [{ type: 'startFault', vps: 'nope', fault: 'cpu_hog' }, 'UNKNOWN_VPS'],
      [{ type: 'removeVps', vps: 'nope' }, 'UNKNOWN_VPS'],
      [{ type: 'addVps', vps: web('a') }, 'CONFLICT'],
      [{ type: 'addVps', vps: web('huge', { vcpus: 64 }) }, 'ADMISSION_REFUSED'],
      [{ type: 'resizeVps', vps: 'a', plan: { ramGiB: 100 } }, 'ADMISSION_REFUSED'],
      [{ type: 'resizeVps', vps: 'a', plan: { cpuCapCores: 9 } }, 'INVALID_INPUT'],
    ];
    const s = scenario({ mode: 'full' });
    const a = make(s);
    const b = make(s);
    run(a, 5);
    run(b, 5);
    for (const [cmd, code] of bad) {
      const r = a.apply(cmd);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe(code);
    }
    expect(a.log()).toHaveLength(0);
    expect(a.state()).toEqual(b.state());
    expect(JSON.stringify(run(a, 10))).toBe(JSON.stringify(run(b, 10)));
  });

  it('accepts a host fault without meaning in the mode as a no-op and says so', () => {
    const a = make(scenario({ mode: 'full' }));
    const b = make(scenario({ mode: 'full' }));
    expect(a.apply({ type: 'hostFault', fault: 'dom0_crash' }).ok).toBe(true);
    expect(a.takeEvents().some((n) => n.type === 'note' && /no meaning/.test(describeEvent(n)))).toBe(true);
    expect(JSON.stringify(run(a, 5))).toBe(JSON.stringify(run(b, 5)));
  });

  it('validates a scenario semantically, naming the JSON path', () => {
    const unknown = validateScenario(
      scenario({
        events: [
          { atS: 1, type: 'setLoad', vps: 'a', load: {} },
          { atS: 2, type: 'setLoad', vps: 'zz', load: {} },
        ],
      }),
    );
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.error.path).toBe('events[1].vps');
    const removed = validateScenario(
      scenario({
        events: [
          { atS: 3, type: 'setLoad', vps: 'a', load: {} },
          { atS: 1, type: 'removeVps', vps: 'a' },
        ],
      }),
    );
    expect(!removed.ok && removed.error.path).toBe('events[0].vps');
    const admission = validateScenario(
      scenario({ mode: 'full', vps: [web('a', { vcpus: 12 }), web('b', { vcpus: 8 })] }),
    );
    expect(!admission.ok && admission.error.code).toBe('ADMISSION_REFUSED');
    expect(!admission.ok && admission.error.path).toBe('vps[1]');
    expect(
      validateScenario(scenario({ mode: 'para', vps: [web('a', { vcpus: 12 }), web('b', { vcpus: 8 })] })).ok,
    ).toBe(true);
    expect(() =>
      createEngine(scenario({ mode: 'full', vps: [web('a', { vcpus: 12 }), web('b', { vcpus: 8 })] })),
    ).toThrow(/CPU caps/);
  });

  it('advance() then frame() equals step()', () => {
    const a = make(busy);
    const b = make(busy);
    a.advance(12);
    run(b, 11);
    expect(JSON.stringify(a.frame())).toBe(JSON.stringify(b.step()));
    expect(a.metric('cpuGranted')[0]).toBe(vpsOf(a.frame(), 'a').cpuGranted);
  });
});

describe('fixed quota', () => {
  it("a neighbour's demand never changes a VPS's grant", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 4, noNaN: true }),
        fc.double({ min: 0, max: 4, noNaN: true }),
        fc.double({ min: 0, max: 4, noNaN: true }),
        fc.constantFrom('full' as const, 'hosted' as const),
        (mine, n1, n2, mode) => {
          const s = (a: number, b: number) =>
            scenario({
              mode,
              vps: [
                web('me', { load: { cpu: mine }, cpuCapCores: 3 }),
                web('x', { load: { cpu: a } }),
                web('y', { load: { cpu: b } }),
              ],
            });
          const g1 = vpsOf(make(s(n1, n2)).step(), 'me').cpuGranted;
          const g2 = vpsOf(make(s(n2, n1 / 2)).step(), 'me').cpuGranted;
          expect(g1).toBe(g2);
          expect(g1).toBeCloseTo(Math.min(mine * 4, 3), 12);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('CPU-only: Dom0 and host OS take no CPU; the pure scheduler shows', () => {
    for (const mode of ['para', 'hosted'] as const) {
      const s = scenario({
        mode,
        vps: ['a', 'b', 'c', 'd'].map((id) => web(id, { load: { cpu: 1, mem: 0.2, disk: 0, net: 0 } })),
      });
      const f = make(s).step();
      expect(f.host.dom0CpuUtil).toBe(0);
      expect(f.host.hostOsCpuUtil).toBe(0);
      expect(f.vps.reduce((a, v) => a + v.cpuGranted, 0)).toBeCloseTo(16, 9);
    }
  });
});
