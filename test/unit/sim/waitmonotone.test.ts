/**
 * A neighbour asking for more CPU never shortens a victim's scheduler wait or its p99 (model spec
 * §3): generated hosts, plans and loads under the shared modes (para with domain and with flat
 * vCPU weighting, containers with and without limits) and a fixed-quota one (hosted), one
 * neighbour's CPU slider raised step by step with everything else fixed.
 *
 * Where it is asserted: every step under a fixed quota and under flat vCPU weighting, and under a
 * domain-weighted share every step that leaves the host idle cores (the neighbour's extra CPU
 * comes from idle capacity, so nobody's grant changes but its own). Not asserted: a domain-weighted
 * share that holds someone back, where the neighbour's extra CPU is taken from the victim or from
 * a CPU-bound guest: the runs a waking vCPU finds in front of it are then partly the neighbour's
 * short ones instead of 30 ms slices, and the wait may shorten while the p99 rises with the lost
 * CPU (the length-biased residual of schedwait.ts; model spec §3 has no run lengths).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ModeSpec, Scenario, VpsSpec } from '../../../shared/commands.js';
import { createEngine } from '../../../server/sim/index.js';

type Mode = { spec: ModeSpec; kind: 'quota' | 'vcpu' | 'domain' };
const MODES: Mode[] = [
  { spec: 'para', kind: 'domain' },
  { spec: { base: 'para', cpuWeighting: 'vcpu' }, kind: 'vcpu' },
  { spec: { base: 'container', containerLimits: true }, kind: 'domain' },
  { spec: { base: 'container', containerLimits: false }, kind: 'domain' },
  { spec: 'hosted', kind: 'quota' },
];

const guestArb = fc.record({
  vcpus: fc.constantFrom(1, 1, 2, 4),
  capFrac: fc.option(fc.constantFrom(0.25, 0.5, 0.75), { nil: undefined }),
  cpu: fc.constantFrom(0, 0.05, 0.2, 0.35, 0.5, 0.8, 0.95, 1),
  disk: fc.constantFrom(0, 0, 0.1, 0.3),
  net: fc.constantFrom(0, 0, 0.1, 0.3),
});

const hostArb = fc.record({
  cores: fc.constantFrom(1, 2, 4, 8, 16),
  guests: fc.array(guestArb, { minLength: 2, maxLength: 6 }),
  pick: fc.nat(),
});

const STEP = 0.05;
const STEPS = 24;

/** The victim's (guest 0's) scheduler wait and p99 at tick 5, and the host's idle cores. */
function probe(cores: number, mode: Mode, guests: VpsSpec[]): { wait: number; p99: number; idle: number } {
  const s: Scenario = {
    name: 'monotone',
    seed: 3,
    mode: mode.spec,
    host: { cores, ramGiB: 64, diskIops: 100_000, netMbps: 10_000, memBwGBs: 100 },
    vps: guests,
  };
  const e = createEngine(s);
  e.advance(4);
  const f = e.step();
  return { wait: f.vps[0].schedWaitMs, p99: f.vps[0].latencyP99Ms, idle: f.host.cpuIdleCores };
}

function guests(
  cores: number,
  mode: Mode,
  gs: (typeof guestArb extends fc.Arbitrary<infer G> ? G : never)[],
): VpsSpec[] {
  return gs.map((g, k) => {
    // A fixed quota admits only caps that fit the host: an equal part of the cores each.
    const cap =
      mode.kind === 'quota'
        ? Math.min(g.vcpus, cores / gs.length)
        : g.capFrac === undefined
          ? undefined
          : g.vcpus * g.capFrac;
    return {
      id: `g${k}`,
      vcpus: g.vcpus,
      ramGiB: 1,
      diskIops: 1000,
      netMbps: 100,
      role: 'web',
      profile: 'steady',
      ...(cap === undefined ? {} : { cpuCapCores: cap }),
      load: { cpu: g.cpu, mem: 0.3, disk: g.disk, net: g.net },
    };
  });
}

const notBelow = (after: number, before: number) => after >= before * (1 - 1e-9) - 1e-12;

describe('scheduler wait and p99 against a neighbour’s CPU demand', () => {
  it('never fall as one neighbour asks for more CPU, all else equal', () => {
    let asserted = 0;
    fc.assert(
      fc.property(hostArb, ({ cores, guests: gs, pick }) => {
        const j = 1 + (pick % (gs.length - 1));
        for (const mode of MODES) {
          const base = guests(cores, mode, gs);
          let prev = probe(
            cores,
            mode,
            base.map((v, k) => (k === j ? { ...v, load: { ...v.load!, cpu: 0 } } : v)),
          );
          for (let step = 1; step <= STEPS; step++) {
            const cpu = step * STEP;
            const cur = probe(
              cores,
              mode,
              base.map((v, k) => (k === j ? { ...v, load: { ...v.load!, cpu } } : v)),
            );
            if (mode.kind !== 'domain' || cur.idle > 1e-9) {
              asserted++;
              const where = `${cores} cores, ${JSON.stringify(mode.spec)}, neighbour g${j} cpu ${(cpu - STEP).toFixed(2)} → ${cpu.toFixed(2)}`;
              expect(notBelow(cur.wait, prev.wait), `wait ${prev.wait} → ${cur.wait}: ${where}`).toBe(true);
              expect(notBelow(cur.p99, prev.p99), `p99 ${prev.p99} → ${cur.p99}: ${where}`).toBe(true);
            }
            prev = cur;
          }
        }
      }),
      { seed: 2024, numRuns: 40 },
    );
    // The sweep reaches the cases it is about (a guard against a generator that asserts nothing).
    expect(asserted).toBeGreaterThan(2000);
  });
});
