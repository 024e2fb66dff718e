import { describe, expect, it } from 'vitest';
import {
  categoryOf,
  magnitudeHolds,
  meets,
  ratioTo,
  VISIBLE_P99_RATIO,
} from '../../server/scorecard/categories.js';
import { decide } from '../../server/scorecard/conditions.js';
import { demandOf, ROWS } from '../../server/scorecard/demands.js';
import { cellOf, runScorecard } from '../../server/scorecard/experiment.js';
import {
  COLUMNS,
  fitBaseline,
  guestCpuNeed,
  MAX_BASELINE_CPU,
  MODERN_HOST,
  quotaCap,
  SMALL_HOST,
  sureCpu,
  type ExperimentHost,
} from '../../server/scorecard/setup.js';
import { familyHost, hostFamily } from '../../server/scorecard/family.js';
import { dom0ChargingCheck } from '../../server/scorecard/checks.js';
import { createEngine } from '../../server/sim/index.js';
import { experimentScenario } from '../../server/scorecard/setup.js';
import type { GuestJson } from '../../shared/scorecard.js';

const col = (id: string) => COLUMNS.find((c) => c.id === id)!;
const row = (stress: string) => ROWS.find((r) => r.stress === stress)!;
const guest = (id: string, degradationPct: number, dnr = false): GuestJson => ({
  id,
  degradationPct,
  dnr,
  p99Ms: 10,
  baselineP99Ms: 10,
});

