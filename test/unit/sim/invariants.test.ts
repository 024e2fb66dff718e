/**
 * Physical invariants of the engine as properties over random scenarios and commands (fast-check,
 * seeded): what is served never exceeds what is asked or what the host has, the shared splits
 * never hand out more than the capacity, and a guest that is down or whose I/O is stopped serves
 * nothing good and burns no application CPU.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Command, Scenario, VpsSpec } from '../../../shared/commands.js';
import { GUEST_FAULTS, MODE_IDS, WORKLOAD_PROFILES } from '../../../shared/model.js';
import { createEngine, DEFAULT_PARAMS, validateScenario } from '../../../server/sim/index.js';

const EPS = 1e-6;

const load = fc.record({
  cpu: fc.double({ min: 0, max: 1.5, noNaN: true }),
  mem: fc.double({ min: 0, max: 1, noNaN: true }),
  disk: fc.double({ min: 0, max: 1.5, noNaN: true }),
  net: fc.double({ min: 0, max: 1.5, noNaN: true }),
});

const vpsArb = (i: number): fc.Arbitrary<VpsSpec> =>
  fc
    .record({
      vcpus: fc.integer({ min: 1, max: 8 }),
      ramGiB: fc.integer({ min: 1, max: 8 }),
      diskIops: fc.integer({ min: 100, max: 20_000 }),
      netMbps: fc.integer({ min: 10, max: 2_000 }),
      load,
    })
    .map((v) => ({ id: `v${i}`, role: 'web' as const, profile: 'steady' as const, ...v }));

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    mode: fc.constantFrom(...MODE_IDS),
    cores: fc.integer({ min: 1, max: 32 }),
    ramGiB: fc.integer({ min: 16, max: 128 }),
    diskIops: fc.integer({ min: 200, max: 200_000 }),
    netMbps: fc.constantFrom(1000, 10_000, 25_000),
    n: fc.integer({ min: 1, max: 6 }),
    seed: fc.integer({ min: 0, max: 1000 }),
  })
  .chain((h) =>
    fc.tuple(...Array.from({ length: h.n }, (_, i) => vpsArb(i))).map((vps): Scenario => ({
      name: 'prop',
      seed: h.seed,
      mode: h.mode,
      host: { cores: h.cores, ramGiB: h.ramGiB, diskIops: h.diskIops, netMbps: h.netMbps },
      // Fixed quotas admit only what fits: cap each plan at its share of the host.
      vps: vps.map((v) =>
        h.mode === 'full' || h.mode === 'hosted'
          ? { ...v, cpuCapCores: h.cores / h.n, ramGiB: Math.max(0.5, h.ramGiB / h.n / 2) }
          : v,
      ),
    })),
  );

const commandArb = (n: number): fc.Arbitrary<{ at: number; cmd: Command }> =>
  fc
    .record({
      at: fc.integer({ min: 0, max: 30 }),
      vps: fc.integer({ min: 0, max: n - 1 }),
      fault: fc.constantFrom(...GUEST_FAULTS),
      host: fc.constantFrom('dom0_crash', 'host_reboot', undefined),
      // A flood either sent by the guest or aimed at it from outside.
      rx: fc.boolean(),
    })
    .map(({ at, vps, fault, host, rx }) => ({
      at,
      cmd: host
        ? ({ type: 'hostFault', fault: host, durationS: 1 } as Command)
        : ({
            type: 'startFault',
            vps: `v${vps}`,
            fault,
            ...(fault === 'net_flood' && rx ? { direction: 'rx' } : {}),
          } as Command),
    }));

const caseArb = scenarioArb.chain((s) =>
  fc.tuple(fc.constant(s), fc.array(commandArb(s.vps.length), { maxLength: 4 })),
);

describe('physical invariants (random scenarios and commands)', () => {
  it('served ≤ demand and ≤ capacity; Σ grants ≤ capacity; a down or I/O-stopped guest serves nothing good and burns no application CPU', () => {
    fc.assert(
      fc.property(caseArb, ([s, cmds]) => {
        if (!validateScenario(s).ok) return;
        const e = createEngine(s);
        const host = s.host!;
        for (let t = 0; t < 40; t++) {
          for (const c of cmds) if (c.at === t) e.apply(c.cmd);
          const f = e.step();
          let disk = 0,
            net = 0,
            cpu = 0;
          const dom0Down = e.state().hostFaults.some((h) => h.fault === 'dom0_crash') && s.mode === 'para';
          for (const v of f.vps) {
            expect(v.diskServedIops).toBeLessThanOrEqual(v.diskDemandIops * (1 + EPS) + EPS);
            expect(v.netServedMbps).toBeLessThanOrEqual(v.netDemandMbps * (1 + EPS) + EPS);
            expect(v.cpuGranted).toBeLessThanOrEqual(v.cpuDemand * (1 + EPS) + EPS);
            expect(v.goodFraction).toBeGreaterThanOrEqual(0);
            expect(v.goodFraction).toBeLessThanOrEqual(1);
            disk += v.diskServedIops;
            net += v.netServedMbps;
            cpu += v.cpuGranted;
            if (v.state === 'down' || v.state === 'rebooting') {
              expect(v.throughputRps * v.goodFraction).toBe(0);
              expect(v.cpuGranted).toBe(0);
            }
            if (dom0Down) {
              // No I/O at all: a web guest's requests all need the network, so nothing good.
              expect(v.diskServedIops + v.netServedMbps).toBe(0);
              expect(v.throughputRps * v.goodFraction).toBe(0);
            }
          }
          expect(disk).toBeLessThanOrEqual(host.diskIops! * (1 + EPS));
          expect(net).toBeLessThanOrEqual(host.netMbps! * (1 + EPS));
          expect(cpu).toBeLessThanOrEqual(host.cores! * (1 + EPS));
          expect(f.host.cpuUtil).toBeLessThanOrEqual(1 + EPS);
          expect(f.host.dom0CpuUtil).toBeLessThanOrEqual(1 + EPS);
        }
      }),
      { seed: 20261130, numRuns: 60 },
    );
  });

  it('a guest whose I/O is stopped by a Dom0 crash burns no application CPU', () => {
    fc.assert(
      fc.property(scenarioArb, (s0) => {
        const s: Scenario = {
          ...s0,
          mode: 'para',
          vps: s0.vps.map((v) => ({
            ...v,
            cpuCapCores: undefined,
            load: { ...v.load, net: Math.max(0.01, v.load?.net ?? 0) },
          })),
        };
        if (!validateScenario(s).ok) return;
        const e = createEngine({
          ...s,
          events: [{ atTick: 2, type: 'hostFault', fault: 'dom0_crash', durationS: 5 }],
        });
        e.advance(5);
        const f = e.step();
        for (const v of f.vps) {
          expect(v.cpuGranted, v.id).toBe(0);
          expect(v.throughputRps * v.goodFraction, v.id).toBe(0);
        }
      }),
      { seed: 7, numRuns: 40 },
    );
  });

  it('no request older than the client timeout is good, whatever the SLO allows', () => {
    fc.assert(
      fc.property(
        scenarioArb,
        fc.double({ min: 1.5, max: 4, noNaN: true }),
        fc.integer({ min: 500, max: 4000 }),
        (s0, over, timeoutMs) => {
          // One guest asks `over` times what its vCPUs can serve, with an SLO far past the timeout
          // and a queue long enough to keep requests past it.
          const v = { ...s0.vps[0], sloMs: 600_000, load: { cpu: over, mem: 0.2, disk: 0, net: 0 } };
          const s: Scenario = { ...s0, vps: [v], params: { clientTimeoutMs: timeoutMs, queueS: 600 } };
          if (!validateScenario(s).ok) return;
          const e = createEngine(s);
          // The oldest request's age grows by (1 − μ/λ) ≥ 1/3 s per second: past the timeout by then.
          e.advance(Math.ceil((4 * timeoutMs) / 100) + 20);
          for (let k = 0; k < 10; k++) {
            const f = e.step();
            const g = f.vps[0];
            expect(g.throughputRps).toBeGreaterThan(0);
            expect(g.goodFraction, `over ${over}, timeout ${timeoutMs}`).toBeLessThan(0.05);
          }
        },
      ),
      { seed: 11, numRuns: 30 },
    );
  });

  it('a VPS alone on the host has zero degradation whatever its own load', () => {
    fc.assert(
      fc.property(scenarioArb, load, fc.double({ min: 0, max: 4, noNaN: true }), (s0, l, cpu) => {
        // Sliders as a user sets them (no subnormal demands, whose rounding is not physics).
        const r = (x: number) => Math.round(x * 1e6) / 1e6;
        const s: Scenario = {
          ...s0,
          vps: [{ ...s0.vps[0], load: { cpu: r(cpu), mem: r(l.mem), disk: r(l.disk), net: r(l.net) } }],
        };
        if (!validateScenario(s).ok) return;
        const e = createEngine(s);
        for (let t = 0; t < 60; t++) {
          const f = e.step();
          expect(f.vps[0].degradation, `tick ${t}, ${s.mode}, cpu ${cpu}`).toBeLessThan(1e-9);
        }
      }),
      { seed: 5, numRuns: 150 },
    );
  });
});

describe('the isolated counterfactual of a noisy workload', () => {
  it('a VPS alone on the host has zero degradation through its own bursts, waves and walks', () => {
    fc.assert(
      fc.property(
        scenarioArb,
        load,
        fc.constantFrom(...WORKLOAD_PROFILES.filter((x) => x !== 'steady')),
        (s0, l, profile) => {
          const r = (x: number) => Math.round(x * 1e6) / 1e6;
          const s: Scenario = {
            ...s0,
            vps: [
              {
                ...s0.vps[0],
                profile,
                load: { cpu: r(l.cpu), mem: r(l.mem), disk: r(l.disk), net: r(l.net) },
              },
            ],
          };
          if (!validateScenario(s).ok) return;
          const e = createEngine(s);
          for (let t = 0; t < 300; t++) {
            const f = e.step();
            expect(f.vps[0].degradation, `tick ${t}, ${s.mode}, ${profile}`).toBeLessThan(1e-9);
          }
        },
      ),
      { seed: 11, numRuns: 60 },
    );
  });
});

describe('throughput against the resources served', () => {
  it('no service answers more requests than its served disk and network work supports, a draining backlog included', () => {
    const rps = DEFAULT_PARAMS.rpsPerVcpu;
    fc.assert(
      fc.property(caseArb, ([s, cmds]) => {
        if (!validateScenario(s).ok) return;
        // Each request's device work, from the plan and the sliders (steady profiles: λ = rps·vCPUs·max slider).
        const work = s.vps.map((v) => {
          const l = v.load!;
          const lambda = rps * v.vcpus * Math.max(l.cpu ?? 0, l.disk ?? 0, l.net ?? 0);
          return lambda > 0
            ? { disk: ((l.disk ?? 0) * v.diskIops) / lambda, net: ((l.net ?? 0) * v.netMbps) / lambda }
            : { disk: 0, net: 0 };
        });
        const e = createEngine(s);
        for (let t = 0; t < 60; t++) {
          for (const c of cmds) if (c.at === t) e.apply(c.cmd);
          const f = e.step();
          f.vps.forEach((v, i) => {
            const at = `tick ${t}, ${v.id} (${s.mode}), ${v.throughputRps} req/s`;
            expect(
              v.throughputRps * work[i].disk,
              `disk: ${at}, served ${v.diskServedIops} IOPS`,
            ).toBeLessThanOrEqual(v.diskServedIops * (1 + EPS) + EPS);
            expect(
              v.throughputRps * work[i].net,
              `net: ${at}, served ${v.netServedMbps} Mbit/s`,
            ).toBeLessThanOrEqual(v.netServedMbps * (1 + EPS) + EPS);
          });
        }
      }),
      { seed: 424242, numRuns: 80 },
    );
  });
});
