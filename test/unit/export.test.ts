import { describe, expect, it } from 'vitest';
import { HOST_METRICS, VPS_METRICS, type Frame, type VpsMetrics, type VpsState } from '../../shared/model.js';
import {
  SummaryAccumulator,
  csvHeader,
  formatNumber,
  frameCsvRows,
  metricUnit,
  metricsWithoutUnit,
  summarize,
  toCsv,
} from '../../server/export.js';

// The normative names of model.md §10, written out here so a rename in the code fails this test.
const NORMATIVE_VPS = [
  'state',
  'cpuDemand',
  'cpuGranted',
  'cpuUseful',
  'cpuSteal',
  'cpuThrottled',
  'memDemandGiB',
  'memResidentGiB',
  'memSwappedGiB',
  'diskDemandIops',
  'diskServedIops',
  'netDemandMbps',
  'netServedMbps',
  'latencyMeanMs',
  'latencyP99Ms',
  'throughputRps',
  'errorRate',
  'goodFraction',
  'degradation',
  'health',
];
const NORMATIVE_HOST = [
  'cpuUtil',
  'memUsedGiB',
  'hostSwapGiB',
  'diskUtil',
  'netUtil',
  'dom0CpuUtil',
  'fairness',
  'running',
];

function vps(id: string, over: Partial<VpsMetrics> = {}): VpsMetrics {
  const v = { id, state: 'running' as VpsState } as VpsMetrics;
  for (const m of VPS_METRICS) v[m] = 0;
  return { ...v, demandRps: 100, throughputRps: 100, goodFraction: 1, ...over };
}

function frame(tick: number, list: VpsMetrics[], host: Partial<Frame['host']> = {}): Frame {
  const h = {} as Frame['host'];
  for (const m of HOST_METRICS) h[m] = 0;
  return { tick, t: (tick + 1) / 10, host: { ...h, ...host }, vps: list, attribution: [] };
}

describe('CSV export', () => {
  it('has the normative columns in a stable order', () => {
    const cols = csvHeader({ units: 'none' }).trim().split(',');
    expect(cols.slice(0, 4)).toEqual(['tick', 't', 'vps', 'state']);
    for (const m of NORMATIVE_VPS) expect(cols).toContain(m);
    for (const m of NORMATIVE_HOST) expect(cols).toContain(`host.${m}`);
    // VPS columns first, host columns after, each group in the vocabulary's order.
    const firstHost = cols.findIndex((c) => c.startsWith('host.'));
    expect(cols.slice(firstHost).every((c) => c.startsWith('host.'))).toBe(true);
    expect(new Set(cols).size).toBe(cols.length);
    expect(csvHeader({ mode: true, units: 'none' }).split(',').slice(0, 4)).toEqual([
      'tick',
      't',
      'mode',
      'vps',
    ]);
    // With units (the default), each name stays recognizable: the bare name, then its unit.
    const withUnits = csvHeader().trim().split(',');
    expect(withUnits.map((c) => c.replace(/\[[^\]]*\]$/, ''))).toEqual(cols);
  });

  it('says the unit of every column: in the name where it is not already there, or on a second line', () => {
    const head = csvHeader().trim().split(',');
    expect(head.slice(0, 4)).toEqual(['tick', 't[s]', 'vps', 'state']);
    for (const c of [
      'cpuDemand[cores]',
      'cpuSteal[0-1]',
      'errorRate[0-1]',
      'health[0-100]',
      'host.cpuUtil[0-1]',
      'host.dom0CpuUtil[0-1]',
    ])
      expect(head).toContain(c);
    // Names that end in their unit are left alone.
    for (const c of [
      'latencyP99Ms',
      'memResidentGiB',
      'diskServedIops',
      'netServedMbps',
      'throughputRps',
      'host.memUsedGiB',
    ])
      expect(head).toContain(c);
    const [names, units] = csvHeader({ units: 'row' })
      .trimEnd()
      .split('\n')
      .map((l) => l.split(','));
    expect(names).toEqual(csvHeader({ units: 'none' }).trim().split(','));
    expect(units).toHaveLength(names.length);
    expect(units[names.indexOf('latencyP99Ms')]).toBe('ms');
    expect(units[names.indexOf('host.fairness')]).toBe('0-1');
    expect(units[names.indexOf('vps')]).toBe('');
  });

  it('knows a unit for every metric of the vocabulary', () => {
    expect(metricsWithoutUnit()).toEqual([]);
    expect(metricUnit('diskLatencyMs')).toEqual({ unit: 'ms', inName: true });
    expect(metricUnit('mystery')).toBeUndefined();
  });

  it('writes one row per tick and VPS with as many cells as the header', () => {
    const frames = [
      frame(0, [vps('web-1', { cpuGranted: 1.5 }), vps('db-1')], { cpuUtil: 0.25 }),
      frame(1, [vps('web-1', { state: 'dnr' }), vps('db-1')]),
    ];
    const lines = toCsv(frames).trimEnd().split('\n');
    expect(lines).toHaveLength(1 + 4);
    const header = lines[0].split(',');
    for (const line of lines.slice(1)) expect(line.split(',')).toHaveLength(header.length);
    const row = Object.fromEntries(header.map((h, k) => [h, lines[1].split(',')[k]]));
    expect(row).toMatchObject({
      tick: '0',
      't[s]': '0.1',
      vps: 'web-1',
      state: 'running',
      'cpuGranted[cores]': '1.5',
      'host.cpuUtil[0-1]': '0.25',
    });
    expect(lines[3].split(',')[header.indexOf('state')]).toBe('dnr');
  });

  it('quotes a JSON mode in the mode column', () => {
    const rows = frameCsvRows(frame(0, [vps('a')]), { base: 'container', containerLimits: false });
    expect(rows.startsWith('0,0.1,"{""base"":""container"",""containerLimits"":false}",a,running,')).toBe(
      true,
    );
  });

  it('prints numbers reproducibly', () => {
    expect(formatNumber(0.1 + 0.2)).toBe('0.3');
    expect(formatNumber(-0)).toBe('0');
    expect(formatNumber(-1e-9)).toBe('0');
    expect(formatNumber(1e-7)).toBe('0');
    expect(formatNumber(123456.1234567)).toBe('123456.123457');
    expect(formatNumber(Number.NaN)).toBe('');
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('');
    expect(formatNumber(42)).toBe('42');
  });
});

