/**
 * What a physicist demands of the engine on every tick, as seeded properties over random hosts
 * (1–64 cores, small and large RAM, HDD to NVMe disks, 1–25 GbE NICs), every mode and override,
 * 1–40 VPSs with random workloads, faults and live resizes: the VPSs, Dom0 and the host OS never
 * run on more cores than there are, a request takes at least the service time of the stages it
 * passes, steal exists only where the CPU is shared and something waits for it, and a neighbour
 * asking for more never makes a victim faster where VPSs share the CPU and the devices, while under
 * fixed quotas a neighbour's CPU changes nothing of a victim's CPU.
 * (Conservation and ranges of every metric: conservation.test.ts; the invariants of served work:
 * invariants.test.ts.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Command, Scenario, VpsSpec } from '../../../shared/commands.js';
import type { Frame } from '../../../shared/model.js';
import { createEngine, DEFAULT_PARAMS, resolveMode, validateScenario } from '../../../server/sim/index.js';
import { guestFaultArb, modeArb, otherCommandArb, runs, vpsExtrasArb } from './arbitraries.js';

const EPS = 1e-9;
const K = DEFAULT_PARAMS;

// Sliders as a user sets them, to a millionth (no subnormal demands, whose rounding is not physics).
const slider = (max: number) => fc.integer({ min: 0, max: max * 1e6 }).map((x) => x / 1e6);
const loadArb = fc.record({ cpu: slider(2), mem: slider(1), disk: slider(2), net: slider(2) });

const hostArb = fc.record({
  mode: modeArb,
  cores: fc.integer({ min: 1, max: 64 }),
  ramGiB: fc.constantFrom(4, 16, 64, 512),
  diskIops: fc.constantFrom(150, 5000, 100_000, 1_000_000),
  netMbps: fc.constantFrom(1000, 10_000, 25_000),
  n: fc.integer({ min: 1, max: 40 }),
  seed: fc.nat(10_000),
});

const vpsArb = fc.record({
  vcpus: fc.integer({ min: 1, max: 8 }),
  ramGiB: fc.constantFrom(0.5, 1, 4, 8),
  diskIops: fc.integer({ min: 10, max: 50_000 }),
  netMbps: fc.integer({ min: 10, max: 10_000 }),
  weight: fc.constantFrom(64, 256, 1024),
  load: loadArb,
  capFrac: fc.option(fc.constantFrom(0.25, 0.5, 1), { nil: undefined }),
  extras: vpsExtrasArb,
});

/** A random host and its VPSs; fixed quotas admit only what fits, so each plan gets its part of the host. */
function scenarioArb(profiles = true): fc.Arbitrary<Scenario> {
  return hostArb.chain((h) =>
    fc.array(vpsArb, { minLength: h.n, maxLength: h.n }).map((vs): Scenario => {
      const quota = resolveMode(h.mode).cpuPolicy === 'quota';
      const reserved = quota || resolveMode(h.mode).memPolicy !== 'shared';
      return {
        name: 'physics',
        seed: h.seed,
        mode: h.mode,
        host: { cores: h.cores, ramGiB: h.ramGiB, diskIops: h.diskIops, netMbps: h.netMbps },
        vps: vs.map(({ capFrac, extras, ...v }, i): VpsSpec => {
          const cpuCapCores = quota
            ? Math.min(v.vcpus, h.cores / h.n)
            : capFrac !== undefined
              ? v.vcpus * capFrac
              : undefined;
          return {
            id: `v${i}`,
            ...v,
            ...extras,
            profile: profiles ? (extras.profile ?? 'steady') : 'steady',
            ramGiB: reserved ? Math.min(v.ramGiB, h.ramGiB / h.n) : v.ramGiB,
            ...(cpuCapCores !== undefined ? { cpuCapCores } : {}),
          };
        }),
      };
    }),
  );
}

