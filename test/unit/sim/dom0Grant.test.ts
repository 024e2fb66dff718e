/**
 * Dom0 on a host short of cores (para, model spec §3, §5): Dom0 is one more scheduling entity, so
 * where the guests keep every core busy the host scheduler grants it its weighted share, less than
 * its vCPU. What Dom0 can carry of the guests' backend work is then that grant, not its vCPU: it
 * works only on the ops its grant pays for, the rest waits in the guests' rings, and a guest pays
 * its own I/O CPU (blkfront, netfront) only for the ops Dom0 carries.
 */
import { describe, expect, it } from 'vitest';
import type { Scenario, VpsSpec } from '../../../shared/commands.js';
import { createEngine, DEFAULT_PARAMS as K } from '../../../server/sim/index.js';

const guest = (id: string, cpu: number, disk: number, net: number): VpsSpec => ({
  id,
  vcpus: 2,
  ramGiB: 4,
  diskIops: 20_000,
  netMbps: 2000,
  load: { cpu, mem: 0.3, disk, net },
});

// Two CPU-bound guests and two guests whose I/O asks Dom0 for 0.54 of a core each, on 2 cores:
// five entities of equal weight, so Dom0 is granted 0.4 of its one vCPU.
const lab = (cores: number): Scenario => ({
  name: 'Dom0 short of cores',
  seed: 1,
  mode: 'para',
  host: { cores, ramGiB: 64, diskIops: 100_000, netMbps: 10_000 },
  vps: [guest('h1', 1, 0, 0), guest('h2', 1, 0, 0), guest('io1', 0.1, 0.3, 0.3), guest('io2', 0.1, 0.3, 0.3)],
});

/** The CPU a guest asks: its service's, and its own I/O cost for the ops it was served. */
function asks(v: { diskServedIops: number; netServedMbps: number }, cpu: number): number {
  return Math.min(
    2,
    cpu * 2 + K.ioCpuPara * (v.diskServedIops * K.diskOpCpuS + v.netServedMbps * K.netMbitCpu),
  );
}

describe('Dom0 granted less than its vCPU', () => {
  it('carries only what its grant pays for, and a guest pays its own I/O CPU only for that', () => {
    const e = createEngine(lab(2));
    for (let t = 0; t < 50; t++) {
      const f = e.step();
      expect(f.host.dom0CpuUtil, `tick ${t}`).toBeLessThan(0.5);
      for (const v of f.vps.slice(2)) {
        // Dom0's backend work for what it served fits in what Dom0 was granted.
        expect(v.diskServedIops, `tick ${t} ${v.id}`).toBeLessThan(v.diskDemandIops);
        expect(v.cpuDemand, `tick ${t} ${v.id}`).toBeCloseTo(asks(v, 0.1), 9);
      }
      const backend = f.vps.reduce(
        (a, v) => a + v.diskServedIops * K.diskOpCpuS + v.netServedMbps * K.netMbitCpu,
        0,
      );
      expect(backend * K.dom0IoFactor).toBeLessThanOrEqual(f.host.dom0CpuUtil * 1 + 1e-9);
    }
  });

  it('changes nothing where the host has the cores Dom0 asks for', () => {
    const e = createEngine(lab(16));
    for (let t = 0; t < 20; t++) {
      const f = e.step();
      for (const v of f.vps.slice(2)) expect(v.cpuDemand, `tick ${t} ${v.id}`).toBeCloseTo(asks(v, 0.1), 12);
    }
  });
});
