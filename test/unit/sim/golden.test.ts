/**
 * Golden values: a fixed preset and seed pin exact figures. They were computed once from the model
 * and written here; they change only when the model changes deliberately (then recompute them and
 * say why in the commit). A change in any of them without such a decision is a regression.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../../server/sim/index.js';
import { scenario, web } from './helpers.js';

describe('golden run (para, seed 42, randomWalk + bursty, io_storm at 2 s)', () => {
  it('pins tick 49', () => {
    const s = scenario({
      seed: 42,
      mode: 'para',
      vps: [web('a', { profile: 'randomWalk' }), web('b', { profile: 'bursty' }), web('c'), web('d')],
      events: [{ atS: 2, type: 'startFault', vps: 'd', fault: 'io_storm' }],
    });
    const e = createEngine(s);
    e.advance(49);
    const f = e.step();
    expect(f.tick).toBe(49);
    expect(f.vps[0].cpuGranted).toBe(1.473427543599032);
    expect(f.vps[0].latencyP99Ms).toBe(61.829781628349444);
    expect(f.vps[1].demandRps).toBe(240);
    expect(f.vps[3].diskServedIops).toBe(11651.495221942821);
    expect(f.host.dom0CpuUtil).toBe(1);
    expect(f.host.diskUtil).toBe(0.1475106801567344);
  });
});
