/**
 * Who hurts whom under para where the disk and Dom0 are both busy: a victim waits at the device's
 * queue and in Dom0's backend, so its edges on the disk (the device's split) and on Dom0 (Dom0's
 * split) are weighted by the wait each costs it, one split of one shortfall (shares summing to at
 * most 1), not two added.
 */
import { describe, expect, it } from 'vitest';
import type { Scenario, VpsSpec } from '../../../shared/commands.js';
import { createEngine } from '../../../server/sim/index.js';
import { DEFAULT_PARAMS } from '../../../server/sim/params.js';
import { evaluate } from '../../../server/sim/service.js';
import { newServiceIn, newServiceOut } from '../../../server/sim/serviceIo.js';
import { sojourn } from '../../../server/sim/stagewait.js';

const vps = (id: string, disk: number, net: number, diskIops = 5000, netMbps = 1000): VpsSpec => ({
  id,
  vcpus: 2,
  ramGiB: 4,
  diskIops,
  netMbps,
  load: { cpu: 0.2, mem: 0.3, disk, net },
});

// A storms the disk; C stays under an equal share of the disk but, with its network traffic, goes
// over an equal share of Dom0's one vCPU. The webs ask little of either.
const lab: Scenario = {
  name: 'disk and Dom0 busy',
  seed: 1,
  mode: 'para',
  host: { cores: 16, ramGiB: 64, diskIops: 20000, netMbps: 10000 },
  vps: [
    vps('web-1', 0.2, 0.1),
    vps('web-2', 0.2, 0.1),
    vps('A', 0.5, 0, 20000),
    vps('C', 0.8, 0.075, 5000, 4000),
  ],
};

describe('para: the device and Dom0 weighed by the wait each costs', () => {
  it("a web's disk shortfall is split once, and a neighbour only busy in Dom0 takes the part of Dom0's small wait", () => {
    const e = createEngine(lab);
    expect(e.apply({ type: 'startFault', vps: 'A', fault: 'io_storm', rate: 0.1 }).ok).toBe(true);
    let both = 0;
    for (let t = 0; t < 100; t++) {
      const f = e.step();
      if (!(f.host.diskUtil > 0.8 && f.host.dom0CpuUtil > 0.8)) continue;
      both++;
      for (const id of ['web-1', 'web-2']) {
        const io = f.attribution.filter(
          (a) => a.victim === id && (a.resource === 'disk' || a.resource === 'dom0'),
        );
        const sum = io.reduce((x, a) => x + a.share, 0);
        expect(sum, `tick ${f.tick} ${id}: ${JSON.stringify(io)}`).toBeLessThanOrEqual(1 + 1e-9);
        // The storm is named for nearly all of it, on the disk: the web waits tens of ms at the disk
        // and under a millisecond in Dom0's backend, whose CPU still carries all of its own I/O.
        const disk = io.filter((a) => a.resource === 'disk');
        expect(disk.map((a) => a.culprit)).toEqual(['A']);
        expect(disk[0].share).toBeGreaterThan(0.95);
      }
    }
    expect(both).toBeGreaterThan(50);
  });

  it("a web whose own I/O its fair share of Dom0 cannot carry waits in Dom0 too, and Dom0's culprits share its shortfall there", () => {
    // An 8 000 IOPS plan read whole: its blkback asks for more than a fair share of Dom0's backends.
    const heavy = { ...lab, vps: [vps('web-1', 1, 0.3, 8000), ...lab.vps.slice(1)] };
    const e = createEngine(heavy);
    expect(e.apply({ type: 'startFault', vps: 'A', fault: 'io_storm', rate: 0.1 }).ok).toBe(true);
    let both = 0;
    for (let t = 0; t < 100; t++) {
      const f = e.step();
      if (!(f.host.diskUtil > 0.8 && f.host.dom0CpuUtil > 0.8)) continue;
      both++;
      const web = f.vps.find((v) => v.id === 'web-1')!;
      expect(web.diskServedIops).toBeLessThan(web.diskDemandIops * 0.99);
      const edges = f.attribution.filter((a) => a.victim === 'web-1');
      const on = (r: string) =>
        Object.fromEntries(edges.filter((a) => a.resource === r).map((a) => [a.culprit, a.share]));
      const disk = on('disk'),
        dom0 = on('dom0');
      // The device's split names the storm alone; Dom0's names the storm and C, above an equal share of it.
      expect(Object.keys(disk)).toEqual(['A']);
      expect(Object.keys(dom0).sort()).toEqual(['A', 'C']);
      expect(disk.A + dom0.A + dom0.C).toBeLessThanOrEqual(1 + 1e-9);
      expect(disk.A + dom0.A).toBeGreaterThan(dom0.C);
      expect(dom0.C).toBeGreaterThan(0.05);
    }
    expect(both).toBeGreaterThan(50);
  });
});

describe('a stage wait split by cause', () => {
  it("is the service's own M/M/1/K wait at every utilization (disk and Dom0 stages)", () => {
    const k = DEFAULT_PARAMS;
    for (const u of [0, 0.1, 0.5, 0.8, 0.95, 0.999, 1, 3]) {
      const inp = newServiceIn();
      const out = newServiceOut();
      Object.assign(inp, { lambda: 10, useDisk: true, useDom0: true, uDisk: u, rhoDisk: u, uDom0: u / 2 });
      evaluate(inp, out);
      const expected =
        k.diskStageMs * sojourn(u, k.stageSlots) + k.dom0StageMs * sojourn(u / 2, k.stageSlots);
      expect(out.diskLatencyMs).toBeCloseTo(expected, 9);
    }
  });
});