describe('scorecard categories and acceptance', () => {
  it('puts a drop in validation.md’s categories at their edges', () => {
    expect(categoryOf(0, false)).toBe('zero');
    expect(categoryOf(0.999, false)).toBe('zero');
    expect(categoryOf(1, false)).toBe('small');
    expect(categoryOf(10, false)).toBe('small');
    expect(categoryOf(10.01, false)).toBe('large');
    expect(categoryOf(100, false)).toBe('large');
    expect(categoryOf(0, true)).toBe('outage');
  });

  it('meets a demand only with an allowed category and, where written, a visible p99 rise', () => {
    expect(meets({ categories: ['zero'], because: '' }, 'zero', 1)).toBe(true);
    expect(meets({ categories: ['zero'], because: '' }, 'small', 1)).toBe(false);
    expect(meets({ categories: ['zero'], p99Up: true, because: '' }, 'zero', VISIBLE_P99_RATIO)).toBe(true);
    expect(meets({ categories: ['zero'], p99Up: true, because: '' }, 'zero', VISIBLE_P99_RATIO - 0.01)).toBe(
      false,
    );
    expect(meets({ categories: ['zero'], p99Up: true, because: '' }, 'zero', NaN)).toBe(false);
  });

  it('matches magnitudes as validation.md writes them: ×2, ±2 points under 4 %, zeros under 1 %, DNR as DNR', () => {
    expect(magnitudeHolds(39.8, 19.9, false)).toBe(true);
    expect(magnitudeHolds(39.8, 19.8, false)).toBe(false);
    expect(magnitudeHolds(39.8, 79.6, false)).toBe(true);
    expect(magnitudeHolds(39.8, 79.7, false)).toBe(false);
    expect(magnitudeHolds(1.67, 3.67, false)).toBe(true);
    expect(magnitudeHolds(1.67, 3.7, false)).toBe(false);
    expect(magnitudeHolds(1.67, 0, false)).toBe(true);
    expect(magnitudeHolds(0, 0.99, false)).toBe(true);
    expect(magnitudeHolds(0, 1, false)).toBe(false);
    expect(magnitudeHolds('DNR', 100, true)).toBe(true);
    expect(magnitudeHolds('DNR', 99, false)).toBe(false);
    expect(magnitudeHolds(87.8, 87.8, true)).toBe(false);
    expect(ratioTo(21.3, 42.6, false)).toBeCloseTo(2);
    expect(ratioTo(0, 3, false)).toBeNull();
    expect(ratioTo('DNR', 3, false)).toBeNull();
  });

  it('lets the worst-off well-behaved guest decide the category, and prints the mean beside it', () => {
    const h = SMALL_HOST;
    const c = cellOf(
      h,
      col('full'),
      row('fork_bomb'),
      [guest('web-1', 0), guest('web-2', 0), guest('web-3', 30), guest('web-4', 100, true)],
      false,
    );
    expect(c.good.category).toBe('large');
    expect(c.good.worstGuest).toBe('web-3');
    expect(c.good.degradationPct).toBeCloseTo(10);
    expect(c.matches).toBe(false);
    const out = cellOf(
      h,
      col('para'),
      row('io_storm'),
      [guest('web-1', 2), guest('web-2', 0, true), guest('web-3', 2), guest('web-4', 50)],
      false,
    );
    expect(out.good.category).toBe('outage');
    expect(out.bad.category).toBe('large');
    expect(out.badMatches).toBe(true);
  });

  it('decides conditional cells from the setup, never from a run', () => {
    // The paper's host: a 1-Gbit NIC a flooding container fills; the modern setup scaled the same way fills its 10 Gbit too.
    expect(decide('floodSaturatesNic', SMALL_HOST, col('containerLimits')).verdict).toBe('yes');
    expect(demandOf(row('net_flood'), col('containerLimits'), SMALL_HOST)!.categories).toEqual(['large']);
    // A 25 GbE host whose guests have two vCPUs each: a flooder cannot push the line rate with its CPU.
    const wide: ExperimentHost = {
      ...MODERN_HOST,
      id: 'wide',
      host: { ...MODERN_HOST.host, netMbps: 25_000 },
      guests: 8,
      vcpus: 2,
      netMbps: 6250,
    };
    expect(decide('floodSaturatesNic', wide, col('containerLimits')).verdict).toBe('no');
    expect(demandOf(row('net_flood'), col('containerLimits'), wide)!.categories).toEqual(['zero', 'small']);
    expect(demandOf(row('net_flood'), col('containerNoLimits'), wide)!.categories).toEqual(['zero', 'small']);
    // A hog on a 1-core host leaves it short of CPU: p99 must rise; a small hog on a wide host does not.
    expect(demandOf(row('cpu_hog'), col('para'), SMALL_HOST)!.p99Up).toBe(true);
    expect(
      demandOf(row('cpu_hog'), col('para'), { ...wide, host: { ...wide.host, cores: 64 } })!.p99Up,
    ).toBeUndefined();
    // Para memory bomb: small only where the plans overcommit the RAM.
    expect(demandOf(row('memory_leak'), col('para'), SMALL_HOST)!.categories).toEqual(['zero']);
    expect(demandOf(row('memory_leak'), col('para'), { ...SMALL_HOST, ramGiB: 0.5 })!.categories).toEqual([
      'zero',
      'small',
    ]);
    // Para net flood: large only where a fair share of Dom0 cannot carry a neighbour's own traffic.
    expect(demandOf(row('net_flood'), col('para'), SMALL_HOST)!.categories).toEqual(['zero', 'small']);
    const busy = { ...SMALL_HOST, load: { ...SMALL_HOST.load, net: 1 }, netMbps: 5000 };
    expect(decide('dom0FairShareShort', busy, col('para')).verdict).not.toBe('no');
    expect(demandOf(row('net_flood'), col('para'), busy)!.categories).toContain('large');
  });

  it('writes no demand where validation.md writes none', () => {
    expect(demandOf(row('net_receive'), col('para'), SMALL_HOST)).toBeUndefined();
    expect(demandOf(row('dom0_crash'), col('full'), SMALL_HOST)).toBeUndefined();
    expect(demandOf(row('host_os_crash'), col('hosted'), SMALL_HOST)!.categories).toEqual(['outage']);
  });

  it('counts Dom0 among the entities sharing the cores where a mode has one (model spec §3, §5)', () => {
    // A 1-core host with two guests: under para each guest is sure of a third (Dom0 has the same weight).
    const one = { ...SMALL_HOST, guests: 2, host: { ...SMALL_HOST.host, cores: 1 }, vcpus: 1, dom0Vcpus: 1 };
    expect(sureCpu(one, col('para'))).toBeCloseTo(1 / 3, 12);
    expect(sureCpu(one, col('containerNoLimits'))).toBeCloseTo(1 / 2, 12);
    expect(sureCpu(one, col('full'))).toBe(quotaCap(one));
    // Dom0 cannot take more than its vCPUs: 16 cores, two guests, one Dom0 vCPU leaves 7.5 cores each.
    const wide = { ...one, host: { ...one.host, cores: 16 }, vcpus: 16 };
    expect(sureCpu(wide, col('para'))).toBeCloseTo(7.5, 12);
    // A heavier Dom0 weight leaves the guests less.
    expect(sureCpu(one, col('para'), { dom0Weight: 512 })).toBeCloseTo(1 / 4, 12);
  });

  it('keeps a para neighbour inside its share when a storm or flood keeps Dom0 and the culprit busy on a 1-core host', () => {
    // Two guests on one core with an NVMe disk and 10 GbE: the storm (or flood) and the Dom0 work it
    // causes are two busy entities, so a neighbour is sure of a third of the core, not a half.
    const h = familyHost('core1nvme', {
      cores: 1,
      ramPerCore: 4,
      disk: 'NVMe',
      diskIops: 600_000,
      netMbps: 10_000,
      guests: 2,
      vcpus: 1,
      webLoad: 0.4,
    });
    expect(guestCpuNeed(h, col('para')) / 0.99).toBeLessThanOrEqual(
      MAX_BASELINE_CPU * sureCpu(h, col('para')) + 1e-9,
    );
    const rows = ROWS.filter((r) => r.stress === 'io_storm' || r.stress === 'net_flood');
    const cells = runScorecard(h, { columns: [col('para')], rows, magnitudes: false }).cells;
    for (const c of cells) {
      expect(c.matches, `${c.stress}: ${c.good.worstPct.toFixed(1)} %`).toBe(true);
      expect(c.good.worstPct, c.stress).toBeLessThan(10);
    }
  });

  it('fits each setup so no well-behaved guest is overloaded by its own load in any column (validation.md)', () => {
    for (const h of [SMALL_HOST, MODERN_HOST, ...hostFamily(20, 1)])
      for (const c of COLUMNS)
        expect(guestCpuNeed(h, c), `${h.id} ${c.id}`).toBeLessThanOrEqual(
          MAX_BASELINE_CPU * sureCpu(h, c) + 1e-9,
        );
    // An overloaded setup is scaled down, CPU, disk and network alike; one that fits is left alone.
    const heavy: ExperimentHost = { ...MODERN_HOST, load: { cpu: 0.2, mem: 0.5, disk: 0.3, net: 0.05 } };
    const fit = fitBaseline(heavy);
    const k = fit.load.cpu / heavy.load.cpu;
    expect(k).toBeLessThan(1);
    expect(fit.load.disk / heavy.load.disk).toBeCloseTo(k, 12);
    expect(fit.load.net / heavy.load.net).toBeCloseTo(k, 12);
    expect(fit.load.mem).toBe(heavy.load.mem);
    expect(fitBaseline(fit)).toBe(fit);
    // The engine agrees: without any stress, every guest of the modern host answers all it is asked, in every column.
    for (const c of COLUMNS) {
      const e = createEngine(experimentScenario(MODERN_HOST, c));
      e.advance(100);
      for (const gf of e.metric('goodFraction')) expect(gf, c.id).toBeGreaterThan(0.999);
    }
  });
});

describe('[G06] check', () => {
  it('finds charging Dom0 work to its cause cutting a neighbour’s loss where it is CPU the uncharged work took, and worsening none', () => {
    const c = dom0ChargingCheck();
    expect(c.holds).toBe(true);
    const m = /cut on (\d+) of (\d+) cells with a loss ≥ 1 %, worse category on (\d+)/.exec(c.ours);
    expect(m, c.ours).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(0);
    expect(Number(m![3])).toBe(0);
  });
});