describe('summary', () => {
  // Four ticks, two VPSs, numbers chosen to be checked by hand.
  const frames = [
    frame(0, [vps('a', { latencyP99Ms: 10, degradation: 0 }), vps('b', { latencyP99Ms: 5 })], {
      cpuUtil: 0.5,
    }),
    frame(1, [vps('a', { latencyP99Ms: 20, degradation: 0.2 }), vps('b', { latencyP99Ms: 5 })], {
      cpuUtil: 0.7,
    }),
    frame(
      2,
      [
        vps('a', { latencyP99Ms: 30, degradation: 1, state: 'down', throughputRps: 0 }),
        vps('b', { latencyP99Ms: 7 }),
      ],
      { cpuUtil: 0.9 },
    ),
    frame(3, [vps('a', { latencyP99Ms: 40, degradation: 0.6 }), vps('b', { latencyP99Ms: 7 })], {
      cpuUtil: 0.3,
    }),
  ];

  it('averages each metric per VPS and host, and derives degradation and DNR', () => {
    const s = summarize(frames);
    expect(s.ticks).toBe(4);
    expect(s.fromT).toBeCloseTo(0.1);
    expect(s.toT).toBeCloseTo(0.4);
    // Tick 2 is spent down: nothing served, so its latency is left out of the latency means.
    expect(s.vps.a.latencyP99Ms).toBeCloseTo((10 + 20 + 40) / 3);
    expect(s.vps.a.maxLatencyP99Ms).toBe(40);
    expect(s.vps.a.throughputRps).toBeCloseTo(75);
    expect(s.vps.a.degradationPct).toBeCloseTo(45);
    expect(s.vps.a.states.down).toBeCloseTo(0.25);
    expect(s.vps.a.noResponseShare).toBeCloseTo(0.25);
    expect(s.vps.a.dnr).toBe(true);
    expect(s.vps.b.latencyP99Ms).toBeCloseTo(6);
    expect(s.vps.b.degradationPct).toBe(0);
    expect(s.vps.b.dnr).toBe(false);
    expect(s.host.cpuUtil).toBeCloseTo(0.6);
  });

  it('counts serving nothing within the SLO as no response, and respects the DNR threshold', () => {
    const late = [0, 1, 2, 3].map((t) => frame(t, [vps('a', { goodFraction: t === 0 ? 0.005 : 0.9 })]));
    expect(summarize(late).vps.a.noResponseShare).toBeCloseTo(0.25);
    expect(summarize(late).vps.a.dnr).toBe(true);
    expect(summarize(late, { dnrShare: 0.5 }).vps.a.dnr).toBe(false);
    const idle = [frame(0, [vps('a', { demandRps: 0, throughputRps: 0, goodFraction: 0 })])];
    expect(summarize(idle).vps.a.noResponseShare).toBe(0);
  });

  it('summarizes a window of ticks only', () => {
    const s = summarize(frames, { fromTick: 1, toTick: 3 });
    expect(s.ticks).toBe(2);
    expect(s.vps.a.latencyP99Ms).toBeCloseTo(20);
    expect(s.vps.a.degradationPct).toBeCloseTo(60);
    expect(s.host.cpuUtil).toBeCloseTo(0.8);
  });

  it('follows VPSs that join, leave and change places, by id', () => {
    const acc = new SummaryAccumulator();
    const seq: string[][] = [
      ['a', 'b'],
      ['a', 'b'],
      ['b', 'c', 'a'],
      ['c'],
      ['d', 'c', 'b', 'e', 'f', 'g', 'a'],
    ];
    const seen = new Map<string, number[]>();
    seq.forEach((ids, t) => {
      acc.add(
        frame(
          t,
          ids.map((id, k) => {
            const x = 10 * t + k + id.charCodeAt(0);
            seen.set(id, [...(seen.get(id) ?? []), x]);
            return vps(id, { cpuGranted: x });
          }),
        ),
      );
    });
    const r = acc.result();
    expect(Object.keys(r.vps)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    for (const [id, xs] of seen) {
      expect(r.vps[id].ticks).toBe(xs.length);
      expect(r.vps[id].cpuGranted).toBe(xs.reduce((p, q) => p + q, 0) / xs.length);
    }
  });

  it('leaves non-finite values out of means', () => {
    const s = summarize([
      frame(0, [vps('a', { latencyP99Ms: Number.POSITIVE_INFINITY })]),
      frame(1, [vps('a', { latencyP99Ms: 8 })]),
    ]);
    expect(s.vps.a.latencyP99Ms).toBe(8);
  });
});
