import { describe, expect, it } from 'vitest';
import {
  createEngine,
  restoreEngine,
  validateScenario,
  DEFAULT_PARAMS,
  PARAM_NAMES,
  PARAM_SPECS,
  scaledParam,
} from '../../../server/sim/index.js';
import { validateScenario as validateFile } from '../../../server/scenario.js';
import { KNOBS } from '../../../server/sim/knobs.js';
import { scenario, web } from './helpers.js';

describe('model parameters as data', () => {
  it('lists every parameter with a default inside its own range and a source', () => {
    expect(PARAM_NAMES.length).toBeGreaterThan(50);
    for (const k of PARAM_NAMES) {
      const s = PARAM_SPECS[k];
      expect(s.value, k).toBe(DEFAULT_PARAMS[k]);
      expect(s.value, k).toBeGreaterThanOrEqual(s.min);
      expect(s.value, k).toBeLessThanOrEqual(s.max);
      expect(s.source.length, k).toBeGreaterThan(0);
      expect(s.doc.length, k).toBeGreaterThan(0);
    }
    expect(KNOBS.swapKappa).toBe(DEFAULT_PARAMS.swapKappa);
  });

  it('scales a parameter for a sweep within its range, whole where it must be', () => {
    expect(scaledParam('swapKappa', 2)).toBe(20);
    expect(scaledParam('eCpuPara', 2)).toBe(1);
    expect(scaledParam('stageSlots', 0.5)).toBe(8);
    expect(scaledParam('attributionTop', 0.5)).toBe(2);
  });

  it('refuses an unknown name or a bad value, naming params.<name>', () => {
    const bad = (params: Record<string, number>) => validateScenario(scenario({ params }));
    expect(bad({ swapKapa: 3 })).toMatchObject({ ok: false, error: { path: 'params.swapKapa' } });
    expect(bad({ swapKappa: -1 })).toMatchObject({ ok: false, error: { path: 'params.swapKappa' } });
    expect(bad({ stageSlots: 7.5 })).toMatchObject({ ok: false, error: { path: 'params.stageSlots' } });
    expect(bad({ eCpuPara: 1.5 })).toMatchObject({ ok: false, error: { path: 'params.eCpuPara' } });
    expect(() => createEngine(scenario({ params: { nope: 1 } }))).toThrow(/params\.nope/);
    // The file validator: a value that is not a number fails the schema at the same path.
    const r = validateFile({ ...scenario(), params: { swapKappa: 'ten' } });
    expect(r).toMatchObject({ ok: false, error: { path: 'params.swapKappa' } });
    const u = validateFile({ ...scenario(), params: { bogus: 1 } });
    expect(u).toMatchObject({ ok: false, error: { path: 'params.bogus' } });
    expect(validateFile({ ...scenario(), params: { swapKappa: 5 } }).ok).toBe(true);
  });

  it('an override changes only its own engine, and survives save/restore', () => {
    const s = scenario({ vps: [web('a')], mode: 'full' });
    const plain = createEngine(s);
    const tuned = createEngine({ ...s, params: { rpsPerVcpu: 50, p99Factor: 9 } });
    const fp = plain.step().vps[0];
    const ft = tuned.step().vps[0];
    expect(fp.demandRps).toBe(200 * 4 * 0.3);
    expect(ft.demandRps).toBe(50 * 4 * 0.3);
    // A third engine built after the tuned one still sees the defaults.
    expect(createEngine(s).step().vps[0].demandRps).toBe(fp.demandRps);
    const restored = restoreEngine(JSON.parse(JSON.stringify(tuned.save())));
    const a = tuned.step().vps[0];
    const b = restored.step().vps[0];
    expect(b).toEqual(a);
    expect(b.demandRps).toBe(60);
  });

  it('the state and health thresholds are parameters the engine reads', () => {
    // A CPU hog on a neighbour of a 1-core para host: web-1 keeps its throughput, but its p99 rises.
    const s = scenario({
      host: { cores: 1 },
      vps: [web('a', { vcpus: 1, load: { cpu: 0.4, mem: 0.2, disk: 0, net: 0 } }), web('b', { vcpus: 1 })],
      events: [{ atS: 0, type: 'startFault', vps: 'b', fault: 'cpu_hog' }],
    });
    const at = (params?: Record<string, number>) => {
      const e = createEngine({ ...s, ...(params ? { params } : {}) });
      e.advance(20);
      return e.step().vps[0];
    };
    const plain = at();
    expect(plain.state).toBe('degraded');
    expect(plain.degradation).toBeLessThan(0.05);
    // The same run, judged with a looser p99 ratio and error rate: it is running.
    const loose = at({ degradedP99Ratio: 1000, degradedErrorRate: 1, degradedAbove: 1 });
    expect(loose.state).toBe('running');
    expect(loose.latencyP99Ms).toBe(plain.latencyP99Ms);
    // Health loses its latency half faster with a shorter span.
    const strict = at({ healthP99Span: 0.1 });
    expect(strict.health).toBeLessThan(plain.health);
  });

  it('overhead factors are parameters: a lower para e_disk serves fewer IOPS to a capped storm', () => {
    const s = scenario({
      vps: [web('a', { load: { cpu: 0.1, disk: 4 } })],
      host: { diskIops: 1000 },
      mode: 'para',
    });
    const base = createEngine(s).step().vps[0].diskServedIops;
    const low = createEngine({ ...s, params: { eDiskPara: 0.5 } }).step().vps[0].diskServedIops;
    expect(low).toBeLessThan(base);
  });
});