const commandArb = (n: number): fc.Arbitrary<Command> =>
  fc.oneof(
    guestFaultArb(n, [0.5, 2]),
    otherCommandArb(n, [0.5, 1]),
    fc.record({
      type: fc.constant('resizeVps' as const),
      vps: fc.nat(n - 1).map((i) => `v${i}`),
      plan: fc.record({
        vcpus: fc.integer({ min: 1, max: 8 }),
        diskIops: fc.integer({ min: 10, max: 20_000 }),
      }),
    }),
    fc.record({
      type: fc.constant('setLoad' as const),
      vps: fc.nat(n - 1).map((i) => `v${i}`),
      load: loadArb,
    }),
  );

const caseArb = scenarioArb().chain((s) =>
  fc.tuple(
    fc.constant(s),
    fc.array(fc.record({ at: fc.nat(29), cmd: commandArb(s.vps.length) }), { maxLength: 6 }),
  ),
);

const answering = (state: string) => state === 'running' || state === 'degraded';

/** The first broken invariant of one frame, or undefined. */
function broken(f: Frame, quota: boolean, cores: number, dom0Vcpus: number, at: string): string | undefined {
  const h = f.host;
  for (const k of ['cpuUtil', 'diskUtil', 'netUtil', 'dom0CpuUtil', 'hostOsCpuUtil'] as const)
    if (!(h[k] >= 0 && h[k] <= 1 + EPS)) return `${at} host.${k} = ${h[k]}`;
  // The VPSs, Dom0 and the host OS together never run on more cores than the host has.
  const cpu = f.vps.reduce((a, v) => a + v.cpuGranted, h.dom0CpuUtil * dom0Vcpus + h.hostOsCpuUtil * cores);
  if (!(cpu <= cores * (1 + EPS) + EPS)) return `${at} VPSs + Dom0 + host OS run ${cpu} of ${cores} cores`;
  for (const v of f.vps) {
    const who = `${at} ${v.id} (${v.state})`;
    // A fixed quota shares the cores with no one, unless a host OS or a Dom0 runs beside the VMs.
    if (quota && h.hostOsCpuUtil === 0 && h.dom0CpuUtil === 0 && v.cpuSteal !== 0)
      return `${who}: steal ${v.cpuSteal} under a fixed quota`;
    // Steal is time runnable but not running because of others. While cores stand idle the share
    // holds no one back: what is left is a wake-up finding every core taken for a moment, so none
    // where its requests meet no scheduler wait.
    if (h.cpuIdleCores > 1e-6 && v.cpuSteal > EPS && !(v.schedWaitMs > 0))
      return `${who}: steal ${v.cpuSteal} beside ${h.cpuIdleCores} idle cores, with no scheduler wait`;
    if (!answering(v.state) || !(v.throughputRps > 0)) continue;
    // Every answered request passed its CPU stage, and the disk and network stages it uses.
    let floor = K.cpuStageMs;
    if (v.diskDemandIops > 0) floor += K.diskStageMs;
    if (v.netDemandMbps > 0) floor += K.netStageMs;
    if (!(v.latencyMeanMs >= floor * (1 - EPS)))
      return `${who}: mean ${v.latencyMeanMs} ms < ${floor} ms of service`;
    if (!(v.latencyP99Ms >= v.latencyMeanMs * (1 - EPS))) return `${who}: p99 ${v.latencyP99Ms} < mean`;
    if (v.diskDemandIops > 0 && !(v.diskLatencyMs >= K.diskStageMs * (1 - EPS)))
      return `${who}: disk latency ${v.diskLatencyMs} ms < one disk op`;
  }
  return undefined;
}

describe('physics on every tick (random hosts, workloads, faults, resizes)', () => {
  it('CPU conserved; latency ≥ service time; steal only where the CPU is shared and no core is idle; utilizations are shares', () => {
    fc.assert(
      fc.property(caseArb, ([s, cmds]) => {
        if (!validateScenario(s).ok) return;
        const e = createEngine(s);
        for (let t = 0; t < 40; t++) {
          for (const c of cmds) if (c.at === t) e.apply(c.cmd);
          const f = e.step();
          // (A setMode command may have changed the mode since the start.)
          const mode = e.state().mode;
          const p = resolveMode(mode);
          const at = `tick ${t} ${JSON.stringify(mode)}:`;
          const bad = broken(f, p.cpuPolicy === 'quota', s.host!.cores!, p.dom0Vcpus, at);
          if (bad) throw new Error(bad);
        }
      }),
      runs(60, 20261201),
    );
  });
});

