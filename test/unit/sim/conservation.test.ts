/**
 * Conservation and sanity over every metric, as an outsider checks a simulator: random hosts from
 * 1 core to 256 VPSs, zero and overloading sliders, tiny plans, every mode and override, and live
 * commands (faults, host faults, resizes, mode changes, VPSs added and removed). Nothing is NaN or
 * infinite, nothing gets more than exists or than its cap, shares stay shares; and once a fault
 * is over, a steady host comes back to exactly the run that never had it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Command, Scenario, VpsSpec } from '../../../shared/commands.js';
import { HOST_METRICS, MODE_IDS, VPS_METRICS, type Frame } from '../../../shared/model.js';
import { createEngine, resolveMode, validateScenario } from '../../../server/sim/index.js';
import { guestFaultArb, modeArb, otherCommandArb, runs, vpsExtrasArb } from './arbitraries.js';

const EPS = 1e-6;
const within = (x: number, cap: number) => x <= cap * (1 + EPS) + EPS;

const loadArb = fc.record({
  cpu: fc.constantFrom(0, 0, 0.1, 0.5, 1, 2, 4),
  mem: fc.constantFrom(0, 0.5, 1, 2),
  disk: fc.constantFrom(0, 0, 0.2, 1, 4),
  net: fc.constantFrom(0, 0, 0.2, 1, 4),
});

const vpsArb = fc.record({
  vcpus: fc.constantFrom(1, 1, 2, 4, 8),
  ramGiB: fc.constantFrom(0.5, 1, 2, 8),
  diskIops: fc.constantFrom(0.001, 1, 100, 5000, 100_000),
  netMbps: fc.constantFrom(0.001, 1, 100, 1000, 10_000),
  profile: fc.constantFrom('steady' as const, 'bursty' as const, 'diurnal' as const, 'randomWalk' as const),
  load: loadArb,
  cap: fc.option(fc.constantFrom(0.1, 0.5, 1, 2), { nil: undefined }),
  sloMs: fc.option(fc.constantFrom(10, 100, 5000), { nil: undefined }),
  weight: fc.option(fc.constantFrom(1, 64, 1024, 65_535), { nil: undefined }),
  extras: vpsExtrasArb,
});

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    mode: modeArb,
    cores: fc.constantFrom(1, 1, 2, 4, 16, 64, 256),
    n: fc.constantFrom(1, 1, 2, 3, 8, 16, 256),
    ramGiB: fc.constantFrom(1, 16, 512),
    diskIops: fc.constantFrom(100, 5000, 1_000_000),
    netMbps: fc.constantFrom(100, 1000, 25_000),
    memBwGBs: fc.constantFrom(1, 100),
    seed: fc.nat(1000),
  })
  .chain((h) => {
    const base = typeof h.mode === 'string' ? h.mode : h.mode.base;
    const quota = resolveMode(h.mode).cpuPolicy === 'quota';
    return fc.array(vpsArb, { minLength: h.n, maxLength: h.n }).map((vs): Scenario => ({
      name: 'conservation',
      seed: h.seed,
      mode: h.mode,
      host: {
        cores: h.cores,
        ramGiB: h.ramGiB,
        diskIops: h.diskIops,
        netMbps: h.netMbps,
        memBwGBs: h.memBwGBs,
      },
      vps: vs.map((v, i): VpsSpec => {
        const { cap, sloMs, weight, extras, ...rest } = v;
        // Fixed quotas admit only plans that fit: cap each at its share of the host.
        const cpuCapCores = quota
          ? Math.min(v.vcpus, h.cores / h.n)
          : cap !== undefined
            ? Math.min(v.vcpus, cap)
            : undefined;
        return {
          id: `v${i}`,
          ...extras,
          ...rest,
          ramGiB: quota || base === 'para' ? h.ramGiB / h.n : v.ramGiB,
          ...(cpuCapCores !== undefined ? { cpuCapCores } : {}),
          ...(sloMs !== undefined ? { sloMs } : {}),
          ...(weight !== undefined ? { weight } : {}),
        };
      }),
    }));
  });

const commandArb = (n: number): fc.Arbitrary<Command> =>
  fc.oneof(
    guestFaultArb(n, [0.1, 1, 5]),
    otherCommandArb(n, [0.1, 1, 3]),
    fc.record({
      type: fc.constant('resizeVps' as const),
      vps: fc.nat(n - 1).map((i) => `v${i}`),
      plan: fc.record({
        vcpus: fc.constantFrom(1, 2, 8),
        diskIops: fc.constantFrom(1, 1000),
        ramGiB: fc.constantFrom(0.25, 1, 4),
      }),
    }),
    fc.record({
      type: fc.constant('setLoad' as const),
      vps: fc.nat(n - 1).map((i) => `v${i}`),
      load: loadArb,
    }),
    fc.record({ type: fc.constant('setMode' as const), mode: fc.constantFrom(...MODE_IDS) }),
    fc.record({ type: fc.constant('removeVps' as const), vps: fc.nat(n - 1).map((i) => `v${i}`) }),
    fc.constant<Command>({
      type: 'addVps',
      vps: {
        id: 'added',
        vcpus: 2,
        ramGiB: 1,
        diskIops: 100,
        netMbps: 100,
        load: { cpu: 1, mem: 1, disk: 1, net: 1 },
      },
    }),
  );

const caseArb = scenarioArb.chain((s) =>
  fc.tuple(
    fc.constant(s),
    fc.array(fc.record({ at: fc.nat(29), cmd: commandArb(s.vps.length) }), { maxLength: 5 }),
  ),
);

/** The first check that fails, as a message (expect() per value is too slow for 256 VPSs). */
class Checks {
  first: string | undefined;
  that(ok: boolean, what: string): void {
    if (!ok && this.first === undefined) this.first = what;
  }
}