describe('net_flood direction', () => {
  it('is refused on any other fault, naming the event path', () => {
    const r = validateScenario(
      scenario({ events: [{ atS: 1, type: 'startFault', vps: 'a', fault: 'cpu_hog', direction: 'rx' }] }),
    );
    expect(r).toMatchObject({ ok: false, error: { path: 'events[0].direction' } });
    const e = createEngine(scenario());
    expect(e.apply({ type: 'startFault', vps: 'a', fault: 'net_flood', direction: 'rx' })).toEqual({
      ok: true,
    });
    expect(e.state().faults[0]).toMatchObject({ fault: 'net_flood', direction: 'rx' });
  });
});

describe('latency metrics', () => {
  it('p95 is 3.0·W beside p99 = 4.6·W; disk latency grows with a neighbour keeping the device busy', () => {
    // No durable writes: every request's latency is the one exponential (journal.ts adds a tail to writes).
    // Without limits the storm's I/O queues in the one FIFO ahead of the neighbour's (with limits it
    // is throttled writeback, served after synchronous requests: journal.ts).
    const s = scenario({
      mode: { base: 'container', containerLimits: false },
      host: { diskIops: 4000 },
      params: { webWriteShare: 0 },
      vps: [
        web('a', { load: { cpu: 0.1, disk: 0.1, net: 0.1 } }),
        web('b', { load: { cpu: 0.1, disk: 0.1, net: 0.1 } }),
      ],
    });
    const quiet = createEngine(s).step().vps[0];
    expect(quiet.latencyP95Ms / quiet.latencyP99Ms).toBeCloseTo(3 / 4.6, 12);
    expect(quiet.diskLatencyMs).toBeGreaterThan(0);
    const busy = createEngine({
      ...s,
      events: [{ atTick: 0, type: 'startFault', vps: 'b', fault: 'io_storm' }],
    }).step().vps[0];
    expect(busy.diskLatencyMs).toBeGreaterThan(2 * quiet.diskLatencyMs);
    const noDisk = createEngine({ ...s, vps: [web('a', { load: { cpu: 0.1, disk: 0 } })] }).step().vps[0];
    expect(noDisk.diskLatencyMs).toBe(0);
  });
});