/** The frame after `ticks`, with neighbour `j`'s load scaled. */
function after(s: Scenario, j: number, scale: number, ticks: number): Frame {
  const vps = s.vps.map((v, i) =>
    i !== j
      ? v
      : {
          ...v,
          load: {
            cpu: Math.min(4, (v.load?.cpu ?? 0) * scale),
            mem: v.load?.mem ?? 0,
            disk: Math.min(4, (v.load?.disk ?? 0) * scale),
            net: Math.min(4, (v.load?.net ?? 0) * scale),
          },
        },
  );
  const e = createEngine({ ...s, vps });
  e.advance(ticks - 1);
  return e.step();
}

/**
 * Relative slack of the monotonicity below: rounding only, once the runs a third party moved are
 * left out (`thirdPartyMoved`).
 */
const TOL = 1e-9;

/**
 * Dom0 holds the neighbour back while both its backends work: its blkback and its netback are two
 * of Dom0's entities (model spec §5, backends.ts), so as it asks for more one of them may take Dom0
 * from the other at the max-min level, and a victim on the device the other serves finds that
 * device quieter and is served faster, as on a real Xen host: a third party inside the neighbour.
 */
const tradesInDom0 = (f: Frame) =>
  f.host.dom0CpuUtil >= 1 - 1e-9 && f.vps[1].diskServedIops > 0 && f.vps[1].netServedMbps > 0;

/**
 * A third party on the cores moved between the two runs. Dom0 (para: one more entity on the cores,
 * model spec §3, its CPU split among the guests' backends, §5) and a type-2 host OS (hosted: its I/O
 * work for a VM, off the top of the cores) do the neighbour's I/O on the cores the VPSs share. On a
 * contended share that work is paid from the grant of whoever is above the water level, the
 * neighbour itself: as it asks for more I/O its own vCPUs may get less, its long slices become
 * Dom0's or the host OS's short runs (a waking victim finds a shorter run ahead, schedwait.ts), it
 * presses the cache less (§6), and Dom0's bigger grant is split max-min among the backends, the
 * victim's among them. The other way round, its extra CPU may take cores from a Dom0 held below its
 * want, which then carries less of its I/O, and the device is quieter for the victim. Either way the
 * neighbour, asking for more, ends with less (CPU, disk or network served), or Dom0 or the host OS
 * with less CPU: with two VPSs and no third party that never happens (max-min and FIFO sharing are
 * monotone in one's own demand), so these runs, and only these, are left out.
 */
const thirdPartyMoved = (a: Frame, b: Frame) =>
  b.vps[1].cpuGranted < a.vps[1].cpuGranted ||
  b.vps[1].diskServedIops < a.vps[1].diskServedIops ||
  b.vps[1].netServedMbps < a.vps[1].netServedMbps ||
  b.host.dom0CpuUtil < a.host.dom0CpuUtil ||
  b.host.hostOsCpuUtil < a.host.hostOsCpuUtil;