/** Every check of one frame; `carried` is each VPS's backlog at the start of the tick. */
function checkFrame(
  f: Frame,
  e: ReturnType<typeof createEngine>,
  carried: Map<string, number>,
  at: string,
): void {
  const expect = (x: number | boolean | string, what: string) => ({
    toBe: (y: unknown) => c.that(x === y, `${what}: ${String(x)}`),
    toBeGreaterThanOrEqual: (y: number) => c.that((x as number) >= y, `${what}: ${String(x)} < ${y}`),
  });
  const c = new Checks();
  const st = e.state();
  const plans = new Map(st.vps.map((v) => [v.id, v]));
  const p = resolveMode(st.mode);
  const dt = st.tickMs / 1000;
  // Fairness has no value (NaN) where nothing can be compared: it must have one while some VPS answers well.
  const fairOut = Number.isNaN(f.host.fairness);
  if (fairOut)
    expect(
      f.vps.some(
        (v) =>
          (v.state === 'running' || v.state === 'degraded') && v.throughputRps > 0 && v.goodFraction === 1,
      ),
      `${at} host.fairness = NaN beside a VPS answering within its SLO`,
    ).toBe(false);
  for (const k of HOST_METRICS)
    if (k !== 'fairness' || !fairOut)
      expect(Number.isFinite(f.host[k]), `${at} host.${k} = ${f.host[k]}`).toBe(true);
  for (const k of ['cpuUtil', 'diskUtil', 'netUtil', 'dom0CpuUtil', 'fairness', 'hostOsCpuUtil'] as const) {
    if (k === 'fairness' && fairOut) continue;
    expect(f.host[k], `${at} host.${k}`).toBeGreaterThanOrEqual(-EPS);
    expect(within(f.host[k], 1), `${at} host.${k} = ${f.host[k]}`).toBe(true);
  }
  expect(within(f.host.memUsedGiB, st.host.ramGiB), `${at} host memory`).toBe(true);
  let cpu = f.host.dom0CpuUtil * p.dom0Vcpus + f.host.hostOsCpuUtil * st.host.cores,
    disk = 0,
    net = 0;
  for (const v of f.vps) {
    const plan = plans.get(v.id)!;
    const who = `${at} ${v.id}`;
    for (const k of VPS_METRICS) {
      expect(Number.isFinite(v[k]), `${who}.${k} = ${v[k]}`).toBe(true);
      expect(v[k], `${who}.${k}`).toBeGreaterThanOrEqual(-EPS);
    }
    for (const k of ['cpuSteal', 'cpuThrottled', 'goodFraction', 'errorRate', 'degradation'] as const)
      expect(within(v[k], 1), `${who}.${k} = ${v[k]}`).toBe(true);
    expect(within(v.cpuSteal + v.cpuThrottled, 1), `${who} steal + throttled`).toBe(true);
    expect(within(v.health, 100), `${who}.health`).toBe(true);
    expect(
      within(v.cpuGranted, Math.min(plan.vcpus, v.cpuDemand)),
      `${who} granted ${v.cpuGranted} of ${v.cpuDemand}, ${plan.vcpus} vCPUs`,
    ).toBe(true);
    if (plan.cpuCapCores !== undefined && p.cpuCaps)
      expect(within(v.cpuGranted, plan.cpuCapCores), `${who} granted past its cap`).toBe(true);
    expect(within(v.cpuUseful, v.cpuGranted), `${who} useful > granted`).toBe(true);
    expect(within(v.diskServedIops, v.diskDemandIops), `${who} disk served > asked`).toBe(true);
    expect(within(v.netServedMbps, v.netDemandMbps), `${who} net served > asked`).toBe(true);
    if (p.diskCap) expect(within(v.diskServedIops, plan.diskIops), `${who} disk past its plan`).toBe(true);
    if (p.netCap) expect(within(v.netServedMbps, plan.netMbps), `${who} net past its plan`).toBe(true);
    expect(within(v.memResidentGiB, v.memDemandGiB), `${who} resident > demand`).toBe(true);
    if (p.memPolicy !== 'shared')
      expect(within(v.memResidentGiB, plan.ramGiB), `${who} resident past its plan`).toBe(true);
    expect(
      within(v.latencyMeanMs, v.latencyP95Ms) && within(v.latencyP95Ms, v.latencyP99Ms),
      `${who} mean ≤ p95 ≤ p99`,
    ).toBe(true);
    // What it answers came in this tick or waited in its backlog.
    const before = carried.get(v.id) ?? 0;
    expect(
      within(v.throughputRps * dt, v.demandRps * dt + before),
      `${who} answers ${v.throughputRps} req/s`,
    ).toBe(true);
    cpu += v.cpuGranted;
    disk += v.diskServedIops;
    net += v.netServedMbps;
  }
  expect(within(cpu, st.host.cores), `${at} Σ CPU ${cpu} of ${st.host.cores} cores`).toBe(true);
  expect(within(disk, st.host.diskIops), `${at} Σ disk`).toBe(true);
  expect(within(net, st.host.netMbps), `${at} Σ net`).toBe(true);
  for (const a of f.attribution)
    expect(a.share >= 0 && within(a.share, 1), `${at} attribution ${JSON.stringify(a)}`).toBe(true);
  if (c.first !== undefined) throw new Error(c.first);
}

