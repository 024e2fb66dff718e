/**
 * The random pieces the engine's property tests are built of, in one place so every property draws
 * the same ground: every mode override the scenario schema allows (`ModeOverridesSchema`), every
 * optional VPS field (`VpsSpecSchema`), and every command with every option it takes. A property
 * that needs a narrower world filters what it draws and says why; these stay as wide as the schema.
 *
 * `runs(n)`: the number of runs a property makes, n by default (what the suite can afford);
 * `PROPERTY_RUNS=x` multiplies it and `PROPERTY_SEED=s` replaces every property's seed, for a long
 * local search (lift vitest's 30 s limit for it:
 * `PROPERTY_RUNS=20 PROPERTY_SEED=3 npx vitest run --testTimeout=0 test/unit/sim/physics.test.ts`).
 */
import fc from 'fast-check';
import type { Command, ModeSpec, VpsSpec } from '../../../shared/commands.js';
import { GUEST_FAULTS, HOST_FAULTS, MODE_IDS, VPS_ROLES, WORKLOAD_PROFILES } from '../../../shared/model.js';

const RUNS_FACTOR = Number(process.env.PROPERTY_RUNS ?? 1);
const SEED = process.env.PROPERTY_SEED === undefined ? undefined : Number(process.env.PROPERTY_SEED);

/** A property's fast-check options: its seed and run count, scaled for a long local search. */
export function runs(numRuns: number, seed?: number): { numRuns: number; seed?: number } {
  const s = SEED ?? seed;
  return {
    numRuns: Math.max(1, Math.round(numRuns * (RUNS_FACTOR > 0 ? RUNS_FACTOR : 1))),
    ...(s !== undefined ? { seed: s } : {}),
  };
}

/** A mode: a profile id, or a base with any subset of the overrides the schema allows. */
export const modeArb: fc.Arbitrary<ModeSpec> = fc.oneof(
  fc.constantFrom(...MODE_IDS),
  fc.record(
    {
      base: fc.constantFrom(...MODE_IDS),
      cpuPolicy: fc.constantFrom('quota' as const, 'share' as const),
      cpuWeighting: fc.constantFrom('vcpu' as const, 'domain' as const),
      cpuCaps: fc.boolean(),
      containerLimits: fc.boolean(),
      netShaping: fc.boolean(),
      cachePartitioning: fc.boolean(),
      memOvercommit: fc.constantFrom(1, 1.5, 2, 4),
      dom0Vcpus: fc.constantFrom(1, 2, 4, 64),
      schedSliceMs: fc.constantFrom(0.5, 4, 30, 1000),
      dom0Charging: fc.boolean(),
    },
    { requiredKeys: ['base'] },
  ),
);

/** The optional fields of a VPS beyond its plan and load (cpuCapCores is the caller's: it depends on the host). */
export const vpsExtrasArb: fc.Arbitrary<Pick<VpsSpec, 'sensitivity' | 'sloMs' | 'role' | 'profile'>> =
  fc.record(
    {
      sensitivity: fc.constantFrom(0, 0.05, 0.4, 1),
      sloMs: fc.constantFrom(10, 100, 1000, 5000),
      role: fc.constantFrom(...VPS_ROLES),
      profile: fc.constantFrom(...WORKLOAD_PROFILES),
    },
    { requiredKeys: [] },
  );

/** A startFault with every option it takes (net_flood's direction only on a flood). */
export const guestFaultArb = (n: number, durations: number[]): fc.Arbitrary<Command> =>
  fc
    .record({
      vps: fc.nat(n - 1).map((i) => `v${i}`),
      fault: fc.constantFrom(...GUEST_FAULTS),
      durationS: fc.option(fc.constantFrom(...durations), { nil: undefined }),
      rate: fc.option(fc.constantFrom(0.01, 1, 10), { nil: undefined }),
      rx: fc.boolean(),
    })
    .map(({ vps, fault, durationS, rate, rx }): Command => ({
      type: 'startFault',
      vps,
      fault,
      ...(durationS !== undefined ? { durationS } : {}),
      ...(rate !== undefined ? { rate } : {}),
      ...(fault === 'net_flood' ? { direction: rx ? ('rx' as const) : ('tx' as const) } : {}),
    }));

/** Live commands beside faults and loads: host faults, stopping a fault, profiles, another mode. */
export const otherCommandArb = (n: number, durations: number[]): fc.Arbitrary<Command> =>
  fc.oneof(
    fc.record({
      type: fc.constant('hostFault' as const),
      fault: fc.constantFrom(...HOST_FAULTS),
      durationS: fc.constantFrom(...durations),
    }),
    fc.record({
      type: fc.constant('stopFault' as const),
      vps: fc.nat(n - 1).map((i) => `v${i}`),
      fault: fc.constantFrom(...GUEST_FAULTS),
    }),
    fc.record({
      type: fc.constant('setProfile' as const),
      vps: fc.nat(n - 1).map((i) => `v${i}`),
      profile: fc.constantFrom(...WORKLOAD_PROFILES),
    }),
    fc.record({ type: fc.constant('setMode' as const), mode: modeArb }),
  );