describe('a neighbour asking for more', () => {
  it('never makes a victim faster where the CPU and devices are shared', () => {
    fc.assert(
      fc.property(
        scenarioArb(false)
          .filter((s) => s.vps.length >= 2 && resolveMode(s.mode!).cpuPolicy === 'share')
          // The victim and one neighbour: with a third party, a neighbour taking more of a shared
          // Dom0 or device leaves that party less work and less cache pressure, which may speed the
          // victim up by a hair, as it would on a real host.
          .map((s) => ({ ...s, vps: s.vps.slice(0, 2) })),
        fc.integer({ min: 11, max: 40 }).map((x) => x / 10),
        (s, scale) => {
          if (!validateScenario(s).ok) return;
          const fa = after(s, 1, 1, 30),
            fb = after(s, 1, scale, 30);
          if (tradesInDom0(fa) || tradesInDom0(fb) || thirdPartyMoved(fa, fb)) return;
          const a = fa.vps[0],
            b = fb.vps[0];
          const at = `${JSON.stringify(s.mode)}, ${s.host!.cores} cores, ${s.vps.length} VPSs, ×${scale}`;
          const good = (v: typeof a) => v.throughputRps * v.goodFraction;
          expect(good(b), `good: ${at}`).toBeLessThanOrEqual(good(a) * (1 + TOL) + 1e-9);
          // (A backlog's wait is the sum of its past rates' shortfalls: its p99 carries the slack of
          // every tick before, so the latency is compared where neither run queues.)
          if (answering(a.state) && answering(b.state) && a.backlog === 0 && b.backlog === 0)
            expect(b.latencyP99Ms, `p99: ${at}`).toBeGreaterThanOrEqual(a.latencyP99Ms * (1 - TOL));
        },
      ),
      runs(80, 4242),
    );
  });

  it("under a fixed quota, changes nothing of a victim's CPU (and nothing at all of a victim insensitive to the cache)", () => {
    fc.assert(
      fc.property(
        // (A type-2 host's OS, or a Dom0 under a quota override, shares the cores with the VMs: where
        // the cores run out, its work squeezes every quota alike, so a neighbour's CPU may squeeze it.)
        scenarioArb(false).filter((s) => {
          const p = resolveMode(s.mode!);
          return s.vps.length >= 2 && p.cpuPolicy === 'quota' && !p.hostOs && !p.dom0;
        }),
        fc.double({ min: 0, max: 4, noNaN: true }),
        (s0, cpu) => {
          // The neighbour moves only its CPU slider; the victim is insensitive to the cache (§6).
          const s: Scenario = { ...s0, vps: s0.vps.map((v, i) => (i === 0 ? { ...v, sensitivity: 0 } : v)) };
          if (!validateScenario(s).ok) return;
          const run = (c: number) => {
            const vps = s.vps.map((v, i) => (i === 1 ? { ...v, load: { ...v.load, cpu: c } } : v));
            const e = createEngine({ ...s, vps });
            e.advance(29);
            return e.step().vps[0];
          };
          const a = run(s.vps[1].load?.cpu ?? 0),
            b = run(cpu);
          expect(b, `${JSON.stringify(s.mode)}, neighbour cpu → ${cpu}`).toEqual(a);
        },
      ),
      runs(60, 99),
    );
  });

  it("does not lighten a victim's CPU stage by serving it less of a shared link", () => {
    // A container whose own network stack needs twice its one vCPU (4 Gbit/s at netMbitCpu), on a
    // link with no shaping: a neighbour's flood of the same link (FIFO, in proportion to demand)
    // serves it less, but each of its requests still needs the same CPU.
    const s: Scenario = {
      name: 'stack-bound',
      seed: 3,
      mode: { base: 'container', containerLimits: false },
      host: { cores: 4, ramGiB: 64, diskIops: 100_000, netMbps: 10_000 },
      vps: [
        {
          id: 'victim',
          vcpus: 1,
          ramGiB: 2,
          diskIops: 1000,
          netMbps: 4000,
          load: { cpu: 0, mem: 0.2, disk: 0, net: 1 },
        },
        {
          id: 'sender',
          vcpus: 1,
          ramGiB: 2,
          diskIops: 1000,
          netMbps: 10_000,
          load: { cpu: 0, mem: 0.2, disk: 0, net: 0 },
        },
      ],
    };
    const run = (net: number) => {
      const e = createEngine({ ...s, vps: [s.vps[0], { ...s.vps[1], load: { ...s.vps[1].load, net } }] });
      e.advance(29);
      return e.step();
    };
    const quiet = run(0),
      busy = run(1);
    expect(busy.host.netUtil).toBeGreaterThan(0.99);
    expect(busy.vps[0].netServedMbps).toBeLessThan(quiet.vps[0].netServedMbps * 0.8);
    expect(busy.vps[0].throughputRps).toBeLessThanOrEqual(quiet.vps[0].throughputRps * (1 + 1e-9));
  });
});
