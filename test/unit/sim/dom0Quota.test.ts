/**
 * Dom0 beside fixed quotas (para with `cpuPolicy: quota`, model spec §3, §5): where the guests'
 * quotas fill the cores, Dom0 finds no idle core and the host scheduler shares the cores between
 * Dom0 and the capped guests by weight. Dom0 never takes a guest's whole quota, and it carries only
 * the backend work its grant pays for: a guest granted no CPU submits no I/O.
 */
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../../shared/model.js';
import type { ModeSpec, Scenario, VpsSpec } from '../../../shared/commands.js';
import { createEngine, DEFAULT_PARAMS as K } from '../../../server/sim/index.js';

const QUOTA: ModeSpec = { base: 'para', cpuPolicy: 'quota' };

const guest = (id: string, cap: number, cpu: number, disk: number, net: number): VpsSpec => ({
  id,
  vcpus: 1,
  cpuCapCores: cap,
  ramGiB: 2,
  diskIops: 20_000,
  netMbps: 1000,
  load: { cpu, mem: 0.3, disk, net },
});

const lab = (cores: number, vps: VpsSpec[], mode: ModeSpec = QUOTA): Scenario => ({
  name: 'Dom0 beside quotas',
  seed: 1,
  mode,
  host: { cores, ramGiB: 16, diskIops: 20_000, netMbps: 1000 },
  vps,
});

/** Dom0's CPU for the backend work of what the guests were served, cores. */
function backendCores(f: Frame): number {
  const native = f.vps.reduce(
    (a, v) => a + v.diskServedIops * K.diskOpCpuS + v.netServedMbps * K.netMbitCpu,
    0,
  );
  return native * K.dom0IoFactor;
}

function check(f: Frame, cores: number, at: string): void {
  const guests = f.vps.reduce((a, v) => a + v.cpuGranted, 0);
  const dom0 = f.host.dom0CpuUtil * K.dom0Vcpus;
  expect(guests + dom0, `${at}: guests and Dom0 on ${cores} cores`).toBeLessThanOrEqual(cores + 1e-9);
  expect(backendCores(f), `${at}: Dom0's backend work within its grant`).toBeLessThanOrEqual(dom0 + 1e-9);
}

describe('Dom0 beside fixed quotas that fill the cores', () => {
  it('leaves an I/O-heavy guest capped at the whole 1-core host its weighted share', () => {
    const e = createEngine(lab(1, [guest('a', 1, 0.5, 1, 0.5)]));
    for (let t = 0; t < 50; t++) {
      const f = e.step();
      const a = f.vps[0]!;
      check(f, 1, `tick ${t}`);
      // Equal weights (Xen's default 256 for both): the guest keeps half the core, Dom0 the other.
      expect(a.cpuGranted, `tick ${t}`).toBeGreaterThanOrEqual(0.5 - 1e-9);
      expect(a.diskServedIops, `tick ${t}`).toBeGreaterThan(0);
    }
  });

  it('serves the same I/O as the share policy where the quota is the whole host', () => {
    const vps = [guest('a', 1, 0.5, 1, 0.5)];
    const q = createEngine(lab(1, vps));
    const s = createEngine(lab(1, vps, 'para'));
    for (let t = 0; t < 20; t++) {
      const fq = q.step();
      const fs = s.step();
      expect(fq.vps[0]!.cpuGranted, `tick ${t}`).toBeCloseTo(fs.vps[0]!.cpuGranted, 9);
      expect(fq.vps[0]!.diskServedIops, `tick ${t}`).toBeCloseTo(fs.vps[0]!.diskServedIops, 6);
      expect(fq.host.dom0CpuUtil, `tick ${t}`).toBeCloseTo(fs.host.dom0CpuUtil, 9);
    }
  });

  it('squeezes only guests above the fair level: one asking less keeps all it asks', () => {
    // Two 1-core quotas fill 2 cores; the I/O-heavy guest's backends ask Dom0 for its whole vCPU.
    const e = createEngine(lab(2, [guest('io', 1, 0.5, 1, 0.5), guest('quiet', 1, 0.5, 0.02, 0.05)]));
    for (let t = 0; t < 50; t++) {
      const f = e.step();
      check(f, 2, `tick ${t}`);
      const quiet = f.vps[1]!;
      expect(quiet.cpuGranted, `tick ${t}`).toBeCloseTo(quiet.cpuDemand, 9);
      expect(quiet.cpuSteal, `tick ${t}`).toBe(0);
    }
  });

  it('alone on the host, a lone guest is what it is in the shared run (the counterfactual shares the cores the same way)', () => {
    const e = createEngine(lab(1, [guest('a', 1, 0.3, 0.3, 0.2)]));
    for (let t = 0; t < 30; t++) {
      const a = e.step().vps[0]!;
      expect(a.latencyP99IsolatedMs, `tick ${t}`).toBeCloseTo(a.latencyP99Ms, 6);
      expect(a.degradation, `tick ${t}`).toBeCloseTo(0, 6);
    }
  });

  it('changes nothing where the cores hold Dom0 beside every quota', () => {
    // 3 cores: two 1-core quotas and Dom0's one vCPU all fit.
    const e = createEngine(lab(3, [guest('io', 1, 0.5, 1, 0.5), guest('quiet', 1, 0.5, 0.02, 0.05)]));
    for (let t = 0; t < 20; t++) {
      const f = e.step();
      for (const v of f.vps) {
        expect(v.cpuGranted, `tick ${t} ${v.id}`).toBeCloseTo(Math.min(v.cpuDemand, 1), 12);
        expect(v.cpuSteal, `tick ${t} ${v.id}`).toBe(0);
      }
    }
  });
});
