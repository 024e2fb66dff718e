/**
 * The isolated counterfactual under para: alone on the host, a VPS still shares the cores with the
 * Dom0 work its own I/O causes, and Dom0 is one more scheduling entity beside it (model spec §3),
 * granted its max-min share as in the shared run, not every core it asks for. A guest whose network
 * I/O asks Dom0 for more than the host has read, alone, no CPU at all (its clients' timeout, no good
 * answer) while the shared run, with idle neighbours, answered it within its SLO: its degradation
 * and the host's fairness had no value beside a VPS that answered well.
 */
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../../shared/commands.js';
import { make, vpsOf } from './helpers.js';

function idle(id: string) {
  return {
    id,
    vcpus: 1,
    ramGiB: 1 / 3,
    diskIops: 0.001,
    netMbps: 0.001,
    profile: 'steady' as const,
    load: { cpu: 0, mem: 0, disk: 0, net: 0 },
  };
}

/** One core, two idle guests and one whose 10 Gbit/s plan asks Dom0 for more than the core. */
function oneCore(mode: Scenario['mode']): Scenario {
  return {
    name: 'dom0-alone',
    seed: 0,
    mode,
    host: { cores: 1, ramGiB: 1, diskIops: 100, netMbps: 25000, memBwGBs: 1 },
    vps: [idle('v0'), idle('v1'), { ...idle('v2'), netMbps: 10000, sloMs: 5000 }],
  };
}

describe('isolated counterfactual beside Dom0 on the cores', () => {
  const modes: Scenario['mode'][] = [
    { base: 'para' },
    { base: 'para', cpuWeighting: 'vcpu' },
    { base: 'para', dom0Charging: true },
  ];
  for (const mode of modes) {
    it(`a guest answering beside idle neighbours reads no degradation and a defined fairness (${JSON.stringify(mode)})`, () => {
      const e = make(oneCore(mode));
      expect(e.apply({ type: 'setLoad', vps: 'v2', load: { cpu: 0, mem: 0, disk: 0, net: 4 } }).ok).toBe(
        true,
      );
      for (let t = 0; t < 20; t++) {
        const f = e.step();
        const v = vpsOf(f, 'v2');
        expect(v.state).toBe('running');
        expect(v.throughputRps * v.goodFraction).toBeGreaterThan(0);
        // Its neighbours do nothing: alone it does what it does beside them.
        expect(v.degradation).toBeGreaterThanOrEqual(0);
        expect(v.degradation).toBeLessThan(1e-9);
        expect(v.latencyP99IsolatedMs).toBeLessThanOrEqual(v.latencyP99Ms + 1e-6);
        expect(Number.isFinite(f.host.fairness)).toBe(true);
        expect(f.host.fairness).toBeCloseTo(1, 9);
      }
    });
  }
});