describe('conservation and sanity of every metric', () => {
  it('holds on random hosts (1 core … 256 VPSs) under random commands', () => {
    fc.assert(
      fc.property(caseArb, ([s, cmds]) => {
        if (!validateScenario(s).ok) return;
        const e = createEngine(s);
        const ticks = s.vps.length > 64 ? 12 : 40;
        const carried = new Map<string, number>();
        for (let t = 0; t < ticks; t++) {
          for (const c of cmds) if (c.at === t) e.apply(c.cmd);
          const f = e.step();
          checkFrame(f, e, carried, `tick ${t} ${JSON.stringify(e.state().mode)}:`);
          carried.clear();
          for (const v of f.vps) carried.set(v.id, v.backlog);
        }
      }),
      runs(40, 20261201),
    );
  });

  it('a steady host comes back to the run that never had the fault once the fault is over', () => {
    fc.assert(
      fc.property(
        scenarioArb.filter((s) => s.vps.length <= 16),
        fc.constantFrom<Command>(
          { type: 'hostFault', fault: 'host_reboot', durationS: 5 },
          { type: 'hostFault', fault: 'dom0_crash', durationS: 5 },
          { type: 'hostFault', fault: 'host_os_crash', durationS: 5 },
          { type: 'startFault', vps: 'v0', fault: 'kernel_panic', durationS: 5 },
          { type: 'startFault', vps: 'v0', fault: 'io_storm', durationS: 5 },
          { type: 'startFault', vps: 'v0', fault: 'net_flood', durationS: 5 },
          { type: 'startFault', vps: 'v0', fault: 'cpu_hog', durationS: 5 },
          { type: 'startFault', vps: 'v0', fault: 'fork_bomb', durationS: 5 },
        ),
        (s0, fault) => {
          // Steady sliders within the plans: the host has a steady state to come back to.
          const s: Scenario = {
            ...s0,
            vps: s0.vps.map((v) => ({
              ...v,
              profile: 'steady',
              load: {
                cpu: Math.min(0.6, v.load?.cpu ?? 0),
                mem: 0.4,
                disk: Math.min(0.3, v.load?.disk ?? 0),
                net: Math.min(0.3, v.load?.net ?? 0),
              },
            })),
          };
          if (!validateScenario(s).ok) return;
          const quiet = createEngine(s);
          const hit = createEngine({ ...s, events: [{ atS: 5, ...fault }] });
          quiet.advance(1799);
          hit.advance(1799);
          const a = quiet.step(),
            b = hit.step();
          // A VPS its own load overloads (its requests' own I/O CPU past its cap) queues without end,
          // the fault or not: its backlog never settles, so there is no steady state to come back to.
          if (a.vps.some((v) => v.backlog > 0)) return;
          a.vps.forEach((v, i) => {
            expect(b.vps[i].state, `${v.id} after ${JSON.stringify(fault)}`).toBe(v.state);
            for (const k of VPS_METRICS)
              expect(
                Math.abs(b.vps[i][k] - v[k]),
                `${v.id}.${k} after ${JSON.stringify(fault)} (${JSON.stringify(s.mode)}): ${b.vps[i][k]} vs ${v[k]}`,
              ).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(v[k])));
          });
          for (const k of HOST_METRICS)
            if (!(Number.isNaN(a.host[k]) && Number.isNaN(b.host[k])))
              expect(
                Math.abs(b.host[k] - a.host[k]),
                `host.${k} after ${JSON.stringify(fault)}: ${b.host[k]} vs ${a.host[k]}`,
              ).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(a.host[k])));
        },
      ),
      runs(25, 77),
    );
  });
});
